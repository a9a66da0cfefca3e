import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor, tidy } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { oneHot, reverseComplement as reExported } from '../../src/genomics/one-hot.js';
import { reverseComplement, reverseComplementOneHot } from '../../src/genomics/reverse-complement.js';
import * as ops from '../../src/ops/index.js';

function randomDna(random: Random, length: number, letters = 'ACGTN'): string {
  let s = '';
  for (let i = 0; i < length; i++) s += letters[random.int(letters.length)];
  return s;
}

test('string reverse complement: known values, IUPAC pairs, RNA U, re-exported from one-hot', () => {
  assert.equal(reverseComplement('GATTACA'), 'TGTAATC');
  assert.equal(reverseComplement('RYKMBVDHSWN'), 'NWSDHBVKMRY');
  assert.equal(reverseComplement('acgU'), 'Acgt');
  assert.equal(reExported, reverseComplement);
  assert.throws(() => reverseComplement('ACXG'), (e: unknown) => e instanceof InputError && /'X' at position 3/.test(e.message));
});

test('one-hot reverse complement of a hand-made [1, 4, 3] batch and of [4, L]', () => {
  // AAC -> GTT
  const x = tensor([[[1, 1, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]]);
  const rc = reverseComplementOneHot(x);
  assert.deepEqual(rc.shape, [1, 4, 3]);
  assert.deepEqual(rc.toArray(), [
    0, 0, 0, // A
    0, 0, 0, // C
    1, 0, 0, // G
    0, 1, 1, // T
  ]);
  const single = reverseComplementOneHot(tensor([[1, 0], [0, 0], [0, 0], [0, 1]])); // AT -> AT
  assert.deepEqual(single.toArray(), [1, 0, 0, 0, 0, 0, 0, 1]);
  assert.throws(() => reverseComplementOneHot(tensor([[[1, 0, 0, 0]]])), /\[N, 4, L\] or \[4, L\].*got \[1, 1, 4\]/);
});

test('property: rc(rc(x)) == x and rc(oneHot(s)) == oneHot(rc(s)) on random sequences with N', () => {
  const random = new Random(11);
  for (let trial = 0; trial < 20; trial++) {
    const L = 1 + random.int(60);
    const seqs = Array.from({ length: 1 + random.int(5) }, () => randomDna(random, L));
    tidy(() => {
      const x = oneHot(seqs);
      assert.deepEqual(reverseComplementOneHot(reverseComplementOneHot(x)).toArray(), x.toArray());
      assert.deepEqual(reverseComplementOneHot(x).toArray(), oneHot(seqs.map(reverseComplement)).toArray());
      const zeroN = oneHot(seqs, { unknown: 0 });
      assert.deepEqual(reverseComplementOneHot(zeroN).toArray(), oneHot(seqs.map(reverseComplement), { unknown: 0 }).toArray());
    });
  }
});

test('one-hot reverse complement passes gradients back (a flip)', () => {
  tidy(() => {
    const x = oneHot(['ACG']).requiresGrad_();
    const weights = tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]]);
    ops.sum(ops.mul(reverseComplementOneHot(x), weights)).backward();
    // d/dx[c, i] = weights[3 - c, 2 - i]
    assert.deepEqual(x.grad!.toArray(), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });
});
