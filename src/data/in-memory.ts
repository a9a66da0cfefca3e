/**
 * Examples held in memory as flat typed arrays (one-hot sequences, feature vectors) with
 * their targets, served as shuffled batches.
 */
import { InputError, randomPermutation, tensor, uniformDraws } from '../core/index.js';
import type { Batch, BatchSource } from './batch.js';
import { shardPositions, type Shard } from './shard.js';
import { reverseComplementInPlace } from '../genomics/one-hot-arrays.js';

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

/**
 * The batch of examples `indices` as tensors: inputs [x] or [x, features], and targets;
 * `reverse[i]` = 1 reverse-complements example i's one-hot [4, L] input.
 */
export function gatherBatch(data: ArrayExamples, indices: readonly number[], reverse?: Uint8Array): Batch {
  const n = indices.length;
  const x = gatherRows(data.inputs, data.inputShape, indices);
  if (reverse !== undefined) {
    const length = data.inputShape[1]!;
    for (let i = 0; i < n; i++) if (reverse[i]) reverseComplementInPlace(x, i * 4 * length, length);
  }
  const inputs = [tensor(x, [n, ...data.inputShape])];
  if (data.features !== undefined) {
    const shape = data.featureShape ?? [];
    inputs.push(tensor(gatherRows(data.features, shape, indices), [n, ...shape]));
  }
  return { inputs, targets: tensor(gatherRows(data.targets, data.targetShape, indices), [n, ...data.targetShape]) };
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle every epoch (torch.randperm on libtorch's generator, as a PyTorch loop does). Default true. */
  shuffle?: boolean;
  /**
   * Chance that a training example is reverse-complemented, drawn anew every epoch (one-hot
   * inputs [4, L] only; targets unchanged, so only for strand-symmetric labels). Default 0.
   */
  reverseComplement?: number;
  /**
   * Serve only this rank's share of every epoch (data-parallel training; DistributedSampler's
   * rules, see shard.ts). Every rank draws the same order and flips, so all ranks must share
   * the generator's seed. Default: the whole epoch.
   */
  shard?: Shard;
}

/** libtorch draws for the epoch: the order (randperm), then the flips (rand < p); none when neither is asked for. */
function epochDraws(count: number, shuffle: boolean, reverseComplement: number): { order: number[]; flips?: Uint8Array } {
  const order = shuffle ? randomPermutation(count) : Array.from({ length: count }, (_, i) => i);
  if (reverseComplement === 0) return { order };
  return { order, flips: Uint8Array.from(uniformDraws(count), (u) => (u < reverseComplement ? 1 : 0)) };
}

/**
 * Shuffled batches of in-memory examples (the last batch may be smaller). Each epoch's order
 * and flips are drawn from libtorch's generator when its batches start (before the first
 * one), so the same generator state repeats the epoch, and a seeded run draws the batches a
 * PyTorch loop with `torch.randperm` draws. With `shard`, the batches of the rank's share.
 */
export function inMemoryBatches(data: ArrayExamples, options: BatchOptions): BatchSource {
  checkExamples(data);
  const { batchSize, shuffle = true, reverseComplement = 0 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`expected batchSize to be a positive integer, got ${batchSize}`);
  if (!(reverseComplement >= 0 && reverseComplement <= 1)) throw new InputError(`expected reverseComplement to be a probability in [0, 1], got ${reverseComplement}`);
  if (reverseComplement > 0 && (data.inputShape.length !== 2 || data.inputShape[0] !== 4)) {
    throw new InputError(`reverse-complement augmentation needs one-hot [4, L] inputs, got [${data.inputShape.join(', ')}]`);
  }
  // Positions in the epoch's order this source serves: all of them, or the rank's share.
  const positions = options.shard === undefined ? Array.from({ length: data.count }, (_, i) => i) : shardPositions(data.count, options.shard);
  const batchesPerEpoch = Math.ceil(positions.length / batchSize);
  return {
    batchesPerEpoch,
    size: positions.length,
    *batches(_epoch: number, from: number): Iterable<Batch> {
      const { order, flips } = epochDraws(data.count, shuffle, reverseComplement);
      for (let b = from; b < batchesPerEpoch; b++) {
        const taken = positions.slice(b * batchSize, (b + 1) * batchSize);
        yield gatherBatch(data, taken.map((p) => order[p]!), flips && Uint8Array.from(taken, (p) => flips[p]!));
      }
    },
  };
}
