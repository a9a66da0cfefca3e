/**
 * Examples held in memory as flat typed arrays (one-hot sequences, feature vectors) with
 * their targets, served as seeded shuffled batches.
 */
import { InputError, tensor } from '../core/index.js';
import type { Batch, BatchSource } from './batch.js';
import { Random } from './random.js';

/**
 * N examples: inputs [N, ...inputShape] and targets [N, ...targetShape], row-major; optionally
 * a second input of numeric features [N, ...featureShape] (multi-view models).
 */
export interface ArrayExamples {
  inputs: Float32Array;
  inputShape: readonly number[];
  targets: Float32Array;
  targetShape: readonly number[];
  count: number;
  features?: Float32Array;
  featureShape?: readonly number[];
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
  if (data.features !== undefined && data.features.length !== data.count * product(data.featureShape ?? [])) {
    throw new InputError(`expected ${data.count} x ${product(data.featureShape ?? [])} feature values, got ${data.features.length}`);
  }
}

/** Rows `indices` of a row-major [N, ...shape] array, concatenated. */
export function gatherRows(values: Float32Array, shape: readonly number[], indices: readonly number[]): Float32Array {
  const size = product(shape);
  const out = new Float32Array(indices.length * size);
  indices.forEach((n, i) => out.set(values.subarray(n * size, (n + 1) * size), i * size));
  return out;
}

/** The batch of examples `indices` as tensors: inputs [x] or [x, features], and targets. */
export function gatherBatch(data: ArrayExamples, indices: readonly number[]): Batch {
  const n = indices.length;
  const inputs = [tensor(gatherRows(data.inputs, data.inputShape, indices), [n, ...data.inputShape])];
  if (data.features !== undefined) {
    const shape = data.featureShape ?? [];
    inputs.push(tensor(gatherRows(data.features, shape, indices), [n, ...shape]));
  }
  return { inputs, targets: tensor(gatherRows(data.targets, data.targetShape, indices), [n, ...data.targetShape]) };
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
