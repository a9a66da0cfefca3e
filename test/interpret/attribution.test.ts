import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, tidy, type Tensor } from '../../src/index.js';
import { Random } from '../../src/data/random.js';
import { oneHot } from '../../src/genomics/one-hot.js';
import { deeplift, deepliftForward } from '../../src/interpret/deeplift.js';
import { integratedGradients } from '../../src/interpret/integrated-gradients.js';
import { saliency } from '../../src/interpret/saliency.js';
import { shuffledReferences } from '../../src/interpret/baselines.js';
import { Conv1d, Flatten, GlobalMaxPool1d, Linear, MaxPool1d, ReLU, Sequential, Sigmoid, BatchNorm1d } from '../../src/nn/index.js';

function randomSeqs(n: number, length: number, seed: number): string[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length }, () => 'ACGT'[r.int(4)]).join(''));
}

function smallCnn(length: number): Sequential {
  manualSeed(1);
  const net = new Sequential(
    new Conv1d(4, 8, 5),
    new BatchNorm1d(8),
    new ReLU(),
    new MaxPool1d(2),
    new Conv1d(8, 6, 3),
    new ReLU(),
    new Flatten(),
    new Linear(6 * (Math.floor((length - 4) / 2) - 2), 3),
    new Sigmoid(),
    new Linear(3, 2),
  );
  return net.toDType('float64').eval();
}

const rows = (t: Tensor): number[] => tidy(() => t.contiguous().toArray());
const sums = (a: Tensor): number[] => tidy(() => a.sumDimIntList([1, 2]).toArray());

test('saliency: gradient x input is the gradient masked by the one-hot input; inputs untouched', () => {
  const net = smallCnn(20);
  const x = oneHot(randomSeqs(3, 20, 1)).toDType('float64');
  const before = rows(x);
  const g = saliency(net, x, { target: 1, method: 'gradient' }).attributions;
  const gx = saliency(net, x, { target: 1 }).attributions;
  assert.deepEqual(g.shape, [3, 4, 20]);
  const gv = rows(g), gxv = rows(gx);
  for (let i = 0; i < gv.length; i++) assert.ok(Math.abs(gxv[i]! - gv[i]! * before[i]!) < 1e-12);
  assert.deepEqual(rows(x), before);
  assert.equal(net.parameters()[0]!.grad, null);
  assert.ok(net.parameters()[0]!.requiresGrad);
  assert.throws(() => saliency(net, x), /target/);
});

test('integrated gradients: completeness within 1% (zero and shuffled baselines)', () => {
  manualSeed(5);
  const net = new Sequential(new Conv1d(4, 8, 5), new ReLU(), new Flatten(), new Linear(8 * 26, 1)).toDType('float64').eval();
  const x = oneHot(randomSeqs(4, 30, 2)).toDType('float64');
  for (const baseline of ['zero', 'shuffle'] as const) {
    const a = integratedGradients(net, x, { target: 0, baseline, shuffles: 3, steps: 200, batchSize: 400 }).attributions;
    const refs = baseline === 'zero' ? x.mul(0).unsqueeze(1) : shuffledReferences(x, { count: 3 });
    const fx = rows(net.forward(x).select(1, 0));
    const k = refs.shape[1]!;
    const fb = rows(net.forward(refs.reshape([-1, 4, 30])).select(1, 0).reshape([4, k]).meanDim([1]));
    const s = sums(a);
    for (let i = 0; i < 4; i++) {
      const delta = fx[i]! - fb[i]!;
      assert.ok(Math.abs(s[i]! - delta) <= 0.01 * Math.abs(delta) + 1e-9, `${baseline} ${i}: ${s[i]} vs ${delta}`);
    }
  }
});

test('DeepLIFT: summation to delta on a random CNN (conv + BN + ReLU + maxpool + linear + sigmoid)', () => {
  const net = smallCnn(40);
  const x = oneHot(randomSeqs(5, 40, 3)).toDType('float64');
  for (const target of [0, 1]) {
    const r = deeplift(net, x, { target, shuffles: 4, seed: 7, batchSize: 6 });
    assert.deepEqual(r.attributions.shape, [5, 4, 40]);
    const s = sums(r.attributions), y = rows(r.output), yr = rows(r.referenceOutput);
    const fx = rows(net.forward(x).select(1, target));
    for (let i = 0; i < 5; i++) {
      assert.ok(Math.abs(y[i]! - fx[i]!) < 1e-9);
      const delta = y[i]! - yr[i]!;
      assert.ok(Math.abs(s[i]! - delta) <= 1e-3 * Math.abs(delta) + 1e-9, `${s[i]} vs ${delta}`);
    }
  }
});

test('DeepLIFT: float32 Basset-like net with global max pool; reference branch equals the plain forward', () => {
  manualSeed(4);
  const net = new Sequential(new Conv1d(4, 16, 7), new ReLU(), new MaxPool1d(3), new Conv1d(16, 8, 5), new ReLU(), new GlobalMaxPool1d(), new Linear(8, 1)).eval();
  const x = oneHot(randomSeqs(8, 60, 5));
  const refs = shuffledReferences(x, { count: 1, seed: 3 }).reshape([8, 4, 60]);
  const out = deepliftForward(net, x, refs) as Tensor;
  const plain = rows(net.forward(refs));
  const refOut = rows(out.narrow(0, 8, 8));
  plain.forEach((v, i) => assert.ok(Math.abs(v - refOut[i]!) < 1e-5));
  const r = deeplift(net, x, { shuffles: 5 });
  const s = sums(r.attributions), y = rows(r.output), yr = rows(r.referenceOutput);
  for (let i = 0; i < 8; i++) {
    const delta = y[i]! - yr[i]!;
    assert.ok(Math.abs(s[i]! - delta) <= 1e-3 * Math.abs(delta) + 1e-5, `${s[i]} vs ${delta}`);
  }
  assert.throws(() => deeplift(new Sequential(new Conv1d(4, 2, 3), new BatchNorm1d(2)), x), /eval mode/);
});
