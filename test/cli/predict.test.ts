/**
 * `strand predict` streams its input in chunks: a gzip FASTA of more sequences than one chunk
 * gives the library's predictions row for row, a BED gives the same as the windows' FASTA, and
 * bad input is one error line with no output file left.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Random } from '../../src/data/random.js';
import { predictSequences } from '../../src/interpret/predict.js';
import { loadModel } from '../../src/models/saved-model.js';
import { randomDna, tempDir, writeGenome, type TempGenome } from '../data/genomic-fixtures.js';
import { STRAND_CLI, trainPlantedModel } from '../helpers/trained-model.js';

const tmp = tempDir('strand-predict-');
let model = '';
let genome: TempGenome;
let chr1 = '';
const strand = (...args: string[]) => spawnSync(process.execPath, [STRAND_CLI, ...args], { encoding: 'utf8' });

before(() => {
  model = trainPlantedModel(tmp.dir, { count: 400, epochs: 1 });
  chr1 = randomDna(new Random(4), 20_000);
  genome = writeGenome([['chr1', chr1]]);
});

after(() => {
  genome?.remove();
  tmp.remove();
});

function table(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split('\t'));
}

test('a gzip FASTA larger than one chunk: every row equals predictSequences of its sequence', () => {
  const random = new Random(9);
  const sequences = Array.from({ length: 2500 }, (_, i) => randomDna(random, 150 + (i % 100)));
  writeFileSync(join(tmp.dir, 'many.fa.gz'), gzipSync(sequences.map((s, i) => `>s${i} note\n${s.slice(0, 80)}\n${s.slice(80)}\n`).join('')));
  const r = strand('predict', '--model', model, '--fasta', join(tmp.dir, 'many.fa.gz'), '--out', join(tmp.dir, 'many.tsv'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wrote 2500 predictions/);
  const rows = table(join(tmp.dir, 'many.tsv'));
  const saved = loadModel(model);
  const expected = predictSequences(saved, sequences);
  saved.model.dispose();
  assert.deepEqual(rows[0], ['id', ...expected.outputs]);
  assert.equal(rows.length, 2501);
  rows.slice(1).forEach((row, i) => {
    assert.equal(row[0], `s${i}`);
    row.slice(1).forEach((v, t) => assert.equal(v, expected.values[i * expected.outputs.length + t]!.toPrecision(6)));
  });
});

test('a BED file: windows centred on each interval, padded with N past the chromosome ends', () => {
  writeFileSync(join(tmp.dir, 'regions.bed'), 'chr1\t5000\t5100\nchr1\t0\t20\nchr1\t19990\t20000\n');
  const r = strand('predict', '--model', model, '--bed', join(tmp.dir, 'regions.bed'), '--genome', genome.path, '--out', join(tmp.dir, 'bed.tsv'));
  assert.equal(r.status, 0, r.stderr);
  const windows = ['>chr1:5000-5100', chr1.slice(4950, 5150), '>chr1:0-20', 'N'.repeat(90) + chr1.slice(0, 110), '>chr1:19990-20000', chr1.slice(19895) + 'N'.repeat(95)];
  writeFileSync(join(tmp.dir, 'windows.fa'), `${windows.join('\n')}\n`);
  assert.equal(strand('predict', '--model', model, '--fasta', join(tmp.dir, 'windows.fa'), '--out', join(tmp.dir, 'windows.tsv')).status, 0);
  assert.deepEqual(table(join(tmp.dir, 'bed.tsv')), table(join(tmp.dir, 'windows.tsv')));
});

test('bad input: one line naming the file and line, exit 1, no output left', () => {
  const sub = join(tmp.dir, 'bad');
  spawnSync('mkdir', ['-p', sub]);
  const fasta = join(sub, 'bad.fa');
  writeFileSync(fasta, `>a\n${'ACGT'.repeat(50)}\n>b\nACGT\n>a\nGG\n`);
  const r = strand('predict', '--model', model, '--fasta', fasta, '--out', join(sub, 'out.tsv'));
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), `strand: error: ${fasta}: line 5: name: duplicate sequence name 'a'`);
  const profiles = strand('predict', '--model', model, '--fasta', join(tmp.dir, 'windows.fa'), '--out', join(sub, 'out.tsv'), '--profiles', join(sub, 'p.npy'));
  assert.equal(profiles.status, 1);
  assert.match(profiles.stderr, /--profiles needs a profile model \(e\.g\. bpnet\); this model's task is 'binary'/);
  assert.deepEqual(readdirSync(sub), ['bad.fa']);
  assert.ok(!existsSync(join(sub, 'p.npy')));
});
