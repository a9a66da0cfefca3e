/**
 * Examples held in memory as flat typed arrays (one-hot sequences, feature vectors) with
 * their targets, served as seeded shuffled batches.
 */
import { InputError, tensor } from '../core/index.js';
import type { Batch, BatchSource } from './batch.js';
import { Random } from './random.js';

/** N examples: inputs [N, ...inputShape] and targets [N, ...targetShape], row-major. */
export interface ArrayExamples {
  inputs: Float32Array;
  inputShape: readonly number[];
  targets: Float32Array;
  targetShape: readonly number[];
  count: number;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function checkExamples(data: ArrayExamples): void {
  const inSize = product(data.inputShape);
  const outSize = product(data.targetShape);
  if (data.inputs.length !== data.count * inSize) {
    throw new InputError(`expected ${data.count} x ${inSize} input values, got ${data.inputs.length}`);
  }
  if (data.targets.length !== data.count * outSize) {
    throw new InputError(`expected ${data.count} x ${outSize} target values, got ${data.targets.length}`);
  }
}

/** The batch of examples `indices` as tensors. */
export function gatherBatch(data: ArrayExamples, indices: readonly number[]): Batch {
  const inSize = product(data.inputShape);
  const outSize = product(data.targetShape);
  const xs = new Float32Array(indices.length * inSize);
  const ys = new Float32Array(indices.length * outSize);
  indices.forEach((n, i) => {
    xs.set(data.inputs.subarray(n * inSize, (n + 1) * inSize), i * inSize);
    ys.set(data.targets.subarray(n * outSize, (n + 1) * outSize), i * outSize);
  });
  return {
    inputs: [tensor(xs, [indices.length, ...data.inputShape])],
    targets: tensor(ys, [indices.length, ...data.targetShape]),
  };
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle with a seed per epoch (seed + epoch). Default true. */
  shuffle?: boolean;
  seed?: number;
}

/** Seeded shuffled batches of in-memory examples (the last batch may be smaller). */
export function inMemoryBatches(data: ArrayExamples, options: BatchOptions): BatchSource {
  checkExamples(data);
  const { batchSize, shuffle = true, seed = 0 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`expected batchSize to be a positive integer, got ${batchSize}`);
  const batchesPerEpoch = Math.ceil(data.count / batchSize);
  return {
    batchesPerEpoch,
    size: data.count,
    *batches(epoch: number, from: number): Iterable<Batch> {
      const order = Array.from({ length: data.count }, (_, i) => i);
      if (shuffle) new Random(seed * 1_000_003 + epoch).shuffle(order);
      for (let b = from; b < batchesPerEpoch; b++) yield gatherBatch(data, order.slice(b * batchSize, (b + 1) * batchSize));
    },
  };
}
