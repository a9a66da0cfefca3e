import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { manualSeed } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { NUCLEOTIDE_VOCAB_SIZE, reverseComplementBytes } from '../../src/genomics/nucleotide-bytes.js';
import { readNpy } from '../../src/io/npy.js';
import { createModel } from '../../src/models/index.js';
import type { LanguageModel } from '../../src/models/language-model.js';
import { maskedBaseDistributions } from '../../src/models/lm-predictions.js';
import { describeModel, saveModel } from '../../src/models/saved-model.js';
import { randomDna } from '../data/genomic-fixtures.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
const L = 40;

let dir = '';
let model: LanguageModel;
const sequences: string[] = [];
const rc = (s: string) => Buffer.from(reverseComplementBytes(Buffer.from(s, 'latin1'))).toString('latin1');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'strand-explain-lm-'));
  manualSeed(5);
  const options = { vocabSize: NUCLEOTIDE_VOCAB_SIZE, dim: 16, kernel: 5, dilations: [1, 2] };
  model = createModel('conv-lm', options) as unknown as LanguageModel;
  model.eval();
  const describe = (kind: 'masked-lm' | 'causal-lm') =>
    describeModel({
      architecture: { name: 'conv-lm', options: kind === 'causal-lm' ? { ...options, causal: true } : options },
      input: { kind: 'tokens', alphabet: 'ACGT', length: L },
      task: { kind, outputs: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'A', 'C', 'G', 'T'] },
      tokenizer: { kind: 'nucleotide' },
    });
  saveModel(join(dir, 'mlm'), model, describe('masked-lm'));
  const random = new Random(6);
  for (let i = 0; i < 3; i++) sequences.push(randomDna(random, L));
  sequences.push(rc(sequences[0]!));
  writeFileSync(join(dir, 'seqs.fa'), sequences.map((s, i) => `>s${i}\n${s}\n`).join(''));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('explain on a masked LM: ISM from masked log-probabilities, 0 at the reference, the same on the reverse strand; the pseudo-log-likelihood as prediction', () => {
  const out = join(dir, 'out');
  const r = strand('explain', '--model', join(dir, 'mlm'), '--fasta', join(dir, 'seqs.fa'), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const npy = readNpy(join(out, 'attributions.npy'));
  assert.deepEqual(npy.shape, [4, L, 4]);
  const a = npy.data as Float32Array;
  const at = (n: number, i: number, b: number) => a[(n * L + i) * 4 + b]!;
  const BASES = 'ACGT';
  for (let i = 0; i < L; i++) assert.equal(at(0, i, BASES.indexOf(sequences[0]![i]!)), 0);
  // By hand for one position: both strands' masked log-probabilities averaged, minus the reference's.
  const i = 11;
  const fwd = maskedBaseDistributions(model, Buffer.from(sequences[0]!, 'latin1'));
  const rev = maskedBaseDistributions(model, Buffer.from(rc(sequences[0]!), 'latin1'));
  const logp = [0, 1, 2, 3].map((b) => (Math.log(fwd[i]![b]!) + Math.log(rev[L - 1 - i]![3 - b]!)) / 2);
  const ref = BASES.indexOf(sequences[0]![i]!);
  for (let b = 0; b < 4; b++) assert.ok(Math.abs(at(0, i, b) - (logp[b]! - logp[ref]!)) < 1e-4, `position ${i} base ${b}`);
  // Sequence 3 is sequence 0's reverse complement: position i, base b there is position L-1-i, base 3-b here.
  for (let p = 0; p < L; p++) for (let b = 0; b < 4; b++) assert.ok(Math.abs(at(3, L - 1 - p, 3 - b) - at(0, p, b)) < 1e-4);
  const rows = readFileSync(join(out, 'predictions.tsv'), 'utf8').trim().split('\n');
  assert.match(rows[0]!, /pseudo-log-likelihood/);
  const pll = rows.slice(1).map((row) => Number(row.split('\t').pop()));
  assert.ok(pll.every((v) => v < 0 && v > -10), pll.join(' '));
  assert.ok(Math.abs(pll[0]! - pll[3]!) < 1e-4, 'both strands: one likelihood');
  assert.ok(existsSync(join(out, 'report.html')));
});

test('explain on a language model with a gradient method is refused in one line', () => {
  const r = strand('explain', '--model', join(dir, 'mlm'), '--fasta', join(dir, 'seqs.fa'), '--method', 'ig', '--out', join(dir, 'no'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^strand: error: a language model is explained by masked-LM in-silico mutagenesis \(--method ism/);
});
