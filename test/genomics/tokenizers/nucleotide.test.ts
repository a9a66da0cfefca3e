import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KmerTokenizer } from '../../../src/genomics/tokenizers/kmer.js';
import { NucleotideTokenizer } from '../../../src/genomics/tokenizers/nucleotide.js';
import { softMaskFlags } from '../../../src/genomics/tokenizers/soft-mask.js';

test('nucleotide tokens: A=5 C=6 G=7 T=8, N and IUPAC codes [UNK], lower case as upper, U as T', () => {
  const t = new NucleotideTokenizer();
  assert.equal(t.vocabSize, 9);
  assert.deepEqual(t.vocabulary(), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'A', 'C', 'G', 'T']);
  assert.deepEqual([...t.encode('ACGTNacgtRu')], [5, 6, 7, 8, 1, 5, 6, 7, 8, 1, 8]);
  assert.deepEqual([...t.encode('ACGTNacgtRu')], [...new KmerTokenizer({ k: 1 }).encode('ACGTNacgtRu')]);
  assert.deepEqual([...t.encode('AC', { addSpecialTokens: true, length: 5 })], [2, 5, 6, 3, 0]);
  assert.equal(t.decode(t.encode('ACGTNacgtR')), 'ACGTNACGTN');
  assert.equal(t.decode([2, 5, 4, 8, 3, 0]), 'ANT');
  assert.deepEqual(t.offsets('ACN'), { starts: Int32Array.from([0, 1, 2]), ends: Int32Array.from([1, 2, 3]) });
  assert.deepEqual(t.describe(), { kind: 'nucleotide' });
  assert.deepEqual(t.encodeBatch(['AC', 'G']).toArray(), [5, 6, 7, 0]);
});

test('soft-mask flags: one per token, 1 where the token holds a lower-case base', () => {
  const t = new NucleotideTokenizer();
  assert.deepEqual([...t.softMask('ACGTNacgtn')], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  const k3 = new KmerTokenizer({ k: 3 });
  assert.deepEqual([...softMaskFlags('ACGta', k3.offsets('ACGta'))], [0, 1, 1]); // ACG, CGt, Gta
  assert.deepEqual([...softMaskFlags('', t.offsets(''))], []);
});
