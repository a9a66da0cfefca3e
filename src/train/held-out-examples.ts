/**
 * A few held-out examples that show what a sequence model learned: for each output (the first
 * `maxOutputs`), the `perOutput` highest-scoring positives of the test split (binary: examples
 * labelled 1 for that task; multiclass: examples of that class; regression and profile models:
 * the highest predictions, of the values or log counts), found in the one evaluation pass
 * over the split, then explained by an injected attribution method and written as an
 * explanation folder (`examples/`, io/explain-output.ts) for the run's report.
 */
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOneHot } from '../genomics/decode.js';
import { EXPLAIN_FILES, writeExplainOutput, type ExplainDescription } from '../io/explain-output.js';
import type { SavedModel } from '../models/saved-model.js';
import type { EvaluatedBatch } from './evaluate.js';

/** An attribution method for the examples, e.g. saliency from src/interpret (injected: train does not import interpret). */
export interface ExampleExplainer {
  /** The method used, attributions [N, L, 4] (A, C, G, T) and predictions [N, outputs] of `sequences` for output `task`. */
  explain(saved: SavedModel, sequences: readonly string[], task: string): { method: ExplainDescription['method']; attributions: Float32Array; predictions: Float32Array };
}

export interface HeldOutExample {
  /** Index in the test split (0-based). */
  index: number;
  /** The output it is a top-scoring positive of. */
  task: string;
  score: number;
  sequence: string;
}

export const EXAMPLES_FOLDER = 'examples';

/** Keeps the top-scoring positives of each output while the test split is evaluated. */
export type ExampleKind = 'binary' | 'multiclass' | 'regression';

export class HeldOutExampleCollector {
  readonly #kind: ExampleKind;
  readonly #outputs: readonly string[];
  readonly #perOutput: number;
  readonly #maxOutputs: number;
  readonly #best: HeldOutExample[][];

  /** `outputs`: every prediction column (tasks, or classes for multiclass). */
  constructor(kind: ExampleKind, outputs: readonly string[], { perOutput = 2, maxOutputs = 4 }: { perOutput?: number; maxOutputs?: number } = {}) {
    this.#kind = kind;
    this.#outputs = outputs;
    this.#perOutput = perOutput;
    this.#maxOutputs = Math.min(maxOutputs, outputs.length);
    this.#best = Array.from({ length: this.#maxOutputs }, () => []);
  }

  /** For `evaluateBatches`: inputs[0] must be the [B, 4, L] one-hot sequences. */
  observe(batch: EvaluatedBatch): void {
    const P = this.#outputs.length;
    const B = batch.predictions.length / P;
    const wanted: { row: number; output: number; score: number }[] = [];
    for (let b = 0; b < B; b++) {
      for (let o = 0; o < this.#maxOutputs; o++) {
        const positive = this.#kind === 'binary' ? batch.targets[b * P + o] === 1 : this.#kind === 'multiclass' ? batch.targets[b] === o : true;
        const score = batch.predictions[b * P + o]!;
        if (positive && this.#qualifies(o, score)) wanted.push({ row: b, output: o, score });
      }
    }
    if (wanted.length === 0) return;
    const sequences = decodeOneHot(batch.inputs[0]!);
    for (const w of wanted) this.#insert(w.output, { index: batch.offset + w.row, task: this.#outputs[w.output]!, score: w.score, sequence: sequences[w.row]! });
  }

  #qualifies(output: number, score: number): boolean {
    const list = this.#best[output]!;
    return list.length < this.#perOutput || score > list[list.length - 1]!.score;
  }

  #insert(output: number, example: HeldOutExample): void {
    if (!this.#qualifies(output, example.score)) return;
    const list = this.#best[output]!;
    list.push(example);
    list.sort((a, b) => b.score - a.score || a.index - b.index);
    if (list.length > this.#perOutput) list.pop();
  }

  /** The examples, output by output, best first. */
  examples(): HeldOutExample[] {
    return this.#best.flat();
  }
}

/** Removes an examples/ folder an earlier run left (only the files an explanation consists of). */
export function removeHeldOutExamples(outDir: string): void {
  const dir = join(outDir, EXAMPLES_FOLDER);
  for (const file of Object.values(EXPLAIN_FILES)) rmSync(join(dir, file), { force: true });
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // no folder
  }
}

/** Explains the examples (one call per output) and writes them to `outDir/examples/`. */
export function writeHeldOutExamples(outDir: string, saved: SavedModel, examples: readonly HeldOutExample[], explainer: ExampleExplainer): void {
  const outputs = saved.description.task.outputs;
  const L = examples[0]?.sequence.length ?? 0;
  const attributions = new Float32Array(examples.length * L * 4);
  const predictions = new Float32Array(examples.length * outputs.length);
  let method: ExplainDescription['method'] = 'saliency';
  for (const task of new Set(examples.map((e) => e.task))) {
    const rows = examples.flatMap((e, i) => (e.task === task ? [i] : []));
    const result = explainer.explain(saved, rows.map((i) => examples[i]!.sequence), task);
    method = result.method;
    rows.forEach((i, k) => {
      attributions.set(result.attributions.subarray(k * L * 4, (k + 1) * L * 4), i * L * 4);
      predictions.set(result.predictions.subarray(k * outputs.length, (k + 1) * outputs.length), i * outputs.length);
    });
  }
  writeExplainOutput(join(outDir, EXAMPLES_FOLDER), {
    method,
    title: ['binary', 'multiclass'].includes(saved.description.task.kind) ? 'Top-scoring held-out positives' : 'Held-out sequences with the highest predictions',
    tasks: examples.map((e) => e.task),
    ids: examples.map((e) => `test-example-${e.index + 1}`),
    sequences: examples.map((e) => e.sequence),
    length: L,
    attributions,
    outputs: [...outputs],
    predictions,
  });
}
