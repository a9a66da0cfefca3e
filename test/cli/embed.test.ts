import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { manualSeed } from '../../src/core/index.js';
import { distributedAvailable } from '../../src/distributed/index.js';
import { NUCLEOTIDE_VOCAB_SIZE, reverseComplementBytes } from '../../src/genomics/nucleotide-bytes.js';
import { readNpy } from '../../src/io/npy.js';
import { createModel } from '../../src/models/index.js';
import type { LanguageModel } from '../../src/models/language-model.js';
import { tokenIdsOfWindows } from '../../src/models/lm-predictions.js';
import { describeModel, saveModel } from '../../src/models/saved-model.js';
import { Random } from '../../src/data/random.js';
import { randomDna } from '../data/genomic-fixtures.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const usf1 = fileURLToPath(new URL('../../../test/fixtures/models/deepbind-usf1', import.meta.url));
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });

let dir = '';
let model: LanguageModel;
const sequences: string[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'strand-embed-'));
  manualSeed(3);
  const options = { vocabSize: NUCLEOTIDE_VOCAB_SIZE, dim: 24, kernel: 5, dilations: [1, 2, 4] };
  model = createModel('conv-lm', options) as unknown as LanguageModel;
  model.eval();
  saveModel(join(dir, 'lm'), model, describeModel({
    architecture: { name: 'conv-lm', options },
    input: { kind: 'tokens', alphabet: 'ACGT', length: 100 },
    task: { kind: 'masked-lm', outputs: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'A', 'C', 'G', 'T'] },
    tokenizer: { kind: 'nucleotide' },
  }));
  // 300 sequences of three lengths in runs (and one N-containing, soft-masked one): two parts of 256.
  const random = new Random(4);
  for (let i = 0; i < 300; i++) sequences.push(randomDna(random, i < 120 ? 80 : i < 250 ? 130 : 61));
  sequences[7] = `${sequences[7]!.slice(0, 30)}NNNNacgtac${sequences[7]!.slice(40)}`;
  writeFileSync(join(dir, 'seqs.fa'), sequences.map((s, i) => `>s${i} extra words\n${s}\n`).join(''));
  writeFileSync(join(dir, 'rc.fa'), sequences.map((s, i) => `>rc${i}\n${Buffer.from(reverseComplementBytes(Buffer.from(s, 'latin1'))).toString('latin1')}\n`).join(''));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The encoder's mean hidden state of one sequence, computed here directly. */
function meanHidden(sequence: string): Float32Array {
  const ids = tokenIdsOfWindows([Buffer.from(sequence, 'latin1')]);
  const hidden = model.encode(ids).meanDim([1]);
  const values = Float32Array.from(hidden.data<Float32Array>());
  ids.dispose();
  hidden.dispose();
  return values;
}

function embeddings(path: string): { values: Float32Array; shape: number[] } {
  const npy = readNpy(path);
  return { values: npy.data as Float32Array, shape: npy.shape };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number, what: string): void {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= tolerance, `${what}: largest difference ${worst}`);
}

test('strand embed: N x hidden mean-pooled embeddings in input order, ids beside; --strand forward is the encoder mean itself', () => {
  const r = strand('embed', '--model', join(dir, 'lm'), '--fasta', join(dir, 'seqs.fa'), '--out', join(dir, 'fwd.npy'), '--strand', 'forward');
  assert.equal(r.status, 0, r.stderr);
  const { values, shape } = embeddings(join(dir, 'fwd.npy'));
  assert.deepEqual(shape, [300, 24]);
  assert.deepEqual(readFileSync(join(dir, 'fwd.ids.tsv'), 'utf8').trim().split('\n'), ['id', ...sequences.map((_, i) => `s${i}`)]);
  for (const i of [0, 7, 119, 120, 249, 250, 299]) close(values.subarray(i * 24, (i + 1) * 24), meanHidden(sequences[i]!), 1e-5, `sequence ${i}`);
});

