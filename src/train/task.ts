/**
 * What a task kind means for training and evaluation: the loss, how raw outputs become
 * predictions (sigmoid, softmax, none), which metrics apply, and which metric to monitor.
 */
import { InputError, type Tensor } from '../core/index.js';
import { binaryCrossEntropy, crossEntropy, meanSquaredError } from './losses.js';
import type { OutputTransform } from './predict-examples.js';

export type TaskKind = 'binary' | 'multiclass' | 'regression';

export interface TaskSettings {
  kind: TaskKind;
  posWeight?: 'auto' | number[];
  labelSmoothing?: number;
}

export interface TaskAdapter {
  kind: TaskKind;
  /** Scalar loss of raw model outputs against a target batch. */
  loss(outputs: Tensor, targets: Tensor): Tensor;
  transform: OutputTransform;
  /** Metric task names: the outputs (binary, regression) or one 'class' task (multiclass). */
  metricTasks: string[];
  defaultMetric: string;
  /** Positive weights in use (binary), for the record. */
  posWeight?: number[];
}

/** Training targets as a row-major matrix (for statistics such as class balance). */
export interface TargetMatrix {
  values: Float32Array | Uint8Array;
  shape: readonly number[];
}

/** negatives / positives per task column of 0/1 targets (NaN ignored; 1 where a class is absent). */
export function balancedPosWeight(targets: TargetMatrix): number[] {
  const tasks = targets.shape[1] ?? 1;
  const count = targets.shape[0] ?? 0;
  return Array.from({ length: tasks }, (_, t) => {
    let pos = 0;
    let neg = 0;
    for (let n = 0; n < count; n++) {
      const y = targets.values[n * tasks + t]!;
      if (y === 1) pos++;
      else if (y === 0) neg++;
    }
    return pos > 0 && neg > 0 ? neg / pos : 1;
  });
}

export function taskAdapter(settings: TaskSettings, outputs: readonly string[], train: TargetMatrix): TaskAdapter {
  switch (settings.kind) {
    case 'binary': {
      const posWeight = settings.posWeight === 'auto' ? balancedPosWeight(train) : settings.posWeight;
      if (posWeight !== undefined && posWeight.length !== outputs.length) {
        throw new InputError(`task.posWeight: expected ${outputs.length} weights (one per task), got ${posWeight.length}`);
      }
      return {
        kind: 'binary',
        loss: (out, y) => binaryCrossEntropy(out, y, posWeight ? { posWeight } : {}),
        transform: 'sigmoid',
        metricTasks: [...outputs],
        defaultMetric: 'auroc',
        ...(posWeight ? { posWeight } : {}),
      };
    }
    case 'multiclass':
      return {
        kind: 'multiclass',
        loss: (out, y) => crossEntropy(out, y.toDType('int64'), { labelSmoothing: settings.labelSmoothing ?? 0 }),
        transform: 'softmax',
        metricTasks: ['class'],
        defaultMetric: 'accuracy',
      };
    case 'regression':
      return { kind: 'regression', loss: (out, y) => meanSquaredError(out, y), transform: 'none', metricTasks: [...outputs], defaultMetric: 'pearson' };
  }
}
