/** What training and evaluation consume: mini-batches of tensors, epoch by epoch. */
import type { Tensor } from '../core/index.js';

/** One mini-batch: the model's inputs (forward(...inputs)) and the targets. The consumer disposes them. */
export interface Batch {
  inputs: readonly Tensor[];
  targets: Tensor;
  /** Per-target weights, same shape as targets (0 = not scored), when the source weighs them. */
  weights?: Tensor;
}

/**
 * A data set split into batches: an order per epoch, resumable mid-epoch. A source may draw
 * from libtorch's generator for an epoch's order or augmentation, all of it before the first
 * batch is served, so restoring the generator's state before `batches()` repeats the epoch.
 */
export interface BatchSource {
  /** Batches in one epoch. */
  readonly batchesPerEpoch: number;
  /** Examples in one epoch. */
  readonly size: number;
  /** Batches of epoch `epoch` (0-based) in their order for that epoch, starting at batch `from`. */
  batches(epoch: number, from: number): AsyncIterable<Batch> | Iterable<Batch>;
}