test('both strands (the default): a sequence and its reverse complement get the same embedding', () => {
  for (const [fasta, out] of [['seqs.fa', 'both.npy'], ['rc.fa', 'rc.npy']]) {
    const r = strand('embed', '--model', join(dir, 'lm'), '--fasta', join(dir, fasta!), '--out', join(dir, out!));
    assert.equal(r.status, 0, r.stderr);
  }
  const both = embeddings(join(dir, 'both.npy')).values;
  close(both, embeddings(join(dir, 'rc.npy')).values, 1e-5, 'forward vs reverse-complement input');
  const rc = Buffer.from(reverseComplementBytes(Buffer.from(sequences[0]!, 'latin1'))).toString('latin1');
  const expected = meanHidden(sequences[0]!).map((v, d) => (v + meanHidden(rc)[d]!) / 2);
  close(both.subarray(0, 24), expected, 1e-5, 'sequence 0: mean of the two strands');
});

test('--pooling none: one embedding per base, both strands mirrored; max pooling; unequal lengths refused in one line', () => {
  writeFileSync(join(dir, 'equal.fa'), sequences.slice(0, 5).map((s, i) => `>e${i}\n${s}\n`).join(''));
  const r = strand('embed', '--model', join(dir, 'lm'), '--fasta', join(dir, 'equal.fa'), '--out', join(dir, 'tokens.npy'), '--pooling', 'none');
  assert.equal(r.status, 0, r.stderr);
  const { values, shape } = embeddings(join(dir, 'tokens.npy'));
  assert.deepEqual(shape, [5, 80, 24]);
  const hiddenOf = (sequence: string) => {
    const ids = tokenIdsOfWindows([Buffer.from(sequence, 'latin1')]);
    const hidden = model.encode(ids);
    const v = Float32Array.from(hidden.data<Float32Array>());
    ids.dispose();
    hidden.dispose();
    return v;
  };
  const forward = hiddenOf(sequences[2]!);
  const reverse = hiddenOf(Buffer.from(reverseComplementBytes(Buffer.from(sequences[2]!, 'latin1'))).toString('latin1'));
  const expected = forward.map((v, i) => (v + reverse[(79 - Math.floor(i / 24)) * 24 + (i % 24)]!) / 2);
  close(values.subarray(2 * 80 * 24, 3 * 80 * 24), expected, 1e-5, 'sequence 2, base by base');

  const max = strand('embed', '--model', join(dir, 'lm'), '--fasta', join(dir, 'equal.fa'), '--out', join(dir, 'max.npy'), '--pooling', 'max', '--strand', 'forward');
  assert.equal(max.status, 0, max.stderr);
  const pooled = embeddings(join(dir, 'max.npy')).values;
  const expectedMax = Array.from({ length: 24 }, (_, d) => Math.max(...Array.from({ length: 80 }, (_, t) => forward[t * 24 + d]!)));
  close(pooled.subarray(2 * 24, 3 * 24), expectedMax, 1e-6, 'max over positions');

  const refused = strand('embed', '--model', join(dir, 'lm'), '--fasta', join(dir, 'seqs.fa'), '--out', join(dir, 'mixed.npy'), '--pooling', 'none');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr.trim(), /^strand: error: per-token embeddings need sequences of one token count; s120 \(sequence 121\) has 130 tokens, the first 80$/);
  assert.ok(!existsSync(join(dir, 'mixed.npy')));
});

test('--workers 2 writes the files one process writes', { skip: distributedAvailable() ? false : 'addon built without gloo' }, () => {
  for (const [out, extra] of [['one.npy', ['--threads', '1']], ['two.npy', ['--workers', '2']]] as const) {
    const r = strand('embed', '--model', join(dir, 'lm'), '--fasta', join(dir, 'seqs.fa'), '--out', join(dir, out), ...extra);
    assert.equal(r.status, 0, r.stderr);
  }
  assert.ok(readFileSync(join(dir, 'one.npy')).equals(readFileSync(join(dir, 'two.npy'))));
  assert.ok(readFileSync(join(dir, 'one.ids.tsv')).equals(readFileSync(join(dir, 'two.ids.tsv'))));
});

test('a model without a language-model encoder is refused in one line, and nothing is written', () => {
  const r = strand('embed', '--model', usf1, '--fasta', join(dir, 'seqs.fa'), '--out', join(dir, 'no.npy'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^strand: error: embeddings come from a language model's encoder .*this model is 'deepbind'\n/);
  assert.throws(() => readFileSync(join(dir, 'no.npy')));
});
