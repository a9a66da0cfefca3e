import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, noGrad, ops, scalar, tensor, tidy, Tensor, TorchError } from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { runPyTorch } from '../helpers/pytorch.js';

test('element-wise arithmetic matches hand-computed values', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  const b = tensor([[0.5, -1, 2], [3, 0, -2]]);
  assert.deepEqual(a.shape, [2, 3]);
  assert.equal(a.dtype, 'float32');
  assertClose(a.add(b), [1.5, 1, 5, 7, 5, 4]);
  assertClose(a.add(b, { alpha: 2 }), [2, 0, 7, 10, 5, 2]);
  assertClose(a.mul(2), [2, 4, 6, 8, 10, 12]);
  assertClose(a.sub(b).div(2), [0.25, 1.5, 0.5, 0.5, 2.5, 4]);
  assertClose(a.sum(), [21]);
  assertClose(a.meanDim([1]), [2, 5]);
  assertClose(ops.matmul(a, a.t()), [14, 32, 32, 77]);
});

test('integer tensors keep their dtype with integer scalars', () => {
  const i = tensor(new Int32Array([1, 2, 3]));
  const j = i.add(1);
  assert.equal(j.dtype, 'int32');
  assert.deepEqual(Array.from(j.data<Int32Array>()), [2, 3, 4]);
  const l = tensor([5, 6], undefined, 'int64');
  assert.equal(l.dtype, 'int64');
  assert.deepEqual(Array.from(l.data<BigInt64Array>()), [5n, 6n]);
});

test('typed arrays of every supported dtype round-trip', () => {
  const cases: [ArrayLike<number> | BigInt64Array, string][] = [
    [new Float32Array([1.5, -2]), 'float32'],
    [new Float64Array([1e-300, 3]), 'float64'],
    [new Int32Array([-7, 9]), 'int32'],
    [new BigInt64Array([-(2n ** 40n), 3n]), 'int64'],
    [new Uint8Array([0, 255]), 'uint8'],
  ];
  for (const [data, dtype] of cases) {
    const t = tensor(data as Float32Array);
    assert.equal(t.dtype, dtype);
    assert.deepEqual(Array.from(t.data() as ArrayLike<unknown>), Array.from(data as ArrayLike<unknown>));
  }
  const b = tensor(new Uint8Array([1, 0, 1]), [3], 'bool');
  assert.equal(b.dtype, 'bool');
  assert.deepEqual(b.logicalNot().toArray(), [0, 1, 0]);
});

test('multi-return ops come back as named objects', () => {
  const x = tensor([[1, 7, 3], [9, 2, 4]]);
  const { values, indices } = x.maxDim(1);
  assert.deepEqual(values.toArray(), [7, 9]);
  assert.deepEqual(indices.toArray(), [1, 0]);
  assert.equal(indices.dtype, 'int64');
});

test('in-place ops return the same Tensor object', () => {
  const x = tensor([1, 2]);
  const y = x.add_(tensor([10, 20]));
  assert.equal(y, x);
  assert.deepEqual(x.toArray(), [11, 22]);
  assert.equal(x.mul_(2), x);
  assert.deepEqual(x.toArray(), [22, 44]);
});

test('conv1d and log_softmax agree with PyTorch', (t) => {
  manualSeed(1);
  const x = ops.randn([2, 4, 12]);
  const w = ops.randn([3, 4, 5]);
  const b = ops.randn([3]);
  const y = ops.conv1d(x, w, { bias: b, padding: 2, dilation: 1 });
  const ls = ops.logSoftmax(y, 1);
  const expected = runPyTorch<{ y: number[]; ls: number[] }>(
    `x = torch.tensor(inputs['x']).reshape(2,4,12); w = torch.tensor(inputs['w']).reshape(3,4,5); b = torch.tensor(inputs['b'])
y = torch.nn.functional.conv1d(x, w, b, padding=2)
result = {'y': y.flatten().tolist(), 'ls': torch.log_softmax(y, 1).flatten().tolist()}`,
    { x: x.toArray(), w: w.toArray(), b: b.toArray() },
  );
  if (expected === null) return t.skip('python3-torch not installed');
  assert.deepEqual(y.shape, [2, 3, 12]);
  assertClose(y, expected.y, { atol: 1e-4 });
  assertClose(ls, expected.ls, { atol: 1e-4 });
});

test('autograd: gradient of sum((w*x)^2) is 2*w*x^2', () => {
  const x = tensor([1, 2, 3]);
  const w = tensor([0.5, -1, 2]).requiresGrad_();
  const loss = w.mul(x).pow(2).sum();
  loss.backward();
  assertClose(w.grad!, [2 * 0.5 * 1, 2 * -1 * 4, 2 * 2 * 9]);
  assert.equal(x.grad, null);
  noGrad(() => {
    const z = w.mul(2);
    assert.equal(z.requiresGrad, false);
  });
  assert.equal(w.mul(2).requiresGrad, true);
});

test('bad calls raise TorchError naming the op and shapes, and the process survives', () => {
  const x = tensor([[1, 2, 3]]);
  assert.throws(
    () => ops.conv1d(x, x),
    (e: unknown) => e instanceof TorchError && e.op === 'aten::conv1d' && /\[1, 3\] float32/.test(e.message),
  );
  assert.throws(() => ops.matmul(tensor([1, 2, 3]), tensor([1, 2])), (e: unknown) => e instanceof TorchError && /aten::matmul/.test(e.message));
  // wrong dtype: embedding indices must be integers
  assert.throws(() => ops.embedding(tensor([[1, 2], [3, 4]]), tensor([0.5])), (e: unknown) => e instanceof TorchError && /aten::embedding/.test(e.message) && /indices/.test(e.message));
  assert.throws(() => ops.reshape(x, [7]), /shape '\[7\]' is invalid/);
  // @ts-expect-error wrong type on purpose
  assert.throws(() => ops.reshape(x, 'abc'), /argument 'shape': expected an array of integers/);
  x.dispose();
  assert.throws(() => x.add(1), /disposed/);
  assert.ok(x.isDisposed);
  // the engine still works
  assert.deepEqual(tensor([1]).add(1).toArray(), [2]);
});

test('unknown operators are reported by name', async () => {
  const { callOp, opRef } = await import('../../src/core/index.js');
  assert.throws(() => callOp(opRef('aten::no_such_op', '', 'T'), []), (e: unknown) => e instanceof TorchError && /unknown operator aten::no_such_op/.test(e.message));
});

test('tidy disposes intermediates and keeps results', () => {
  let inner: Tensor | undefined;
  const out = tidy(() => {
    const a = tensor([1, 2]);
    inner = a.mul(3);
    return { sum: inner.sum(), list: [a] };
  });
  assert.ok(inner!.isDisposed);
  assert.equal(out.sum.item(), 9);
  assert.deepEqual(out.list[0]!.toArray(), [1, 2]);
  assert.throws(() => tidy(() => { tensor([1]); throw new Error('boom'); }), /boom/);
});

test('scalar tensors and item()', () => {
  assert.equal(scalar(2.5).item(), 2.5);
  assert.deepEqual(scalar(3).shape, []);
});

test('tidy frees every native tensor it does not return', async () => {
  const { liveTensorCount } = await import('../../src/core/index.js');
  const before = liveTensorCount();
  const kept = tidy(() => {
    const a = tensor([1, 2, 3]);
    a.mul(2).add(1).exp();
    return a.sum();
  });
  assert.equal(liveTensorCount(), before + 1);
  kept.dispose();
  assert.equal(liveTensorCount(), before);
});
