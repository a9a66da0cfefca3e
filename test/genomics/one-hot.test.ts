import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/index.js';
import { oneHot, reverseComplement } from '../../src/genomics/one-hot.js';

test('one-hot is [N, 4, L] in A, C, G, T order, soft-masked bases alike, N as 0.25', () => {
  const x = oneHot(['ACgTN']);
  assert.deepEqual(x.shape, [1, 4, 5]);
  // channel-major rows: A, C, G, T
  assert.deepEqual(x.toArray(), [
    1, 0, 0, 0, 0.25,
    0, 1, 0, 0, 0.25,
    0, 0, 1, 0, 0.25,
    0, 0, 0, 1, 0.25,
  ]);
  assert.deepEqual(oneHot(['N'], { unknown: 0 }).toArray(), [0, 0, 0, 0]);
});

test('one-hot rejects invalid characters and ragged batches', () => {
  assert.throws(() => oneHot(['ACGX']), (e: unknown) => e instanceof InputError && /'X' at position 4/.test(e.message));
  assert.throws(() => oneHot(['ACG', 'AC']), /length 3, got 2 for sequence 2/);
});

test('reverse complement: known value, case kept, involution', () => {
  assert.equal(reverseComplement('AACGTn'), 'nACGTT');
  assert.equal(reverseComplement('GATTACA'), 'TGTAATC');
  const s = 'ACGTRYKMBDHVNacgt';
  assert.equal(reverseComplement(reverseComplement(s)), s);
});
