/** Predictions of a saved sequence model for DNA sequences, batch by batch. */
import { inferenceMode, InputError, tensor, tidy, type Tensor } from '../core/index.js';
import { fitLength } from '../data/labelled-sequences.js';
import { writeOneHot } from '../genomics/one-hot.js';
import type { SavedModel } from '../models/saved-model.js';
import * as ops from '../ops/index.js';
import type { Module } from '../nn/index.js';
import { countsColumns, isProfileOutput, profileHeads, type ForwardModel, type ModelOutput } from './target.js';

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

export interface ProfilePredictions {
  outputs: string[];
  /** [N, outputs] row-major: predicted log total counts (the counts head), as `predictSequences` reports them. */
  counts: Float32Array;
  /** Positions of each profile: the input length less the model's crop at both ends. */
  positions: number;
  /** [N, outputs, positions] row-major: expected counts, softmax(profile) * (exp(log counts) - 1). */
  values: Float32Array;
}

/** One-hot [N, 4, L] of sequences fitted to the model's length. */
function oneHotBatch(sequences: readonly string[], length: number): Tensor {
  const x = new Float32Array(sequences.length * 4 * length);
  sequences.forEach((s, i) => writeOneHot(fitLength(s, length), x, i * 4 * length));
  return tensor(x, [sequences.length, 4, length]);
}

/**
 * The predicted profiles of a profile model (bpnet) as expected counts per position: each
 * track's softmax over positions times its predicted total (the counts head is log(1 + total)).
 */
export function predictProfiles(saved: SavedModel, sequences: readonly string[], { batchSize = 64 }: { batchSize?: number } = {}): ProfilePredictions {
  if (saved.description.task.kind !== 'profile') throw new InputError(`profiles need a profile model (e.g. bpnet); this model's task is '${saved.description.task.kind}'`);
  const length = sequenceModelLength(saved);
  const outputs = saved.description.task.outputs;
  const model = saved.model as Module & ForwardModel;
  model.eval();
  const counts = new Float32Array(sequences.length * outputs.length);
  const parts: Float32Array[] = [];
  let positions = 0;
  for (let start = 0; start < sequences.length; start += batchSize) {
    const batch = sequences.slice(start, start + batchSize);
    const { logCounts, profiles } = tidy(() =>
      inferenceMode(() => {
        const heads = profileHeads(model.forward(oneHotBatch(batch, length)));
        positions = heads.profile.shape[2]!;
        const columns = countsColumns(heads);
        const expected = heads.profile.softmax(2).mul(ops.expm1(columns).unsqueeze(2));
        return { logCounts: columns.contiguous().data<Float32Array>(), profiles: expected.contiguous().data<Float32Array>() };
      }),
    );
    counts.set(logCounts, start * outputs.length);
    parts.push(profiles);
  }
  const values = new Float32Array(sequences.length * outputs.length * positions);
  let at = 0;
  for (const p of parts) {
    values.set(p, at);
    at += p.length;
  }
  return { outputs, counts, positions, values };
}

/** The reported values of a model output: probabilities, values, or (profile models) predicted log total counts. */
/** What a prediction is, by task kind: probabilities (binary: sigmoid, multiclass: softmax), the counts head of a profile model, or the output itself. */
export function predictionReadout(kind: string): (output: ModelOutput) => Tensor {
  const single = (output: ModelOutput): Tensor => {
    if (isProfileOutput(output)) throw new InputError(`a '${kind}' model returned profile and counts heads`);
    return output;
  };
  if (kind === 'binary') return (y) => single(y).sigmoid();
  if (kind === 'multiclass') return (y) => single(y).softmax(-1);
  if (kind === 'profile') return (y) => countsColumns(profileHeads(y));
  return single;
}

/**
 * Runs `saved` on `sequences` (centre-cropped or N-padded to the model's input length): per
 * output, the probability (binary: sigmoid, multiclass: softmax), the value (regression) or,
 * for a profile model, the predicted log total counts (its counts head).
 */
export function predictSequences(
  saved: SavedModel,
  sequences: readonly string[],
  { batchSize = 128, onProgress }: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Predictions {
  const { description, model } = saved;
  const length = sequenceModelLength(saved);
  const transform = predictionReadout(description.task.kind);
  const outputs = description.task.outputs;
  const values = new Float32Array(sequences.length * outputs.length);
  model.eval();
  for (let start = 0; start < sequences.length; start += batchSize) {
    const batch = sequences.slice(start, start + batchSize);
    const y = tidy(() => inferenceMode(() => transform((model as Module & ForwardModel).forward(oneHotBatch(batch, length))).contiguous().data<Float32Array>()));
    if (y.length !== batch.length * outputs.length) {
      throw new InputError(`the model returned ${y.length / batch.length} values per sequence; its description names ${outputs.length} outputs (${outputs.join(', ')})`);
    }
    values.set(y, start * outputs.length);
    onProgress?.(start + batch.length, sequences.length);
  }
  return { outputs, values };
}
