import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonOverlappingKmerTokenizer } from '../../../src/genomics/tokenizers/nonoverlapping-kmer.js';

const spans = (t: NonOverlappingKmerTokenizer, s: string) => {
  const { starts, ends } = t.offsets(s);
  return [...starts].map((start, i) => [start, ends[i]]);
};

test('k = 3 (ids: 3-mer code c is 5 + c, then A=69 C=70 G=71 T=72): leftover bases at the end are single-base tokens', () => {
  const t = new NonOverlappingKmerTokenizer({ k: 3 });
  assert.equal(t.vocabSize, 5 + 64 + 4);
  assert.deepEqual(t.vocabulary().slice(-6), ['TTG', 'TTT', 'A', 'C', 'G', 'T']);
  // ACG = 5 + 0*16 + 1*4 + 2 = 11, TTT = 5 + 63 = 68, then G, A single
  assert.deepEqual([...t.encode('ACGTTTGA')], [11, 68, 71, 69]);
  assert.deepEqual(spans(t, 'ACGTTTGA'), [[0, 3], [3, 6], [6, 7], [7, 8]]);
  assert.deepEqual([...t.encode('ACGTTT')], [11, 68]);
  assert.deepEqual([...t.encode('AC')], [69, 70]);
  assert.deepEqual([...t.encode('')], []);
});

test('k = 3 around N: bases before the N run single, each N [UNK], k-mers again after it', () => {
  const t = new NonOverlappingKmerTokenizer({ k: 3 });
  // ACG | T (TNN holds an N) | N N | ACG | T A (leftover)
  assert.deepEqual([...t.encode('ACGTNNACGTA')], [11, 72, 1, 1, 11, 72, 69]);
  assert.deepEqual(spans(t, 'ACGTNNACGTA'), [[0, 3], [3, 4], [4, 5], [5, 6], [6, 9], [9, 10], [10, 11]]);
  assert.equal(t.decode(t.encode('ACGTNNACGTA')), 'ACGTNNACGTA');
  assert.deepEqual([...t.encode('acgNa')], [11, 1, 69]);
  assert.deepEqual([...t.encode('NACGR')], [1, 11, 1]); // R is ambiguous too
  assert.deepEqual([...t.encode('ACGTTTGA', { addSpecialTokens: true })], [2, 11, 68, 71, 69, 3]);
});

test('default k = 6 (Nucleotide Transformer): 4105 ids, ACGTAC = 5 + 433, single bases from 4101', () => {
  const t = new NonOverlappingKmerTokenizer();
  assert.equal(t.k, 6);
  assert.equal(t.vocabSize, 5 + 4096 + 4);
  // ACGTAC: 0*1024 + 1*256 + 2*64 + 3*16 + 0*4 + 1 = 433
  assert.deepEqual([...t.encode('ACGTACGTAC')], [438, 4103, 4104, 4101, 4102]);
  assert.deepEqual([...t.encode('NNNNNNACGTAC')], [1, 1, 1, 1, 1, 1, 438]);
  assert.deepEqual([...t.encode('ACGTANACGTAC')], [4101, 4102, 4103, 4104, 4101, 1, 438]);
  assert.deepEqual(t.describe(), { kind: 'nonoverlapping-kmer', k: 6 });
  assert.throws(() => new NonOverlappingKmerTokenizer({ k: 1 }), /k to be an integer in 2..6, got 1/);
  assert.throws(() => new NonOverlappingKmerTokenizer({ k: 7 }), /k to be an integer in 2..6, got 7/);
});
