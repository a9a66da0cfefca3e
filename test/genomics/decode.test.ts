import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor, tidy } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { decodeChannels, decodeOneHot } from '../../src/genomics/decode.js';
import { oneHot } from '../../src/genomics/one-hot.js';

test('decodes argmax columns; 0.25 / all-zero / tied columns are N', () => {
  const x = tensor([[
    [1, 0, 0, 0, 0.25, 0, 0.5, 0.1],
    [0, 1, 0, 0, 0.25, 0, 0.5, 0.7],
    [0, 0, 1, 0, 0.25, 0, 0, 0.1],
    [0, 0, 0, 1, 0.25, 0, 0, 0.1],
  ]]);
  assert.deepEqual(decodeOneHot(x), ['ACGTNNNC']);
  assert.deepEqual(decodeOneHot(tensor([[0], [0], [0], [3]])), ['T']); // [4, L] read as one sequence
  assert.deepEqual(decodeOneHot(tensor(new Int32Array([0, 1, 0, 0, 1, 0, 0, 0]), [1, 4, 2], 'int64')), ['GA']);
  assert.throws(() => decodeOneHot(tensor([[[1, 0, 0]]])), /\[N, 4, L\] or \[4, L\] tensor, got \[1, 1, 3\]/);
  assert.deepEqual(decodeChannels(tensor([[0, 1], [1, 0]]), 'xy', '?'), ['yx']);
});

test('round trip: decodeOneHot(oneHot(s)) == s for upper-case ACGTN, with N as 0.25 or zeros', () => {
  const random = new Random(5);
  const seqs = Array.from({ length: 6 }, () => Array.from({ length: 40 }, () => 'ACGTN'[random.int(5)]).join(''));
  tidy(() => {
    assert.deepEqual(decodeOneHot(oneHot(seqs)), seqs);
    assert.deepEqual(decodeOneHot(oneHot(seqs, { unknown: 0 })), seqs);
  });
  assert.deepEqual(decodeOneHot(oneHot(['acgtRY'])), ['ACGTNN']); // soft-masking and IUPAC are not recoverable
});
