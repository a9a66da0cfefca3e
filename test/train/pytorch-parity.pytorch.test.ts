/**
 * A seeded Strand training run is the PyTorch loop a user would write, draw for draw: the same
 * seed gives the same initial weights, each epoch's order is `torch.randperm` on the same
 * generator, dropout masks come from the same stream, so the trained weights agree.
 * (Issue 13: before, Strand shuffled with its own PRNG and re-seeded dropout every step; the
 * runs were the same computation on different random streams.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, type Tensor } from '../../src/core/index.js';
import { inMemoryBatches } from '../../src/data/in-memory.js';
import { Random } from '../../src/data/random.js';
import * as ops from '../../src/ops/index.js';
import { Conv1d, Dropout, GlobalMaxPool1d, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { fit } from '../../src/train/fit.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { PY_HELPERS, stateJson, type TensorJson } from '../nn/torch-bridge.js';

const COUNT = 300;
const LENGTH = 30;

function oneHotProblem(): { inputs: Float32Array; targets: Float32Array } {
  const random = new Random(3);
  const inputs = new Float32Array(COUNT * 4 * LENGTH);
  const targets = new Float32Array(COUNT);
  for (let n = 0; n < COUNT; n++) {
    for (let i = 0; i < LENGTH; i++) inputs[n * 4 * LENGTH + random.int(4) * LENGTH + i] = 1;
    targets[n] = inputs[n * 4 * LENGTH + 2 * LENGTH + 10]! + inputs[n * 4 * LENGTH + 11] >= 1 ? 1 : 0; // G at 10 or A at 11
  }
  return { inputs, targets };
}

test('seeded training with shuffling and dropout ends with the weights of the same PyTorch loop', async (t) => {
  const { inputs, targets } = oneHotProblem();
  const seed = 7;
  manualSeed(seed);
  const model = new Sequential(
    new Conv1d(4, 8, 5, { padding: 2 }),
    new ReLU(),
    new GlobalMaxPool1d(),
    new Linear(8, 16),
    new ReLU(),
    new Dropout(0.5),
    new Linear(16, 1),
  );
  const initial = stateJson(model);
  await fit<Tensor>({
    model,
    forward: (x) => model.forward(x[0]!),
    loss: (out, y) => ops.binaryCrossEntropyWithLogits(out, y, { reduction: 1 }),
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    train: inMemoryBatches({ inputs, inputShape: [4, LENGTH], targets, targetShape: [1], count: COUNT }, { batchSize: 64 }),
    epochs: 3,
  });
  const expected = runPyTorch<{ initial: Record<string, TensorJson>; trained: Record<string, TensorJson> }>(
    `${PY_HELPERS}
from torch import nn
torch.manual_seed(inputs['seed'])
model = nn.Sequential(nn.Conv1d(4, 8, 5, padding=2), nn.ReLU(), nn.AdaptiveMaxPool1d(1), nn.Flatten(),
                      nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 1))
initial = {k: J(v) for k, v in model.state_dict().items()}
x = torch.tensor(inputs['x'], dtype=torch.float32).reshape(-1, 4, inputs['length'])
y = torch.tensor(inputs['y'], dtype=torch.float32).reshape(-1, 1)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(3):
    model.train()
    order = torch.randperm(len(x))
    for b in range(0, len(x), 64):
        i = order[b:b + 64]
        opt.zero_grad()
        loss_fn(model(x[i]), y[i]).backward()
        opt.step()
result = {'initial': initial, 'trained': {k: J(v) for k, v in model.state_dict().items()}}
`,
    { seed, x: Array.from(inputs), y: Array.from(targets), length: LENGTH },
  );
  if (expected === null) return t.skip('python3-torch is not installed');
  // PyTorch's Sequential numbers the layers after Flatten one higher than ours (no Flatten layer here).
  const torchKey = (k: string) => k.replace(/^(\d+)/, (_, i: string) => String(Number(i) >= 3 ? Number(i) + 1 : Number(i)));
  for (const [k, v] of Object.entries(initial)) assert.deepEqual(v.values, expected.initial[torchKey(k)]!.values, `initial ${k}`);
  let largest = 0;
  for (const [k, v] of Object.entries(stateJson(model))) {
    const theirs = expected.trained[torchKey(k)]!.values;
    v.values.forEach((value, i) => (largest = Math.max(largest, Math.abs(value - theirs[i]!))));
  }
  // Same kernels on the same machine: bit-identical in practice; on the old random streams the difference was ~0.1.
  assert.ok(largest < 1e-6, `largest weight difference from PyTorch after 15 steps: ${largest}`);
});
