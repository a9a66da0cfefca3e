/**
 * Metrics per task and averaged over tasks, by task kind: what the trainer logs and
 * `strand evaluate` prints. Inputs are row-major [N, T] matrices (plain arrays); a NaN
 * target marks a missing label and drops that row from that task only. Averages skip tasks
 * where a metric is undefined (NaN: one class only, constant targets, no labelled rows) and
 * report how many were skipped.
 */
import { InputError } from '../core/errors.js';
import {
  accuracy,
  argmaxRows,
  auroc,
  averagePrecision,
  binaryAccuracy,
  binaryF1,
  binaryMcc,
  f1Score,
  mcc,
  meanSquaredError,
  pearson,
  r2Score,
  spearman,
} from './metrics.js';

type Values = ArrayLike<number>;

/** A metric on one task's (predictions, targets), NaN when undefined. */
export type MetricFunction = (predictions: Values, targets: Values) => number;

export type MetricTask = 'binary' | 'multiclass' | 'regression';

/**
 * The metrics computed for each task kind.
 * - binary (predictions: probabilities, targets 0/1): auroc, auprc (average precision), and
 *   accuracy, f1, mcc at threshold 0.5;
 * - multiclass (predictions: class indices): accuracy, f1Macro, f1Micro, mcc;
 * - regression: pearson, spearman, r2, mse.
 */
export const METRICS: { readonly [K in MetricTask]: Readonly<Record<string, MetricFunction>> } = {
  binary: { auroc, auprc: averagePrecision, accuracy: binaryAccuracy, f1: binaryF1, mcc: binaryMcc },
  multiclass: {
    accuracy,
    f1Macro: (p, t) => f1Score(p, t, 'macro'),
    f1Micro: (p, t) => f1Score(p, t, 'micro'),
    mcc,
  },
  regression: { pearson, spearman, r2: r2Score, mse: meanSquaredError },
};

const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['mse', 'loss']);

/** Whether a larger value of the named metric is better (false for mse and loss): for early stopping and checkpoints. */
export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

/** The metric names computed for a task kind. */
export function metricNames(kind: MetricTask): string[] {
  const metrics = Object.hasOwn(METRICS, kind) ? METRICS[kind] : undefined;
  if (metrics === undefined) throw new InputError(`expected a metric task kind (binary, multiclass, regression), got '${String(kind)}'`);
  return Object.keys(metrics);
}

function checkTasks(tasks: number): void {
  if (!Number.isInteger(tasks) || tasks < 1) throw new InputError(`expected a positive integer number of tasks, got ${tasks}`);
}

/** Rows of column `task` of two [N, T] matrices where the target is not NaN (and not negative when `dropNegative`). */
function observedColumn(
  predictions: Values,
  targets: Values,
  tasks: number,
  task: number,
  dropNegative = false,
): { predictions: Float64Array; targets: Float64Array } {
  const rows = targets.length / tasks;
  const p: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < rows; i++) {
    const y = targets[i * tasks + task]!;
    if (Number.isNaN(y) || (dropNegative && y < 0)) continue;
    p.push(predictions[i * tasks + task]!);
    t.push(y);
  }
  return { predictions: Float64Array.from(p), targets: Float64Array.from(t) };
}

function checkMatrices(predictions: Values, targets: Values, tasks: number): void {
  checkTasks(tasks);
  if (targets.length === 0) throw new InputError('expected at least one example, got none');
  if (targets.length % tasks !== 0) {
    throw new InputError(`expected an (N, ${tasks}) target matrix, got ${targets.length} values`);
  }
  if (predictions.length !== targets.length) {
    throw new InputError(`expected an (N, ${tasks}) prediction matrix like the targets (${targets.length} values), got ${predictions.length}`);
  }
}

/**
 * A metric for each column of [N, T] row-major matrices; rows with a NaN target are left out
 * of that column. A task with no labelled rows gives NaN.
 * @returns [T] values
 */
export function metricPerTask(metric: MetricFunction, predictions: Values, targets: Values, tasks: number): number[] {
  checkMatrices(predictions, targets, tasks);
  return Array.from({ length: tasks }, (_, task) => {
    const column = observedColumn(predictions, targets, tasks, task);
    return column.targets.length === 0 ? Number.NaN : metric(column.predictions, column.targets);
  });
}

