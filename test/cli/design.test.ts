/**
 * `strand design` on a real model: the DeepBind-recipe model trained on the shared USF1 ChIP-seq
 * set (test/fixtures/models/deepbind-usf1). Designing random 101 bp backgrounds for binding makes
 * the USF1 E-box CACGTG in most of them within 10 edits; designing bound test sequences down
 * breaks their E-box; constraints hold on every output; the files agree with each other and with
 * `predictSequences`; Ctrl-C keeps the best designs so far; bad input is one line.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DESIGN_EXAMPLE } from '../../src/config/examples.js';
import { Random } from '../../src/data/random.js';
import { predictSequences } from '../../src/interpret/predict.js';
import { randomDna } from '../data/genomic-fixtures.js';
import { loadModel } from '../../src/models/saved-model.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const usf1 = fileURLToPath(new URL('../../../test/fixtures/models/deepbind-usf1', import.meta.url));
const data = fileURLToPath(new URL('../../../../shared/data/deepbind_encode_chipseq/', import.meta.url));
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 300_000 });
const dir = mkdtempSync(join(tmpdir(), 'strand-design-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hasEbox = (s: string) => s.includes('CACGTG');

function fasta(path: string): { id: string; sequence: string }[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return Array.from({ length: lines.length / 2 }, (_, i) => ({ id: lines[2 * i]!.slice(1).split(' ')[0]!, sequence: lines[2 * i + 1]! }));
}

function gc(s: string): number {
  return [...s].filter((c) => c === 'G' || c === 'C').length / s.length;
}

test('designing random backgrounds for binding makes the E-box CACGTG in most designs within 10 edits; constraints hold', () => {
  const out = join(dir, 'up');
  const r = strand('design', '--model', usf1, '--random', '20', '--objective', 'max:Bound', '--max-edits', '10', '--forbid', 'GAATTC,GGATCC', '--gc', '0.35-0.65', '--seed', '3', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const designs = fasta(join(out, 'designed.fa'));
  assert.equal(designs.length, 20);
  const withEbox = designs.filter((d) => hasEbox(d.sequence)).length;
  assert.ok(withEbox >= 16, `${withEbox} of 20 designs hold CACGTG`);
  const report = JSON.parse(readFileSync(join(out, 'design.json'), 'utf8')) as {
    interrupted: boolean;
    designs: { id: string; start: string; sequence: string; objective: number; startObjective: number; predictions: number[]; violations: string[] }[];
  };
  assert.equal(report.interrupted, false);
  for (const d of report.designs) {
    const edits = [...d.sequence].filter((c, i) => c !== d.start[i]).length;
    assert.ok(edits <= 10, `${d.id}: ${edits} edits`);
    for (const site of ['GAATTC', 'GGATCC']) assert.ok(!d.sequence.includes(site), `${d.id} holds ${site}`);
    const startGc = gc(d.start);
    const distance = (f: number) => Math.max(0, 0.35 - f, f - 0.65);
    assert.ok(distance(gc(d.sequence)) <= distance(startGc) + 1e-12, `${d.id}: GC ${gc(d.sequence)}`);
    assert.ok(d.objective > d.startObjective);
  }
  // The files agree: predictions in design.json and trajectory.tsv are the model's.
  const saved = loadModel(usf1);
  const predicted = predictSequences(saved, report.designs.map((d) => d.sequence)).values;
  report.designs.forEach((d, i) => assert.ok(Math.abs(d.predictions[0]! - predicted[i]!) < 1e-5));
  saved.model.dispose();
  const rows = readFileSync(join(out, 'trajectory.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows[0], ['id', 'round', 'edit', 'position', 'from', 'to', 'objective', 'Bound']);
  const first = report.designs[0]!;
  const own = rows.filter((row) => row[0] === first.id);
  let sequence = first.start;
  for (const row of own.slice(1)) {
    const p = Number(row[3]) - 1;
    assert.equal(sequence[p], row[4]);
    sequence = sequence.slice(0, p) + row[5] + sequence.slice(p + 1);
  }
  assert.equal(sequence, first.sequence, 'replaying the trajectory gives the design');
  assert.ok(Math.abs(Number(own.at(-1)![6]) - first.objective) < 1e-5);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /data-chart="design-objective"/);
  assert.ok((html.match(/<mark /g) ?? []).length >= 20, 'edits marked');
  assert.ok((html.match(/class="logo"/g) ?? []).length >= 2 || /<svg[^>]*logo/.test(html), 'attribution logos');
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'offline, no scripts');
});

test('designing bound test sequences down breaks their E-box within 4 edits', () => {
  const rows = gunzipSync(readFileSync(join(data, 'USF1_H1-hESC_USF-1_HudsonAlpha_B.seq.gz'))).toString('utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const bound = rows.filter((r) => r[3] === '1' && (r[2]!.match(/CACGTG/g) ?? []).length === 1).slice(0, 8);
  const seeds = join(dir, 'bound.fa');
  writeFileSync(seeds, bound.map((r) => `>${r[1]}\n${r[2]}\n`).join(''));
  const out = join(dir, 'down');
  const r = strand('design', '--model', usf1, '--fasta', seeds, '--objective', 'min:Bound', '--max-edits', '4', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const designs = fasta(join(out, 'designed.fa'));
  assert.deepEqual(designs.map((d) => d.id), bound.map((r) => r[1]));
  const broken = designs.filter((d) => !hasEbox(d.sequence)).length;
  assert.ok(broken >= 7, `${broken} of 8 E-boxes broken`);
});

test('motif insertion writes CACGTG in one round; gradient design raises binding within its budget', () => {
  const insert = join(dir, 'insert');
  const r = strand('design', '--model', usf1, '--random', '3', '--objective', 'max:Bound', '--method', 'insert', '--pattern', 'CACGTG', '--rounds', '1', '--out', insert);
  assert.equal(r.status, 0, r.stderr);
  for (const d of fasta(join(insert, 'designed.fa'))) assert.ok(hasEbox(d.sequence));
  const gradient = join(dir, 'gradient');
  const g = strand('design', '--model', usf1, '--random', '2', '--objective', 'max:Bound', '--method', 'gradient', '--steps', '60', '--max-edits', '12', '--out', gradient);
  assert.equal(g.status, 0, g.stderr);
  const report = JSON.parse(readFileSync(join(gradient, 'design.json'), 'utf8')) as { designs: { start: string; sequence: string; objective: number; startObjective: number }[] };
  for (const d of report.designs) {
    assert.ok(d.objective > d.startObjective + 0.05, `${d.startObjective} -> ${d.objective}`);
    assert.ok([...d.sequence].filter((c, i) => c !== d.start[i]).length <= 12);
  }
  const gain = report.designs.reduce((s, d) => s + d.objective - d.startObjective, 0) / report.designs.length;
  assert.ok(gain > 0.2, `mean gain ${gain}`);
});

test('Ctrl-C keeps the best designs so far, written whole, and exits 130', async () => {
  const out = join(dir, 'interrupted');
  const child = spawn(process.execPath, [cli, 'design', '--model', usf1, '--random', '400', '--objective', 'max:Bound', '--rounds', '30', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => (stderr += t));
  await new Promise((resolve) => setTimeout(resolve, 4000));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; writing the best designs so far/);
  const report = JSON.parse(readFileSync(join(out, 'design.json'), 'utf8')) as { interrupted: boolean; designs: unknown[] };
  assert.equal(report.interrupted, true);
  assert.ok(report.designs.length >= 1 && report.designs.length < 400, `${report.designs.length} designs`);
  assert.equal(fasta(join(out, 'designed.fa')).length, report.designs.length);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /Interrupted/);
});

test('--bed with --genome starts from the reference window centred on each interval', () => {
  const random = new Random(9);
  const chrom = randomDna(random, 1000);
  const genome = join(dir, 'g.fa');
  writeFileSync(genome, `>chr1\n${chrom}\n`);
  const bed = join(dir, 'r.bed');
  writeFileSync(bed, 'chr1\t200\t260\tpeakA\nchr1\t600\t601\t.\n');
  const out = join(dir, 'bed');
  const r = strand('design', '--model', usf1, '--bed', bed, '--genome', genome, '--objective', 'max:Bound', '--max-edits', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(out, 'design.json'), 'utf8')) as { designs: { id: string; start: string }[] };
  assert.deepEqual(report.designs.map((d) => d.id), ['peakA', 'chr1:550-651']);
  assert.equal(report.designs[0]!.start, chrom.slice(180, 281));
  assert.equal(report.designs[1]!.start, chrom.slice(550, 651));
  writeFileSync(bed, 'chr1\t10\t20\n');
  const edge = strand('design', '--model', usf1, '--bed', bed, '--genome', genome, '--objective', 'max:Bound', '--out', join(dir, 'edge'));
  assert.match(edge.stderr.trim(), /the 101 bp window around chr1:10-20 leaves the chromosome/);
});

test('strand init design writes a config strand design runs (flags override it)', () => {
  const config = join(dir, 'design.yaml');
  const init = strand('init', 'design', '--out', config);
  assert.equal(init.status, 0, init.stderr);
  assert.equal(readFileSync(config, 'utf8'), DESIGN_EXAMPLE);
  const out = join(dir, 'from-config');
  const r = strand('design', '--model', usf1, '--random', '2', '--config', config, '--max-edits', '3', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(out, 'design.json'), 'utf8')) as { options: { objective: string; constraints: { maxEdits: number; forbidden: string[] } }; designs: { start: string; sequence: string }[] };
  assert.equal(report.options.objective, 'max:Bound');
  assert.equal(report.options.constraints.maxEdits, 3, 'the flag wins');
  assert.deepEqual(report.options.constraints.forbidden, ['GAATTC', 'GGATCC']);
  for (const d of report.designs) assert.ok([...d.sequence].filter((c, i) => c !== d.start[i]).length <= 3);
  writeFileSync(join(dir, 'typo.yaml'), 'design:\n  objectve: max:Bound\n');
  const typo = strand('design', '--model', usf1, '--random', '2', '--config', join(dir, 'typo.yaml'), '--objective', 'max:Bound', '--out', join(dir, 'typo'));
  assert.notEqual(typo.status, 0);
  assert.match(typo.stderr, /typo\.yaml.*design\.objectve.*unknown/);
});

test('bad input is one line naming the problem, and nothing is written', () => {
  const cases: [string[], RegExp][] = [
    [['--random', '2', '--objective', 'max:bound'], /^strand: error: design\.objective: unknown output 'bound'; the model's outputs are Bound$/],
    [['--random', '2'], /^strand: error: give --objective \(e\.g\. max:bound\) or design\.objective in --config$/],
    [['--random', '2', '--objective', 'max:Bound', '--editable', '90-120'], /design\.constraints\.editable: 90-120 is not inside 1-101/],
    [['--random', '2', '--objective', 'max:Bound', '--forbid', 'GAXTC'], /forbidden motif: 'GAXTC' has 'X' at position 3/],
    [['--random', '2', '--objective', 'max:Bound', '--method', 'insert'], /--method insert needs --pattern MOTIF/],
  ];
  for (const [args, message] of cases) {
    const out = join(dir, 'bad');
    const r = strand('design', '--model', usf1, ...args, '--out', out);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.trim(), message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(!existsSync(join(out, 'designed.fa')));
  }
  const seeds = join(dir, 'n.fa');
  writeFileSync(seeds, `>ok\n${'A'.repeat(101)}\n>withN\n${'A'.repeat(50)}N${'A'.repeat(50)}\n`);
  const r = strand('design', '--model', usf1, '--fasta', seeds, '--objective', 'max:Bound', '--out', join(dir, 'bad2'));
  assert.match(r.stderr.trim(), /^strand: error: seed 'withN' has 'N' at position 51; a design starts from A, C, G and T only$/);
});
