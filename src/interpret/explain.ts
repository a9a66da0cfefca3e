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
export const EXPLAIN_CHUNK = 64;

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

/** One chunk of an explanation: sequences start..start+n of the job, in the chunk's order. */
export interface ExplainedChunk {
  start: number;
  count: number;
  /** [n, L, 4] row-major (A, C, G, T). */
  attributions: Float32Array;
  /** [n, outputs]. */
  predictions: Float32Array;
}

/** What every chunk of an explanation shares: the sequences fitted to the model and the output explained. */
export interface ExplainPlan {
  method: ExplainMethod;
  task: string;
  head?: HeadTarget['head'];
  length: number;
  /** The sequences fitted to the model's length. */
  sequences: string[];
  outputs: string[];
  /** Chunks of EXPLAIN_CHUNK sequences. */
  chunks: number;
}

export function explainPlan(saved: SavedModel, sequences: readonly string[], options: ExplainOptions): ExplainPlan {
  const { description } = saved;
  const length = description.input.length;
  if (description.input.kind !== 'sequence' || length === undefined) {
    throw new InputError(`explain needs a model of DNA sequences; this one takes ${description.input.kind} input`);
  }
  if (sequences.length === 0) throw new InputError('expected at least one sequence to explain');
  const { task, head } = outputTarget(description, options);
  return {
    method: options.method,
    task,
    ...(head !== undefined ? { head } : {}),
    length,
    sequences: sequences.map((s) => fitLength(s, length)),
    outputs: description.task.outputs,
    chunks: Math.ceil(sequences.length / EXPLAIN_CHUNK),
  };
}

/** Explains chunk `index` of the plan (its shuffled references drawn with seed + index). */
export function explainChunk(saved: SavedModel, plan: ExplainPlan, index: number, options: ExplainOptions): ExplainedChunk {
  const { length } = plan;
  const { target } = outputTarget(saved.description, options);
  const model = saved.model as Module & ForwardModel;
  model.eval();
  const { seed = 0, shuffles = 10, steps = 50 } = options;
  const start = index * EXPLAIN_CHUNK;
  const part = plan.sequences.slice(start, start + EXPLAIN_CHUNK);
  const x = new Float32Array(part.length * 4 * length);
  part.forEach((s, i) => writeOneHot(s, x, i * 4 * length));
  const chunkSeed = seed + index;
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
  return { start, count: part.length, attributions: toPositionMajor(attributions, part.length, length), predictions: predictSequences(saved, part).values };
}

/** The explanation of the plan's sequences from all its chunks (in any order). */
export function assembleExplanation(plan: ExplainPlan, chunks: Iterable<ExplainedChunk>): Explanation {
  const n = plan.sequences.length;
  const attributions = new Float32Array(n * plan.length * 4);
  const predictions = new Float32Array(n * plan.outputs.length);
  for (const c of chunks) {
    attributions.set(c.attributions, c.start * plan.length * 4);
    predictions.set(c.predictions, c.start * plan.outputs.length);
  }
  return {
    method: plan.method,
    task: plan.task,
    ...(plan.head !== undefined ? { head: plan.head } : {}),
    attributions,
    length: plan.length,
    sequences: plan.sequences,
    predictions,
    outputs: plan.outputs,
  };
}

export function explainSequences(saved: SavedModel, sequences: readonly string[], options: ExplainOptions): Explanation {
  const plan = explainPlan(saved, sequences, options);
  const chunks: ExplainedChunk[] = [];
  for (let index = 0; index < plan.chunks; index++) {
    const chunk = explainChunk(saved, plan, index, options);
    chunks.push(chunk);
    options.onProgress?.(chunk.start + chunk.count, plan.sequences.length);
  }
  return assembleExplanation(plan, chunks);
}
