import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, ops, tidy } from '../../src/index.js';
import { BatchNorm1d, Conv1d, Flatten, Linear, MaxPool1d, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { megabytes, retainedMemory } from '../helpers/memory.js';

test('2,000 training steps of a small conv net grow resident memory by less than 64 MB [slow]', () => {
  manualSeed(0);
  const model = new Sequential(
    new Conv1d(4, 16, 9, { padding: 'same' }), new BatchNorm1d(16), new ReLU(), new MaxPool1d(4),
    new Flatten(), new Linear(16 * 25, 1),
  );
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const x = ops.randn([16, 4, 100]);
  const y = ops.rand([16, 1]).lt(0.5).toDType('float32');
  const step = () =>
    tidy(() => {
      optimizer.zeroGrad();
      const loss = ops.binaryCrossEntropyWithLogits(model.forward(x), y, { reduction: 1 });
      loss.backward();
      optimizer.step();
      return loss.item();
    });
  for (let i = 0; i < 100; i++) step(); // allocator and JIT warm-up
  const before = retainedMemory();
  let last = 0;
  for (let i = 0; i < 2000; i++) last = step();
  const after = retainedMemory();
  assert.ok(Number.isFinite(last));
  assert.equal(after.tensors, before.tensors, 'live tensors before and after 2,000 steps');
  assert.ok(after.rss - before.rss < 64 * 2 ** 20, `resident memory grew by ${megabytes(after.rss - before.rss)} over 2,000 steps`);
});
