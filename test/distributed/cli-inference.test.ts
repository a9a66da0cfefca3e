/**
 * Sharded inference: `--workers 2`, and two ranks started by an outside launcher with
 * torchrun's variables, must write byte for byte the files one process writes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { distributedAvailable } from '../../src/distributed/index.js';
import { SHARED_DATA } from '../data/genomic-fixtures.js';
import { runRanks } from './spawn-ranks.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const model = fileURLToPath(new URL('../../../test/fixtures/models/deepbind-usf1', import.meta.url));
const chr20 = join(SHARED_DATA, 'human_chr20_1mb_1kgp3');
const skip = distributedAvailable() ? false : 'addon built without gloo';
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 300_000 });

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'strand-workers-'));
  // 700 windows: parts of 256 make 3 parts, so rank 0 has two and rank 1 one.
  const positions = Array.from({ length: 700 }, (_, i) => 10_000 + i * 1_301);
  writeFileSync(join(dir, 'regions.bed'), positions.map((p, i) => `z\t${p}\t${p + 60}\tr${i}\n`).join(''));
  // 150 sequences: explain's chunks of 64 make 3 parts.
  const bases = 'ACGT';
  let state = 7;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31), state / 2 ** 31);
  const fasta = Array.from({ length: 150 }, (_, i) => `>s${i}\n${Array.from({ length: 101 }, () => bases[Math.floor(random() * 4)]).join('')}CACGTG\n`);
  writeFileSync(join(dir, 'seqs.fa'), fasta.join(''));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sameFiles(a: string, b: string, names: readonly string[]): void {
  for (const name of names) {
    const read = (p: string) => (p.endsWith('.gz') ? gunzipSync(readFileSync(p)) : readFileSync(p));
    assert.ok(read(join(a, name)).equals(read(join(b, name))), `${name} differs between one process and the workers`);
  }
}

/** Runs `args` once alone (--threads 1) into dir/one and with --workers 2 into dir/two. */
function oneAndTwo(name: string, args: (out: string) => string[]): { one: string; two: string } {
  const one = join(dir, name, 'one');
  const two = join(dir, name, 'two');
  for (const [out, extra] of [[one, ['--threads', '1']], [two, ['--workers', '2']]] as const) {
    const r = strand(...args(out), ...extra);
    assert.equal(r.status, 0, r.stderr);
  }
  return { one, two };
}

test('predict --workers 2 (BED windows over a genome): the TSV one process writes', { skip }, () => {
  const { one, two } = oneAndTwo('predict', (out) => ['predict', '--model', model, '--bed', join(dir, 'regions.bed'), '--genome', join(chr20, 'z.fa.gz'), '--out', `${out}/p.tsv`]);
  sameFiles(one, two, ['p.tsv']);
  assert.equal(readFileSync(join(two, 'p.tsv'), 'utf8').trim().split('\n').length, 701);
});

test('score-variants --workers 2: TSV, skipped list and annotated VCF equal one process', { skip }, () => {
  // Rounds of 4 x 8 alleles over ~2,900 records: many rounds, and alleles the window cannot hold at the chromosome end.
  const { one, two } = oneAndTwo('variants', (out) => [
    'score-variants', '--model', model, '--vcf', join(chr20, 'z.vcf.gz'), '--genome', join(chr20, 'z.fa.gz'),
    '--region', 'z:1-100000', '--region', 'z:999000-1000000', '--batch-size', '8',
    '--out', `${out}/v.tsv`, '--vcf-out', `${out}/v.vcf.gz`, '--report', `${out}/v.html`,
  ]);
  sameFiles(one, two, ['v.tsv', 'v.skipped.tsv', 'v.vcf.gz']);
  const rows = readFileSync(join(two, 'v.tsv'), 'utf8').trim().split('\n');
  assert.ok(rows.length > 2000, `${rows.length} rows`);
  assert.ok(readFileSync(join(two, 'v.skipped.tsv'), 'utf8').includes('chromosome-end'));
  assert.ok(existsSync(join(two, 'v.html')));
});

test('explain --workers 2 (integrated gradients, seeded references per chunk): every file equals one process', { skip }, () => {
  const { one, two } = oneAndTwo('explain', (out) => ['explain', '--model', model, '--fasta', join(dir, 'seqs.fa'), '--method', 'ig', '--steps', '8', '--shuffles', '3', '--out', out]);
  sameFiles(one, two, ['attributions.npy', 'predictions.tsv', 'sequences.fa', 'explain.json']);
});

test('under an outside launcher (torchrun variables) each rank joins the group and only rank 0 writes', { skip }, async () => {
  const out = join(dir, 'launched');
  const runs = await runRanks(cli, 2, {
    args: ['predict', '--model', model, '--bed', join(dir, 'regions.bed'), '--genome', join(chr20, 'z.fa.gz'), '--out', join(out, 'p.tsv'), '--threads', '1'],
  });
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  assert.match(runs[0]!.stderr, /wrote 700 predictions/);
  assert.doesNotMatch(runs[1]!.stderr, /wrote/);
  assert.deepEqual(readdirSync(out), ['p.tsv']);
  sameFiles(join(dir, 'predict', 'one'), out, ['p.tsv']);
});
