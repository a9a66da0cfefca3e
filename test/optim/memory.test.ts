import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveTensorCount, tidy, type Tensor } from '../../src/core/index.js';
import { Adam, AdamW, clipGradNorm, RMSprop, SGD, type Optimizer } from '../../src/optim/index.js';
import { backwardLoss, makeParams } from './problem.js';

/** How many native tensors `fn` leaves alive that were not alive before (0 when nothing leaks). */
function tensorsLeftBy(fn: () => void): number {
  const before = liveTensorCount();
  fn();
  return liveTensorCount() - before;
}

const makers: [string, (p: Tensor[]) => Optimizer][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam', (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.01, maximize: false })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.001, centered: true, momentum: 0.9, weightDecay: 0.01 })],
];

for (const [name, make] of makers) {
  test(`${name}: 100 steps inside tidy() leave only the optimizer state alive`, () => {
    const { w, b } = makeParams();
    const opt = make([w, b]);
    const trainStep = (): void =>
      tidy(() => {
        opt.zeroGrad();
        backwardLoss(w, b);
        clipGradNorm([w, b], 1);
        opt.step();
      });
    trainStep(); // creates the state lazily
    const stateHandles = new Set([w, b].flatMap((p) => [...opt.paramState(p)!.tensors.values()].map((t) => t.handle)));
    assert.ok(stateHandles.size >= 2);

    // Steps inside tidy(): nothing they create survives (gradients live in the parameters,
    // not in JS handles), and the state tensors survive every enclosing tidy.
    const left = tensorsLeftBy(() => {
      for (let s = 0; s < 100; s++) trainStep();
    });
    assert.equal(left, 0);
    for (const p of [w, b]) {
      for (const t of opt.paramState(p)!.tensors.values()) {
        assert.equal(t.isDisposed, false);
        assert.ok(stateHandles.has(t.handle), 'state tensors are updated in place, never replaced');
      }
      assert.equal(opt.paramState(p)!.step, 101);
    }
    assert.ok(w.toArray().every(Number.isFinite));

    // step() outside any tidy cleans up after itself too.
    tidy(() => backwardLoss(w, b));
    assert.equal(tensorsLeftBy(() => opt.step()), 0);

    // dispose() frees the state.
    const state = [...opt.paramState(w)!.tensors.values()];
    opt.dispose();
    assert.ok(state.every((t) => t.isDisposed));
    assert.equal(w.isDisposed, false);
  });
}
