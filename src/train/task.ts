/**
 * What a task kind means for training and evaluation: the loss, how model outputs become
 * predictions (sigmoid, softmax, the reconstruction head), which metrics apply, and which
 * metric to monitor.
 */
import { InputError, Tensor } from '../core/index.js';
import { binaryCrossEntropy, crossEntropy, meanSquaredError, profileLoss, vaeLoss, type ModelOutput, type ProfileOutput } from './losses.js';
import type { MetricTask } from './metric-registry.js';

export type TaskKind = 'binary' | 'multiclass' | 'regression' | 'profile' | 'reconstruction';

/** How each task kind's predictions are scored (which metrics its validation reports). */
export const METRIC_KIND_OF_TASK: { readonly [K in TaskKind]: MetricTask } = {
  binary: 'binary',
  multiclass: 'multiclass',
  regression: 'regression',
  profile: 'regression',
  reconstruction: 'regression',
};

export interface TaskSettings {
  kind: TaskKind;
  posWeight?: 'auto' | number[];
  labelSmoothing?: number;
  /** VAE: weight of the KL term. */
  beta?: number;
  /** Profile: weight of the count loss. */
  countWeight?: number;
}

export interface TaskAdapter {
  kind: TaskKind;
  /** Scalar loss of the model output against a target batch. */
  loss(output: ModelOutput, targets: Tensor): Tensor;
  /** The prediction reported and scored: probabilities (binary, multiclass) or values. */
  predict(output: ModelOutput): Tensor;
  /** What predictions are scored against, from a target batch (profile: log(1 + total counts) per task). */
  scored(targets: Tensor): Tensor;
  /** How predictions are scored. */
  metricKind: MetricTask;
  /** Metric task names: the outputs (binary, regression, reconstruction) or one 'class' task (multiclass). */
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

function single(kind: TaskKind, output: ModelOutput): Tensor {
  if (output instanceof Tensor) return output;
  throw new InputError(`a ${kind} task needs a model with one output tensor, got heads {${Object.keys(output).join(', ')}}`);
}

function reconstruction(output: ModelOutput): Tensor {
  if (output instanceof Tensor) return output;
  const r = output.reconstruction;
  if (r instanceof Tensor) return r;
  throw new InputError(`a reconstruction task needs a model with a 'reconstruction' output, got heads {${Object.keys(output).join(', ')}}`);
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
        loss: (out, y) => binaryCrossEntropy(single('binary', out), y, posWeight ? { posWeight } : {}),
        predict: (out) => single('binary', out).sigmoid(),
        scored: (y) => y,
        metricKind: 'binary',
        metricTasks: [...outputs],
        defaultMetric: 'auroc',
        ...(posWeight ? { posWeight } : {}),
      };
    }
    case 'multiclass':
      return {
        kind: 'multiclass',
        loss: (out, y) => crossEntropy(single('multiclass', out), y.toDType('int64'), { labelSmoothing: settings.labelSmoothing ?? 0 }),
        predict: (out) => single('multiclass', out).softmax(-1),
        scored: (y) => y,
        metricKind: 'multiclass',
        metricTasks: ['class'],
        defaultMetric: 'accuracy',
      };
    case 'regression':
      return {
        kind: 'regression',
        loss: (out, y) => meanSquaredError(single('regression', out), y),
        predict: (out) => single('regression', out),
        scored: (y) => y,
        metricKind: 'regression',
        metricTasks: [...outputs],
        defaultMetric: 'pearson',
      };
    case 'profile': {
      const countWeight = settings.countWeight ?? 1;
      const heads = (out: ModelOutput): ProfileOutput => {
        if (!(out instanceof Tensor) && out.profile instanceof Tensor && out.counts instanceof Tensor) return { profile: out.profile, counts: out.counts };
        throw new InputError('a profile task needs a model with profile and counts outputs (e.g. bpnet)');
      };
      return {
        kind: 'profile',
        loss: (out, y) => profileLoss(heads(out), y, { countWeight }),
        // Scored on total counts: predicted log counts against log(1 + observed total).
        predict: (out) => heads(out).counts,
        scored: (y) => y.sumDimIntList([2]).log1p(),
        metricKind: 'regression',
        metricTasks: [...outputs],
        defaultMetric: 'loss',
      };
    }
    case 'reconstruction': {
      const beta = settings.beta ?? 1;
      return {
        kind: 'reconstruction',
        // A VAE (outputs mu and logvar) adds its KL term; a plain autoencoder is scored by MSE.
        loss: (out, y) =>
          !(out instanceof Tensor) && out.mu instanceof Tensor && out.logvar instanceof Tensor
            ? vaeLoss(out as unknown as Parameters<typeof vaeLoss>[0], y, { beta })
            : meanSquaredError(reconstruction(out), y),
        predict: reconstruction,
        scored: (y) => y,
        metricKind: 'regression',
        metricTasks: [...outputs],
        defaultMetric: 'loss',
      };
    }
  }
}
