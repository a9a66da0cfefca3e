/**
 * Evaluation metrics on plain arrays (number[] or typed arrays; no tensors), each matching
 * scikit-learn / SciPy on the same numbers. Arguments are (predictions, targets), as auroc.
 *
 * Undefined values: a metric is NaN when the targets do not allow it (one class only for
 * AUROC, AUPRC, F1, MCC; constant targets for R²; a constant input for Pearson / Spearman, as
 * SciPy). Where scikit-learn returns an arbitrary 0 or 1 in those cases (F1 and MCC with one
 * target class, R² with constant targets) we return NaN, so that averages over tasks
 * (metric-registry.ts) skip them. Empty inputs and NaN predictions throw InputError.
 */
import { InputError } from '../core/errors.js';

type Values = ArrayLike<number>;

function checkPair(predictions: Values, targets: Values, what = 'targets'): void {
  if (predictions.length !== targets.length) {
    throw new InputError(`expected as many ${what} as predictions, got ${targets.length} and ${predictions.length}`);
  }
  if (predictions.length === 0) throw new InputError('expected at least one prediction, got none');
  for (let i = 0; i < predictions.length; i++) {
    if (Number.isNaN(predictions[i])) throw new InputError(`expected predictions without NaN, got NaN at ${i}`);
  }
}

function checkLabels(labels: Values, name = 'labels'): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) throw new InputError(`expected non-negative integer class ${name}, got ${v} at ${i}`);
  }
}

function countPositives(labels: Values): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > 0.5) positives++;
  return positives;
}

// ---------------------------------------------------------------------------------------------
// Ranking metrics (binary labels, real-valued scores)

/**
 * Area under the ROC curve (ties get half credit, as the Mann-Whitney U statistic).
 * Labels > 0.5 are positive. NaN when only one class is present.
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length) {
    throw new InputError(`expected as many labels as scores, got ${labels.length} and ${scores.length}`);
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]! > 0.5) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Area under the precision-recall curve as average precision, scikit-learn's
 * `average_precision_score`: sum over score thresholds (high to low, tied scores one
 * threshold) of (R_k - R_{k-1}) P_k; a step function, not the trapezoid rule.
 * Labels > 0.5 are positive. NaN when there are no positives.
 */
export function averagePrecision(scores: Values, labels: Values): number {
  checkPair(scores, labels, 'labels');
  const positives = countPositives(labels);
  if (positives === 0) return Number.NaN;
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]! > 0.5) tp++;
      else fp++;
      j++;
    }
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
    i = j;
  }
  return ap;
}

/** Alias of averagePrecision (the AUPRC reported by Strand is average precision). */
export const auprc = averagePrecision;

// ---------------------------------------------------------------------------------------------
// Class-label metrics

/** Counts by (true class, predicted class). */
export interface ConfusionMatrix {
  /** Number of classes C. */
  classes: number;
  /** counts[t][p]: examples of true class t predicted as p (rows true, columns predicted, as scikit-learn). */
  counts: number[][];
}

/**
 * The confusion matrix of predicted against true class indices.
 * @param predicted class indices [N]
 * @param labels true class indices [N]
 * @param classes C; default 1 + the largest index seen
 */
export function confusionMatrix(predicted: Values, labels: Values, classes?: number): ConfusionMatrix {
  checkPair(predicted, labels, 'labels');
  checkLabels(predicted, 'predictions');
  checkLabels(labels);
  let c = classes ?? 0;
  if (classes === undefined) {
    for (let i = 0; i < labels.length; i++) c = Math.max(c, predicted[i]! + 1, labels[i]! + 1);
  } else if (!Number.isInteger(classes) || classes < 1) {
    throw new InputError(`expected a positive integer number of classes, got ${classes}`);
  }
  const counts = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    if (t >= c || p >= c) throw new InputError(`expected class indices below ${c}, got ${Math.max(t, p)} at ${i}`);
    counts[t]![p]!++;
  }
  return { classes: c, counts };
}

