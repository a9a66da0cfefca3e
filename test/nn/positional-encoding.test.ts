/** Positional encodings: sinusoid values checked by hand, learned table added by position. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { LearnedPositionalEncoding, SinusoidalPositionalEncoding, sinusoidTable } from '../../src/nn/index.js';
import { assertClose } from '../helpers/assert-close.js';

// dModel 4: columns sin(pos), cos(pos), sin(pos / 100), cos(pos / 100).
const PE4 = [
  [0, 1, 0, 1],
  [0.8414709848, 0.5403023059, 0.0099998333, 0.9999500004],
  [0.9092974268, -0.4161468365, 0.0199986667, 0.9998000067],
];

test('the sinusoid table has sin on even and cos on odd columns', () => {
  assertClose(sinusoidTable(3, 4), PE4.flat(), { atol: 1e-7 });
  // dModel 5: the last column is sin(pos / 10000^(4/5)) = sin(pos / 1584.893...).
  const odd = sinusoidTable(2, 5);
  assert.deepEqual(odd.shape, [2, 5]);
  assertClose(odd, [0, 1, 0, 1, 0, 0.8414709848, 0.5403023059, 0.0251162229, 0.9996845378, 0.0006309573], { atol: 1e-7 });
});

test('SinusoidalPositionalEncoding adds the table by position, sequence or batch first', () => {
  const seqFirst = new SinusoidalPositionalEncoding(4, { maxLen: 10 });
  const y = seqFirst.forward(ops.ones([3, 2, 4]));
  assertClose(y, PE4.flatMap((row) => [row, row]).flat().map((v) => v + 1), { atol: 1e-6 });
  const batchFirst = new SinusoidalPositionalEncoding(4, { maxLen: 10, batchFirst: true });
  const z = batchFirst.forward(ops.zeros([2, 3, 4]));
  assertClose(z, [...PE4.flat(), ...PE4.flat()], { atol: 1e-7 });
  assert.throws(() => seqFirst.forward(ops.zeros([11, 1, 4])), (e: unknown) => e instanceof InputError && /maxLen 10/.test(e.message));
  assert.throws(() => seqFirst.forward(ops.zeros([3, 1, 5])), InputError);
  assert.deepEqual(seqFirst.numParameters(), 0);
  seqFirst.dispose();
  batchFirst.dispose();
});

test('LearnedPositionalEncoding adds row L of its table to position L', () => {
  const pe = new LearnedPositionalEncoding(2, { maxLen: 4, batchFirst: true });
  assert.deepEqual(pe.weight.shape, [4, 2]);
  pe.loadStateDict({ weight: tensor([[1, 2], [3, 4], [5, 6], [7, 8]]) });
  const y = pe.forward(tensor([[[10, 10], [20, 20], [30, 30]]]));
  assert.deepEqual(y.toArray(), [11, 12, 23, 24, 35, 36]);
  pe.dispose();
});
