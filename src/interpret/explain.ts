/**
 * `strand explain`: attributions of a saved sequence model for DNA sequences, by saliency,
 * integrated gradients, DeepLIFT/DeepSHAP or ISM, for one output (task or class).
 */
import { InputError, tensor, tidy, type Tensor } from '../core/index.js';
import { fitLength } from '../data/labelled-sequences.js';
import { writeOneHot } from '../genomics/one-hot.js';
import type { ExplainOutput } from '../io/explain-output.js';
import type { SavedModel } from '../models/saved-model.js';
import type { ExampleExplainer } from '../train/held-out-examples.js';
import type { Module } from '../nn/index.js';
import { deeplift } from './deeplift.js';
import { integratedGradients } from './integrated-gradients.js';
import { ism } from './ism.js';
import { predictSequences } from './predict.js';
import { saliency } from './saliency.js';
import { GradientUnavailableError, outputTarget, type ForwardModel, type HeadTarget } from './target.js';

export type ExplainMethod = 'saliency' | 'ig' | 'deeplift' | 'ism';
export const EXPLAIN_METHODS: readonly ExplainMethod[] = ['saliency', 'ig', 'deeplift', 'ism'];

export interface ExplainOptions {
  method: ExplainMethod;
  /** Output to explain, by name (task or class). Default: the first. */
  task?: string;
  /** Profile models (bpnet): the head to explain, 'counts' (default) or 'profile' (see HeadTarget). */
  head?: HeadTarget['head'];
  /** IG steps (default 50); IG / DeepLIFT shuffled references (default 10). */
  steps?: number;
  shuffles?: number;
  /** Seed of the shuffled references; sequences are explained 64 at a time, chunk k with seed + k. */
  seed?: number;
  /** Called after each chunk of sequences with how many are done. */
  onProgress?: (done: number, total: number) => void;
}

/** Sequences explained per chunk (bounds the memory of one method call; progress is reported per chunk). */
const EXPLAIN_CHUNK = 64;

export interface Explanation {
  method: ExplainMethod;
  task: string;
  /** The head explained, for profile models. */
  head?: HeadTarget['head'];
  /** [N, L, 4] row-major (A, C, G, T), as numpy's attributions[n] is an (L, 4) array. */
  attributions: Float32Array;
  length: number;
  /** The sequences as explained (cropped / padded to the model's length). */
  sequences: string[];
  /** [N, outputs] predictions (probabilities for classification). */
  predictions: Float32Array;
  outputs: string[];
}

/** [N, 4, L] -> [N, L, 4]. */
function toPositionMajor(values: Float32Array, n: number, length: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let s = 0; s < n; s++) {
    for (let c = 0; c < 4; c++) for (let i = 0; i < length; i++) out[(s * length + i) * 4 + c] = values[(s * 4 + c) * length + i]!;
  }
  return out;
}

/** An explanation as the files of an explanation folder (io/explain-output.ts): sequence i is named ids[i]. */
export function explanationOutput(e: Explanation, ids: readonly string[], about: { model?: string; baseline?: string; title?: string } = {}): ExplainOutput {
  return {
    method: e.method,
    tasks: ids.map(() => e.task),
    ...(e.head !== undefined ? { head: e.head } : {}),
    ...about,
    ids: [...ids],
    sequences: e.sequences,
    length: e.length,
    attributions: e.attributions,
    outputs: e.outputs,
    predictions: e.predictions,
  };
}

/** Saliency, or ISM for a model whose gradients do not reach the bases (k-mer token input): the quick look of reports. */
export function quickExplanation(saved: SavedModel, sequences: readonly string[], options: { task?: string; head?: HeadTarget['head'] } = {}): Explanation {
  try {
    return explainSequences(saved, sequences, { ...options, method: 'saliency' });
  } catch (err) {
    if (!(err instanceof GradientUnavailableError)) throw err;
    return explainSequences(saved, sequences, { ...options, method: 'ism' });
  }
}

/** The held-out examples of a training run's report (`trainFromConfig`'s `explainExamples`), by `quickExplanation`. */
export const saliencyExamples: ExampleExplainer = {
  explain: (saved, sequences, task) => quickExplanation(saved, sequences, { task }),
};

export function explainSequences(saved: SavedModel, sequences: readonly string[], options: ExplainOptions): Explanation {
  const { description } = saved;
  const length = description.input.length;
  if (description.input.kind !== 'sequence' || length === undefined) {
    throw new InputError(`explain needs a model of DNA sequences; this one takes ${description.input.kind} input`);
  }
  if (sequences.length === 0) throw new InputError('expected at least one sequence to explain');
  const outputs = description.task.outputs;
  const { task, head, target } = outputTarget(description, options);
  const fitted = sequences.map((s) => fitLength(s, length));
  const model = saved.model as Module & ForwardModel;
  model.eval();
  const { seed = 0, shuffles = 10, steps = 50 } = options;
  const values = new Float32Array(fitted.length * 4 * length);
  for (let start = 0, chunk = 0; start < fitted.length; start += EXPLAIN_CHUNK, chunk++) {
    const part = fitted.slice(start, start + EXPLAIN_CHUNK);
    const x = new Float32Array(part.length * 4 * length);
    part.forEach((s, i) => writeOneHot(s, x, i * 4 * length));
    const chunkSeed = seed + chunk;
    const attributions = tidy(() => {
      const input: Tensor = tensor(x, [part.length, 4, length]);
      const result =
        options.method === 'saliency'
          ? saliency(model, input, { target }).attributions
          : options.method === 'ig'
            ? integratedGradients(model, input, { target, baseline: 'shuffle', shuffles, steps, seed: chunkSeed }).attributions
            : options.method === 'deeplift'
              ? deeplift(model, input, { target, references: 'shuffle', shuffles, seed: chunkSeed }).attributions
              : ism(model, input, { target }).deltas;
      return result.contiguous().data<Float32Array>();
    });
    values.set(attributions, start * 4 * length);
    options.onProgress?.(start + part.length, fitted.length);
  }
  const predictions = predictSequences(saved, fitted);
  return {
    method: options.method,
    task,
    ...(head !== undefined ? { head } : {}),
    attributions: toPositionMajor(values, fitted.length, length),
    length,
    sequences: fitted,
    predictions: predictions.values,
    outputs,
  };
}