/** Fraction of predicted class indices equal to the true ones. */
export function accuracy(predicted: Values, labels: Values): number {
  checkPair(predicted, labels, 'labels');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** 1 where score >= threshold, else 0 (scores are probabilities by default: threshold 0.5). */
export function thresholdScores(scores: Values, threshold = 0.5): Uint8Array {
  return Uint8Array.from({ length: scores.length }, (_, i) => (scores[i]! >= threshold ? 1 : 0));
}

function binaryLabels(labels: Values): Uint8Array {
  return Uint8Array.from({ length: labels.length }, (_, i) => (labels[i]! > 0.5 ? 1 : 0));
}

/** Accuracy of binary scores thresholded at `threshold` (default 0.5) against labels (> 0.5 positive). */
export function binaryAccuracy(scores: Values, labels: Values, threshold = 0.5): number {
  checkPair(scores, labels, 'labels');
  return accuracy(thresholdScores(scores, threshold), binaryLabels(labels));
}

export type F1Average = 'binary' | 'macro' | 'micro';

/** F1 from binary counts: 2 TP / (2 TP + FP + FN); NaN when there is no positive label. */
function f1FromCounts(tp: number, fp: number, fn: number): number {
  return tp + fn === 0 ? Number.NaN : (2 * tp) / (2 * tp + fp + fn);
}

/**
 * F1 score of predicted class indices, scikit-learn's `f1_score`:
 * - 'binary': F1 of class 1, 2 TP / (2 TP + FP + FN); NaN when no label is 1 (scikit-learn: 0);
 * - 'macro' (default): unweighted mean of per-class F1 over the classes present in labels or
 *   predictions (a class that is only predicted counts as 0), as scikit-learn without `labels`;
 * - 'micro': F1 of the pooled counts (equals accuracy for single-label data).
 */
export function f1Score(predicted: Values, labels: Values, average: F1Average = 'macro'): number {
  const { counts, classes } = confusionMatrix(predicted, labels);
  const tp = (k: number) => counts[k]![k]!;
  const fp = (k: number) => counts.reduce((s, row, t) => s + (t === k ? 0 : row[k]!), 0);
  const fn = (k: number) => counts[k]!.reduce((s, v, p) => s + (p === k ? 0 : v), 0);
  if (average === 'binary') {
    if (classes > 2) throw new InputError(`expected 0/1 labels for binary F1, got class ${classes - 1}`);
    return classes < 2 ? Number.NaN : f1FromCounts(tp(1), fp(1), fn(1));
  }
  let sumTp = 0;
  let sumErrors = 0;
  let sumF1 = 0;
  let present = 0;
  for (let k = 0; k < classes; k++) {
    const denominator = 2 * tp(k) + fp(k) + fn(k);
    sumTp += tp(k);
    sumErrors += fp(k) + fn(k);
    if (denominator === 0) continue;
    sumF1 += (2 * tp(k)) / denominator;
    present++;
  }
  return average === 'micro' ? (2 * sumTp) / (2 * sumTp + sumErrors) : sumF1 / present;
}

/** Binary F1 of scores thresholded at `threshold` (default 0.5); NaN when no label is positive (> 0.5). */
export function binaryF1(scores: Values, labels: Values, threshold = 0.5): number {
  checkPair(scores, labels, 'labels');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i]! >= threshold;
    const actual = labels[i]! > 0.5;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
  }
  return f1FromCounts(tp, fp, fn);
}

/**
 * Matthews correlation coefficient of class indices (binary or multi-class), scikit-learn's
 * `matthews_corrcoef` (Gorodkin's R_K). NaN when the labels hold one class only; 0 when the
 * predictions are all one class (as scikit-learn).
 */
export function mcc(predicted: Values, labels: Values): number {
  const { counts, classes } = confusionMatrix(predicted, labels);
  const n = labels.length;
  let correct = 0;
  let sumTP = 0;
  let sumPP = 0;
  let sumTT = 0;
  let labelClasses = 0;
  for (let k = 0; k < classes; k++) {
    correct += counts[k]![k]!;
    const trueK = counts[k]!.reduce((s, v) => s + v, 0);
    const predK = counts.reduce((s, row) => s + row[k]!, 0);
    if (trueK > 0) labelClasses++;
    sumTP += trueK * predK;
    sumPP += predK * predK;
    sumTT += trueK * trueK;
  }
  if (labelClasses < 2) return Number.NaN;
  const denominator = Math.sqrt(n * n - sumPP) * Math.sqrt(n * n - sumTT);
  return denominator === 0 ? 0 : (correct * n - sumTP) / denominator;
}

/** MCC of binary scores thresholded at `threshold` (default 0.5) against labels (> 0.5 positive). */
export function binaryMcc(scores: Values, labels: Values, threshold = 0.5): number {
  checkPair(scores, labels, 'labels');
  return mcc(thresholdScores(scores, threshold), binaryLabels(labels));
}

/** Row-wise argmax of an [N, C] row-major score matrix: predicted class indices [N] (first maximum on ties). */
export function argmaxRows(scores: Values, classes: number): Int32Array {
  if (!Number.isInteger(classes) || classes < 1 || scores.length % classes !== 0) {
    throw new InputError(`expected an (N, ${classes}) score matrix, got ${scores.length} values`);
  }
  const n = scores.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (scores[i * classes + k]! > scores[i * classes + best]!) best = k;
    out[i] = best;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Regression metrics

/** Pearson correlation; NaN when either input is constant (as scipy.stats.pearsonr). */
export function pearson(predictions: Values, targets: Values): number {
  checkPair(predictions, targets);
  const n = predictions.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += predictions[i]!;
    my += targets[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = predictions[i]! - mx;
    const dy = targets[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0 || isConstant(predictions) || isConstant(targets)) return Number.NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

function isConstant(values: Values): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Ranks 1..N with ties given their average rank (scipy.stats.rankdata 'average'). */
export function averageRanks(values: Values): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Spearman rank correlation (Pearson of average ranks); NaN when either input is constant (as scipy.stats.spearmanr). */
export function spearman(predictions: Values, targets: Values): number {
  checkPair(predictions, targets);
  return pearson(averageRanks(predictions), averageRanks(targets));
}

/**
 * Coefficient of determination, scikit-learn's `r2_score(targets, predictions)`:
 * 1 - sum (y - p)^2 / sum (y - mean y)^2. NaN when the targets are constant
 * (scikit-learn's force_finite=False; its default returns 1 or 0 there).
 */
export function r2Score(predictions: Values, targets: Values): number {
  checkPair(predictions, targets);
  const n = targets.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += targets[i]!;
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += (targets[i]! - predictions[i]!) ** 2;
    total += (targets[i]! - mean) ** 2;
  }
  if (total === 0 || isConstant(targets)) return Number.NaN;
  return 1 - residual / total;
}

/** Mean squared error. */
export function meanSquaredError(predictions: Values, targets: Values): number {
  checkPair(predictions, targets);
  let s = 0;
  for (let i = 0; i < targets.length; i++) s += (targets[i]! - predictions[i]!) ** 2;
  return s / targets.length;
}
