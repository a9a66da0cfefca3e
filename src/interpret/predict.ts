/** Predictions of a saved sequence model for DNA sequences, batch by batch. */
import { inferenceMode, InputError, tensor, tidy, type Tensor } from '../core/index.js';
import { fitLength } from '../data/labelled-sequences.js';
import { writeOneHot } from '../genomics/one-hot.js';
import type { SavedModel } from '../models/saved-model.js';

export interface Predictions {
  /** Output column names (tasks, or classes). */
  outputs: string[];
  /** [N, outputs] row-major: probabilities (binary: sigmoid, multiclass: softmax) or values (regression). */
  values: Float32Array;
}

/** The model's input length; an InputError unless it reads one-hot DNA. */
export function sequenceModelLength(saved: SavedModel): number {
  const { input } = saved.description;
  if (input.kind !== 'sequence' || input.length === undefined) {
    throw new InputError(`this model takes ${input.kind} input, not DNA sequences`);
  }
  return input.length;
}

/**
 * Runs `saved` on `sequences` (centre-cropped or N-padded to the model's input length).
 * @param fn the function of the model output to report; default: the task's probabilities.
 */
export function predictSequences(
  saved: SavedModel,
  sequences: readonly string[],
  { batchSize = 128, fn }: { batchSize?: number; fn?: (output: Tensor) => Tensor } = {},
): Predictions {
  const { description, model } = saved;
  const length = sequenceModelLength(saved);
  const transform =
    fn ??
    (description.task.kind === 'binary' ? (y: Tensor) => y.sigmoid() : description.task.kind === 'multiclass' ? (y: Tensor) => y.softmax(-1) : (y: Tensor) => y);
  const outputs = description.task.outputs;
  const values = new Float32Array(sequences.length * outputs.length);
  model.eval();
  for (let start = 0; start < sequences.length; start += batchSize) {
    const batch = sequences.slice(start, start + batchSize);
    const x = new Float32Array(batch.length * 4 * length);
    batch.forEach((s, i) => writeOneHot(fitLength(s, length), x, i * 4 * length));
    const y = tidy(() =>
      inferenceMode(() => transform((model as unknown as { forward(x: Tensor): Tensor }).forward(tensor(x, [batch.length, 4, length]))).contiguous().data<Float32Array>()),
    );
    values.set(y, start * outputs.length);
  }
  return { outputs, values };
}
