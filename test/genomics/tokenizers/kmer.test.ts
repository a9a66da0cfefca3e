import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/core/index.js';
import { Random } from '../../../src/data/random.js';
import { KmerTokenizer } from '../../../src/genomics/tokenizers/kmer.js';
import { SPECIAL_TOKENS } from '../../../src/genomics/tokenizers/tokens.js';
import { runPython } from '../../helpers/pytorch.js';

test('hand-checked ids: k = 3 (ACG = 5 + 0*16 + 1*4 + 2 = 11, CGT = 5 + 16 + 8 + 3 = 32)', () => {
  const t = new KmerTokenizer({ k: 3 });
  assert.equal(t.vocabSize, 5 + 64);
  assert.deepEqual([...t.encode('ACGT')], [11, 32]);
  assert.deepEqual([...t.encode('acgt')], [11, 32]); // soft-masked alike
  assert.deepEqual([...t.encode('ACGU')], [11, 32]); // RNA U reads as T
  assert.deepEqual([...t.encode('ACGT', { addSpecialTokens: true })], [2, 11, 32, 3]);
  assert.deepEqual([...t.encode('ACGT', { addSpecialTokens: true, length: 6 })], [2, 11, 32, 3, 0, 0]);
  assert.deepEqual([...t.encode('ACGT', { addSpecialTokens: true, length: 3 })], [2, 11, 3]);
  assert.deepEqual([...t.encode('ACGT', { length: 1 })], [11]);
  assert.deepEqual([...t.encode('AAA')], [5]);
  assert.deepEqual([...t.encode('TTT')], [68]);
  assert.deepEqual([...t.encode('AC')], []); // shorter than k
  assert.equal(t.tokenId('ACG'), 11);
  assert.equal(t.tokenId('[MASK]'), SPECIAL_TOKENS.mask);
  assert.equal(t.tokenId('ANG'), SPECIAL_TOKENS.unk);
  assert.deepEqual(t.vocabulary().slice(0, 7), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'AAA', 'AAC']);
});

test('k = 1 and 2: N / IUPAC k-mers are [UNK]; stride k gives non-overlapping k-mers', () => {
  assert.deepEqual([...new KmerTokenizer({ k: 1 }).encode('ACGTNr')], [5, 6, 7, 8, 1, 1]);
  assert.deepEqual([...new KmerTokenizer({ k: 2 }).encode('AaNc')], [5, 1, 1]); // AA = 5, AN, Nc
  const t = new KmerTokenizer({ k: 3, stride: 3 });
  assert.deepEqual([...t.encode('ACGTTTA')], [11, 68]); // ACG, TTT; trailing A dropped
  assert.equal(t.decode(t.encode('ACGTTTA')), 'ACGTTT');
  assert.throws(() => new KmerTokenizer({ k: 7 }), /k to be an integer in 1..6, got 7/);
  assert.throws(() => new KmerTokenizer({ k: 3, stride: 4 }), /stride to be an integer in 1..3/);
  assert.throws(() => t.encode('ACXT'), (e: unknown) => e instanceof InputError && /'X' at position 3/.test(e.message));
  assert.throws(() => t.encode('ACGT', { addSpecialTokens: true, length: 1 }), /length to be an integer >= 2/);
});

test('ids and vocabulary match an independent Python enumeration (itertools.product) for k = 1..6', () => {
  const random = new Random(3);
  const seqs = Array.from({ length: 4 }, () => Array.from({ length: 50 }, () => 'ACGTACGTN'[random.int(9)]).join(''));
  const expected = runPython<{ vocab: Record<string, string[]>; ids: Record<string, number[][]> }>(`
import itertools
vocab, ids = {}, {}
for k in range(1, 7):
    v = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] + [''.join(p) for p in itertools.product('ACGT', repeat=k)]
    lookup = {s: i for i, s in enumerate(v)}
    vocab[str(k)] = v[:12] + v[-3:]
    ids[str(k)] = [[lookup.get(s[i:i + k], 1) for i in range(len(s) - k + 1)] for s in inputs['seqs']]
result = {'vocab': vocab, 'ids': ids}
`, { seqs }, ['numpy']);
  if (expected === null) return;
  for (let k = 1; k <= 6; k++) {
    const t = new KmerTokenizer({ k });
    const v = t.vocabulary();
    assert.equal(v.length, 5 + 4 ** k);
    assert.deepEqual([...v.slice(0, 12), ...v.slice(-3)], expected.vocab[String(k)]);
    seqs.forEach((s, n) => assert.deepEqual([...t.encode(s)], expected.ids[String(k)]![n], `k=${k} seq ${n}`));
  }
});

test('decode: overlapping k-mers back to the sequence; UNK-only bases become N; specials skipped', () => {
  const random = new Random(9);
  for (let k = 1; k <= 6; k++) {
    const t = new KmerTokenizer({ k });
    const s = Array.from({ length: 30 }, () => 'ACGT'[random.int(4)]).join('');
    assert.equal(t.decode(t.encode(s, { addSpecialTokens: true, length: 40 })), s);
  }
  const t3 = new KmerTokenizer({ k: 3 });
  assert.equal(t3.decode(t3.encode('ACGNTTA')), 'ACGNTTA'); // ACG, 3 x [UNK], TTA
  assert.equal(t3.decode(t3.encode('ACGNNN')), 'ACGNNN');
  assert.equal(t3.decode([2, 11, 4, 3, 0]), 'ACGN'); // ACG then a [MASK]ed k-mer
  assert.equal(t3.decode(new BigInt64Array([2n, 32n, 3n])), 'CGT');
  assert.equal(t3.decode([0, 0]), '');
  assert.throws(() => t3.decode([5, 69]), /token ids in \[0, 69\), got 69 at index 1/);
});

test('encodeBatch: [N, T] int64, padded to the longest row or to length', () => {
  const t = new KmerTokenizer({ k: 2 });
  const x = t.encodeBatch(['ACG', 'A', 'TT'], { addSpecialTokens: true });
  assert.equal(x.dtype, 'int64');
  assert.deepEqual(x.shape, [3, 4]);
  // AC = 5 + 1 = 6, CG = 5 + 4 + 2 = 11, TT = 5 + 15 = 20
  assert.deepEqual(x.toArray(), [2, 6, 11, 3, 2, 3, 0, 0, 2, 20, 3, 0]);
  assert.deepEqual(t.encodeBatch(['ACG'], { length: 5 }).shape, [1, 5]);
  assert.throws(() => t.encodeBatch(['AC', 'A-']), /sequence 2: invalid DNA character '-' at position 2/);
});

test('offsets: k-mer t covers [t * stride, t * stride + k); describe() gives k and stride', () => {
  const t = new KmerTokenizer({ k: 3, stride: 2 });
  const { starts, ends } = t.offsets('ACGTNAC'); // ACG, GTN, NAC
  assert.deepEqual([...starts], [0, 2, 4]);
  assert.deepEqual([...ends], [3, 5, 7]);
  assert.equal(t.encode('ACGTNAC').length, 3);
  assert.deepEqual([...new KmerTokenizer({ k: 3, stride: 2 }).offsets('ACGTNA').ends], [3, 5]); // the last A is in no k-mer
  assert.deepEqual([...new KmerTokenizer({ k: 3 }).offsets('AC').starts], []);
  assert.deepEqual(t.describe(), { kind: 'kmer', k: 3, stride: 2 });
});
