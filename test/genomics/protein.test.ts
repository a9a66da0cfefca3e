import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor } from '../../src/core/index.js';
import { AMINO_ACIDS, decodeProteinOneHot, PROTEIN_ALPHABET, ProteinTokenizer, proteinOneHot } from '../../src/genomics/protein.js';

test('protein one-hot: [N, 21, L], ACDEFGHIKLMNPQRSTVWY order, B/Z/J/U/O/X -> X (channel 20), lower case alike', () => {
  assert.equal(PROTEIN_ALPHABET, 'ACDEFGHIKLMNPQRSTVWYX');
  const x = proteinOneHot(['AcwY', 'BzJX']);
  assert.deepEqual(x.shape, [2, 21, 4]);
  const v = x.toArray();
  const hot = (n: number, i: number): number[] => {
    const out: number[] = [];
    for (let c = 0; c < 21; c++) if (v[n * 84 + c * 4 + i] === 1) out.push(c);
    return out;
  };
  assert.deepEqual([0, 1, 2, 3].map((i) => hot(0, i)), [[0], [1], [18], [19]]); // A, C, W = 18, Y = 19
  assert.deepEqual([0, 1, 2, 3].map((i) => hot(1, i)), [[20], [20], [20], [20]]);
  assert.equal(v.reduce((a, b) => a + b, 0), 8);
  assert.deepEqual(proteinOneHot(['UO']).shape, [1, 21, 2]);
  assert.throws(() => proteinOneHot(['MK*']), (e: unknown) => e instanceof InputError && /'\*' at position 3/.test(e.message));
  assert.throws(() => proteinOneHot(['MK', 'M']), /length 2, got 1 for sequence 2/);
});

test('protein one-hot decodes back; all-zero columns are X', () => {
  const seq = `${AMINO_ACIDS}X`;
  assert.deepEqual(decodeProteinOneHot(proteinOneHot([seq, seq.toLowerCase()])), [seq, seq]);
  assert.deepEqual(decodeProteinOneHot(proteinOneHot(['MBKO'])), ['MXKX']);
  assert.deepEqual(decodeProteinOneHot(tensor(new Float32Array(21), [21, 1])), ['X']);
});

test('protein tokens: specials 0..4, A = 5 ... Y = 24, X = 25; framing and decoding', () => {
  const t = new ProteinTokenizer();
  assert.equal(t.vocabSize, 26);
  assert.deepEqual(t.vocabulary().slice(4, 8), ['[MASK]', 'A', 'C', 'D']);
  assert.deepEqual([...t.encode('ACY')], [5, 6, 24]);
  assert.deepEqual([...t.encode('mxb')], [15, 25, 25]); // M is the 11th amino acid: 5 + 10
  assert.deepEqual([...t.encode('ACDE', { addSpecialTokens: true, length: 4 })], [2, 5, 6, 3]);
  assert.equal(t.decode([2, 5, 6, 1, 4, 3, 0, 0]), 'ACXX');
  const batch = t.encodeBatch(['AC', 'W'], { addSpecialTokens: true });
  assert.equal(batch.dtype, 'int64');
  assert.deepEqual(batch.toArray(), [2, 5, 6, 3, 2, 23, 3, 0]); // W = 5 + 18
  assert.throws(() => t.encode('AC-'), /'-' at position 3/);
  assert.throws(() => t.decode([26]), /token ids in \[0, 26\)/);
});
