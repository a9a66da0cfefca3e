/** A small seeded training problem shared by the fit() tests and the kill -9 child process. */
import { manualSeed, tensor, type Tensor } from '../../src/core/index.js';
import { inMemoryBatches, type ArrayExamples } from '../../src/data/in-memory.js';
import { Random } from '../../src/data/random.js';
import * as ops from '../../src/ops/index.js';
import { Conv1d, Dropout, Flatten, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam, StepLR } from '../../src/optim/index.js';
import { fit, type FitOptions } from '../../src/train/fit.js';

export function problem(count = 256): ArrayExamples {
  const rng = new Random(11);
  const inputs = Float32Array.from({ length: count * 4 * 20 }, () => rng.next() - 0.5);
  const targets = new Float32Array(count);
  for (let n = 0; n < count; n++) targets[n] = inputs[n * 80 + 3]! + inputs[n * 80 + 25]! > 0 ? 1 : 0;
  return { inputs, inputShape: [4, 20], targets, targetShape: [1], count };
}

/** `seed` seeds libtorch before the model is built: the initial weights, then every epoch's order and dropout. */
export function setup({ seed = 42, ...overrides }: Partial<FitOptions<Tensor>> & { seed?: number } = {}) {
  const data = problem();
  manualSeed(seed);
  const model = new Sequential(new Conv1d(4, 8, 5), new ReLU(), new Dropout(0.3), new Flatten(), new Linear(8 * 16, 1));
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const schedule = new StepLR(optimizer, { stepSize: 10, gamma: 0.9 });
  const options: FitOptions<Tensor> = {
    model,
    forward: (inputs) => model.forward(inputs[0]!),
    loss: (out, y) => ops.binaryCrossEntropyWithLogits(out, y, { reduction: 1 }),
    optimizer,
    schedule,
    train: inMemoryBatches(data, { batchSize: 32 }),
    evaluate: () => ({ loss: model.forward(tensor(data.inputs.subarray(0, 64 * 80), [64, 4, 20])).abs().mean().item() }),
    epochs: 3,
    ...overrides,
  };
  return { model, optimizer, options, run: () => fit(options) };
}

/** Every parameter value, flattened, for exact comparisons. */
export function weights(model: Sequential): number[] {
  return model.parameters().flatMap((p) => p.toArray());
}