/** A metric averaged over tasks. */
export interface TaskAverage {
  /** Mean over the tasks where the metric is defined; NaN when it is defined for none. */
  mean: number;
  /** [T] per-task values (NaN where undefined). */
  perTask: number[];
  /** Number of tasks left out of the mean. */
  skipped: number;
}

function averageDefined(perTask: number[]): TaskAverage {
  const defined = perTask.filter((v) => !Number.isNaN(v));
  const mean = defined.length === 0 ? Number.NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
  return { mean, perTask, skipped: perTask.length - defined.length };
}

/** metricPerTask, then the mean over the tasks where it is defined, with the count of skipped tasks. */
export function averageOverTasks(metric: MetricFunction, predictions: Values, targets: Values, tasks: number): TaskAverage {
  return averageDefined(metricPerTask(metric, predictions, targets, tasks));
}

/** Named metric values per task and averaged over tasks. */
export interface MetricReport {
  /** perTask[taskName][metricName]; NaN where undefined. */
  perTask: Record<string, Record<string, number>>;
  /** mean[metricName] over the tasks where the metric is defined (NaN when none). */
  mean: Record<string, number>;
  /** skipped[metricName]: how many tasks the mean left out. */
  skipped: Record<string, number>;
}

export interface ComputeMetricsOptions {
  /** Task names, T of them (the columns of the matrices). */
  tasks: readonly string[];
  /** Binary decision threshold on the predictions (probabilities). Default 0.5. */
  threshold?: number;
}

/**
 * Every metric of a task kind, per task and averaged.
 * - binary: predictions [N, T] probabilities, targets [N, T] 0/1 (NaN = missing)
 * - multiclass: predictions [N, T, C] row-major class scores (probabilities or logits; [N, C]
 *   for one task), targets [N, T] class indices (NaN or negative, e.g. -100, = missing);
 *   the predicted class is the row argmax
 * - regression: predictions and targets [N, T] (NaN target = missing)
 */
export function computeMetrics(kind: MetricTask, predictions: Values, targets: Values, options: ComputeMetricsOptions): MetricReport {
  const { tasks, threshold = 0.5 } = options;
  const names = metricNames(kind);
  if (tasks.length === 0) throw new InputError('expected at least one task name, got none');
  if (new Set(tasks).size !== tasks.length) throw new InputError(`expected distinct task names, got ${tasks.join(', ')}`);
  const T = tasks.length;
  let metrics: Record<string, MetricFunction> = { ...METRICS[kind] };
  let columns: (task: number) => { predictions: Float64Array; targets: Float64Array };
  if (kind === 'multiclass') {
    if (targets.length === 0 || targets.length % T !== 0) {
      throw new InputError(`expected an (N, ${T}) target matrix of class indices, got ${targets.length} values`);
    }
    const n = targets.length / T;
    const classes = predictions.length / (n * T);
    if (!Number.isInteger(classes) || classes < 1) {
      throw new InputError(`expected an (N, T, C) = (${n}, ${T}, C) score matrix, got ${predictions.length} values`);
    }
    const predicted = argmaxRows(predictions, classes);
    columns = (task) => observedColumn(predicted, targets, T, task, true);
  } else {
    checkMatrices(predictions, targets, T);
    if (kind === 'binary' && threshold !== 0.5) {
      metrics = {
        ...metrics,
        accuracy: (p, t) => binaryAccuracy(p, t, threshold),
        f1: (p, t) => binaryF1(p, t, threshold),
        mcc: (p, t) => binaryMcc(p, t, threshold),
      };
    }
    columns = (task) => observedColumn(predictions, targets, T, task);
  }
  const values: Record<string, number[]> = Object.fromEntries(names.map((m) => [m, [] as number[]]));
  for (let task = 0; task < T; task++) {
    const column = columns(task);
    for (const m of names) {
      values[m]!.push(column.targets.length === 0 ? Number.NaN : metrics[m]!(column.predictions, column.targets));
    }
  }
  const report: MetricReport = { perTask: {}, mean: {}, skipped: {} };
  tasks.forEach((name, task) => {
    report.perTask[name] = Object.fromEntries(names.map((m) => [m, values[m]![task]!]));
  });
  for (const m of names) {
    const average = averageDefined(values[m]!);
    report.mean[m] = average.mean;
    report.skipped[m] = average.skipped;
  }
  return report;
}
