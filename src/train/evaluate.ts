/** Loss and metrics of a model over a data split, in one inference pass over its batches. */
import { inferenceMode, tidy, type Tensor } from '../core/index.js';
import type { BatchSource } from '../data/batch.js';
import type { Module } from '../nn/index.js';
import { computeMetrics, type MetricReport } from './metric-registry.js';
import type { ModelOutput } from './losses.js';
import type { TaskAdapter } from './task.js';

export interface Evaluation {
  /** Mean loss per example. */
  loss: number;
  report: MetricReport;
  /** Predictions after the task's transform: [N, outputs] row-major, in batch order. */
  predictions: Float32Array;
  /** The targets, in the same order. */
  targets: Float32Array;
}

function concat(chunks: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One evaluated batch, shown to an observer before its tensors are freed. */
export interface EvaluatedBatch {
  inputs: readonly Tensor[];
  /** [B, outputs] and [B, ...] row-major, as in `Evaluation`. */
  predictions: Float32Array;
  targets: Float32Array;
  /** Index of the batch's first example in the split. */
  offset: number;
}

/**
 * Runs the model (eval mode, inference mode) over epoch 0 of `source`, which should not shuffle.
 * `observe` sees each batch (inside the batch's disposal scope).
 */
export async function evaluateBatches(
  model: Module,
  forward: (inputs: readonly Tensor[]) => ModelOutput,
  source: BatchSource,
  task: TaskAdapter,
  observe?: (batch: EvaluatedBatch) => void,
): Promise<Evaluation> {
  model.eval();
  const predictions: Float32Array[] = [];
  const targets: Float32Array[] = [];
  let lossSum = 0;
  let count = 0;
  for await (const batch of source.batches(0, 0)) {
    const result = tidy(() => {
      try {
        return inferenceMode(() => {
          const out = forward(batch.inputs);
          const n = batch.targets.shape[0] ?? 1;
          const loss = task.loss(out, batch.targets).item();
          const y = task.predict(out).contiguous().data<Float32Array>();
          const t = task.scored(batch.targets.toDType('float32')).contiguous().data<Float32Array>();
          observe?.({ inputs: batch.inputs, predictions: y, targets: t, offset: count });
          return { n, loss, y, t };
        });
      } finally {
        for (const t of batch.inputs) t.dispose();
        batch.targets.dispose();
      }
    });
    predictions.push(result.y);
    targets.push(result.t);
    lossSum += result.loss * result.n;
    count += result.n;
  }
  const p = concat(predictions);
  const t = concat(targets);
  return { loss: lossSum / count, report: computeMetrics(task.metricKind, p, t, { tasks: task.metricTasks }), predictions: p, targets: t };
}
