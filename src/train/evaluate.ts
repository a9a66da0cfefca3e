/** Loss and metrics of a model over in-memory examples, in one inference pass. */
import { inferenceMode, tidy, type Tensor } from '../core/index.js';
import { gatherBatch, type ArrayExamples } from '../data/in-memory.js';
import type { Module } from '../nn/index.js';
import { computeMetrics, type MetricReport } from './metric-registry.js';
import type { TaskAdapter } from './task.js';

export interface Evaluation {
  /** Mean loss per example. */
  loss: number;
  report: MetricReport;
  /** Predictions after the task's transform: [N, outputs] row-major. */
  predictions: Float32Array;
}

export function evaluateExamples(
  model: Module,
  forward: (inputs: readonly Tensor[]) => Tensor,
  data: ArrayExamples,
  task: TaskAdapter,
  batchSize = 256,
): Evaluation {
  model.eval();
  const chunks: Float32Array[] = [];
  let lossSum = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    const { predictions, loss } = tidy(() =>
      inferenceMode(() => {
        const batch = gatherBatch(data, indices);
        const out = forward(batch.inputs);
        const loss = task.loss(out, batch.targets).item();
        const y = task.transform === 'sigmoid' ? out.sigmoid() : task.transform === 'softmax' ? out.softmax(-1) : out;
        return { predictions: y.contiguous().data<Float32Array>(), loss };
      }),
    );
    chunks.push(predictions);
    lossSum += loss * indices.length;
  }
  const predictions = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    predictions.set(c, at);
    at += c.length;
  }
  const report = computeMetrics(task.kind, predictions, data.targets, { tasks: task.metricTasks });
  return { loss: lossSum / data.count, report, predictions };
}
