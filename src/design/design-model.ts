/**
 * A sequence model as design sees it: predictions of whole sequences, the objective change of
 * every single-base substitution of a sequence (in-silico mutagenesis through the patched
 * forward, so a round of greedy evolution costs about one forward of the changed columns), and
 * a differentiable forward for gradient design.
 */
import { inferenceMode, tensor, tidy, type Tensor } from '../core/index.js';
import { writeOneHot } from '../genomics/one-hot.js';
import { ism } from '../interpret/ism.js';
import { predictionReadout } from '../interpret/predict.js';
import type { ForwardModel, ModelOutput } from '../interpret/target.js';
import { Module } from '../nn/index.js';
import type { Objective } from './objective.js';

export interface DesignModel {
  /** Names of the predictions. */
  outputs: readonly string[];
  /** Input length in bases. */
  length: number;
  /** [N, outputs] predictions of sequences of the input length, row-major. */
  predict(sequences: readonly string[]): Float64Array;
  /** [4 * L] channel-major: objective(sequence with base b at j) - objective(sequence); 0 at its own bases. */
  substitutionDeltas(sequence: string, objective: Objective): Float64Array;
  /** [N, 4, L] (soft) one-hot -> [N, outputs] predictions, with gradients. */
  forward(x: Tensor): Tensor;
}

export function oneHotOf(sequences: readonly string[], length: number): Tensor {
  const x = new Float32Array(sequences.length * 4 * length);
  sequences.forEach((s, i) => writeOneHot(s, x, i * 4 * length));
  return tensor(x, [sequences.length, 4, length]);
}

/** The design view of `model` (a saved model's module, in eval mode) whose task is `taskKind`. */
export function designModel(model: ForwardModel, taskKind: string, outputs: readonly string[], length: number): DesignModel {
  const readout = predictionReadout(taskKind);
  if (model instanceof Module) model.eval();
  const forward = (x: Tensor): Tensor => readout(model.forward(x) as ModelOutput);
  return {
    outputs,
    length,
    forward,
    predict(sequences) {
      const out = new Float64Array(sequences.length * outputs.length);
      for (let start = 0; start < sequences.length; start += 128) {
        const batch = sequences.slice(start, start + 128);
        const y = tidy(() => inferenceMode(() => forward(oneHotOf(batch, length)).toDType('float64').contiguous().data<Float64Array>()));
        out.set(y, start * outputs.length);
      }
      return out;
    },
    substitutionDeltas(sequence, objective) {
      return tidy(() => {
        const x = oneHotOf([sequence], length);
        // The model itself keeps the patched forward; a profile model's two heads go through the readout first.
        const target = (y: Tensor) => objective.evaluate(readout(y));
        const deltas = taskKind === 'profile' ? ism({ forward }, x, { target: (y: Tensor) => objective.evaluate(y) }) : ism(model, x, { target });
        return Float64Array.from(deltas.deltas.toDType('float64').contiguous().data<Float64Array>());
      });
    },
  };
}
