/**
 * Metrics against scikit-learn / SciPy on the same numbers (random with ties, imbalanced,
 * perfect, constant), all in one Python call; undefined and invalid cases by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { Random } from '../../src/data/random.js';
import { averageOverTasks, computeMetrics, higherIsBetter, metricNames, metricPerTask } from '../../src/train/metric-registry.js';
import {
  accuracy,
  argmaxRows,
  auroc,
  averagePrecision,
  averageRanks,
  binaryAccuracy,
  binaryF1,
  binaryMcc,
  confusionMatrix,
  f1Score,
  mcc,
  meanSquaredError,
  pearson,
  r2Score,
  spearman,
} from '../../src/train/metrics.js';
import { runPython } from '../helpers/pytorch.js';

const rng = new Random(2024);
const uniform = (n: number) => Array.from({ length: n }, () => rng.next());
const round = (xs: number[], step: number) => xs.map((x) => Math.round(x / step) * step);

// ------------------------------------------------------------------ inputs

function binaryCases(): Record<string, { s: number[]; y: number[] }> {
  const tied = round(uniform(400), 0.05);
  const imbalancedScores = uniform(300);
  return {
    randomTies: { s: tied, y: tied.map((s) => (s + 0.6 * rng.next() > 0.8 ? 1 : 0)) },
    imbalanced: { s: imbalancedScores, y: imbalancedScores.map((s) => (s > 0.6 && rng.next() < 0.12 ? 1 : 0)) },
    perfect: { s: [0.1, 0.2, 0.45, 0.55, 0.9, 0.95], y: [0, 0, 0, 1, 1, 1] },
    inverted: { s: [0.9, 0.8, 0.3, 0.2], y: [0, 0, 1, 1] },
    constantScores: { s: new Array(10).fill(0.7), y: [0, 1, 0, 0, 1, 1, 0, 1, 0, 0] },
    allBelowThreshold: { s: round(uniform(50), 0.01).map((s) => s * 0.49), y: Array.from({ length: 50 }, (_, i) => i % 3 === 0 ? 1 : 0) },
    thresholdBoundary: { s: [0.5, 0.5, 0.2, 0.7, 0.5], y: [1, 0, 0, 1, 1] },
    allPositive: { s: uniform(20), y: new Array(20).fill(1) },
  };
}

function multiclassCases(): Record<string, { p: number[]; y: number[] }> {
  const y = Array.from({ length: 300 }, () => rng.int(4));
  return {
    random: { p: y.map((c) => (rng.next() < 0.6 ? c : rng.int(4))), y },
    onlyPredicted: { p: Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 3 : i % 3)), y: Array.from({ length: 60 }, (_, i) => (i % 5 === 0 ? (i + 1) % 3 : i % 3)) },
    neverPredicted: { p: Array.from({ length: 40 }, (_, i) => i % 2), y: Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? 2 : i % 2 === 0 || i % 5 === 0 ? 0 : 1)) },
    perfect: { p: [0, 1, 2, 2, 1, 0], y: [0, 1, 2, 2, 1, 0] },
    // Class 1 appears in neither: macro F1 averages over classes 0, 2, 3 only (scikit-learn's unique_labels).
    gapClass: { p: [0, 2, 3, 3, 0, 2, 2, 0], y: [0, 2, 2, 3, 3, 2, 0, 0] },
    constantPrediction: { p: new Array(8).fill(1), y: [0, 1, 2, 1, 0, 2, 1, 1] },
    binary: { p: y.map((c) => (c % 2 === 0 ? 0 : 1)).map((c) => (rng.next() < 0.2 ? 1 - c : c)), y: y.map((c) => c % 2) },
  };
}

function regressionCases(): Record<string, { p: number[]; y: number[] }> {
  const y = round(uniform(200).map((u) => u * 10), 0.5);
  return {
    randomTies: { p: y.map((v) => Math.round(v + 3 * rng.next())), y },
    negative: { p: y.map((v) => -v + 4 * rng.next()), y },
    perfect: { p: [1, 2, 3, 4.5], y: [1, 2, 3, 4.5] },
    largeOffset: { p: y.map((v) => 1e6 + v + rng.next()), y: y.map((v) => 1e6 + v) },
  };
}

/** [N, T] row-major matrices with NaN (missing) labels; task 2 has one observed class only. */
function binaryMatrix(): { s: number[]; y: (number | null)[]; n: number; t: number } {
  const n = 120;
  const t = 4;
  const s: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < t; j++) {
      const score = round([rng.next()], 0.02)[0]!;
      s.push(score);
      let label = score + 0.5 * rng.next() > 0.7 ? 1 : 0;
      if (j === 2) label = 0;
      y.push(rng.next() < 0.15 ? Number.NaN : label);
    }
  }
  return { s, y: y.map((v) => (Number.isNaN(v) ? null : v)), n, t };
}

function regressionMatrix(): { p: number[]; y: (number | null)[] } {
  const p: number[] = [];
  const y: (number | null)[] = [];
  for (let i = 0; i < 80; i++) {
    for (let j = 0; j < 3; j++) {
      const v = Math.round(rng.next() * 20) / 2;
      y.push(rng.next() < 0.2 ? null : j === 2 ? 7 : v);
      p.push(v + (j + 1) * (rng.next() - 0.5) * 3);
    }
  }
  return { p, y };
}

/** [N, T=2, C=3] scores and [N, 2] class labels with NaN and -100 missing. */
function multiclassMatrix(): { scores: number[]; y: (number | null)[] } {
  const scores: number[] = [];
  const y: (number | null)[] = [];
  for (let i = 0; i < 90; i++) {
    for (let j = 0; j < 2; j++) {
      const label = rng.int(3);
      const r = rng.next();
      y.push(r < 0.1 ? null : r < 0.15 ? -100 : label);
      for (let c = 0; c < 3; c++) scores.push(rng.next() + (c === label ? 0.4 : 0));
    }
  }
  return { scores, y };
}

const nanOf = (v: number | null) => (v === null ? Number.NaN : v);

// ------------------------------------------------------------------ the one Python call

const PY = `
import numpy as np
from scipy import stats
from sklearn import metrics as M
def clean(v):
    v = float(v)
    return None if math.isnan(v) else v
def binary(s, y, threshold=0.5):
    s = np.asarray(s, float); y = np.asarray(y, int); pred = (s >= threshold).astype(int)
    two = len(np.unique(y)) == 2
    return {'auroc': M.roc_auc_score(y, s) if two else None,
            'auprc': M.average_precision_score(y, s) if y.sum() > 0 else None,
            'accuracy': M.accuracy_score(y, pred),
            'f1': M.f1_score(y, pred, zero_division=0) if y.sum() > 0 else None,
            'mcc': M.matthews_corrcoef(y, pred) if two else None}
def regression(p, y):
    p = np.asarray(p, float); y = np.asarray(y, float)
    defined = np.ptp(p) > 0 and np.ptp(y) > 0
    return {'pearson': stats.pearsonr(p, y)[0] if defined else None,
            'spearman': stats.spearmanr(p, y).correlation if defined else None,
            'r2': M.r2_score(y, p, force_finite=False) if np.ptp(y) > 0 else None,
            'mse': M.mean_squared_error(y, p)}
def multiclass(p, y):
    p = np.asarray(p, int); y = np.asarray(y, int)
    return {'accuracy': M.accuracy_score(y, p), 'f1Macro': M.f1_score(y, p, average='macro', zero_division=0),
            'f1Micro': M.f1_score(y, p, average='micro'),
            'mcc': M.matthews_corrcoef(y, p) if len(np.unique(y)) > 1 else None}
def nanmean(rows, names):
    out = {}
    for m in names:
        v = [r[m] for r in rows if r[m] is not None]
        out[m] = float(np.mean(v)) if v else None
    return out
result = {'binary': {}, 'multiclass': {}, 'regression': {}}
for k, c in inputs['binary'].items():
    result['binary'][k] = binary(c['s'], c['y'])
for k, c in inputs['multiclass'].items():
    r = multiclass(c['p'], c['y'])
    C = max(max(c['p']), max(c['y'])) + 1
    r['confusion'] = M.confusion_matrix(c['y'], c['p'], labels=list(range(C))).tolist()
    if C == 2:
        r['f1Binary'] = M.f1_score(c['y'], c['p'])
    result['multiclass'][k] = r
for k, c in inputs['regression'].items():
    result['regression'][k] = regression(c['p'], c['y'])
    result['regression'][k]['ranks'] = stats.rankdata(c['p']).tolist()

bm = inputs['binaryMatrix']
S = np.asarray(bm['s'], float).reshape(bm['n'], bm['t'])
Y = np.asarray([np.nan if v is None else v for v in bm['y']], float).reshape(bm['n'], bm['t'])
rows = []
for j in range(bm['t']):
    m = ~np.isnan(Y[:, j])
    rows.append(binary(S[m, j], Y[m, j]))
rows035 = []
for j in range(bm['t']):
    m = ~np.isnan(Y[:, j])
    rows035.append(binary(S[m, j], Y[m, j], 0.35))
names = ['auroc', 'auprc', 'accuracy', 'f1', 'mcc']
result['binaryMatrix'] = {'perTask': rows, 'mean': nanmean(rows, names), 'perTask035': rows035}

rm = inputs['regressionMatrix']
P = np.asarray(rm['p'], float).reshape(-1, 3)
Y = np.asarray([np.nan if v is None else v for v in rm['y']], float).reshape(-1, 3)
rows = []
for j in range(3):
    m = ~np.isnan(Y[:, j])
    rows.append(regression(P[m, j], Y[m, j]))
result['regressionMatrix'] = {'perTask': rows, 'mean': nanmean(rows, ['pearson', 'spearman', 'r2', 'mse'])}

cm = inputs['multiclassMatrix']
S = np.asarray(cm['scores'], float).reshape(-1, 2, 3)
Y = np.asarray([np.nan if v is None else v for v in cm['y']], float).reshape(-1, 2)
rows = []
for j in range(2):
    m = ~np.isnan(Y[:, j]) & (Y[:, j] >= 0)
    rows.append(multiclass(S[m, j].argmax(-1), Y[m, j].astype(int)))
result['multiclassMatrix'] = {'perTask': rows, 'mean': nanmean(rows, ['accuracy', 'f1Macro', 'f1Micro', 'mcc'])}

def scrub(x):
    if isinstance(x, dict): return {k: scrub(v) for k, v in x.items()}
    if isinstance(x, list): return [scrub(v) for v in x]
    if isinstance(x, (float, np.floating)): return clean(x)
    if isinstance(x, np.integer): return int(x)
    return x
result = scrub(result)
`;

type Row = Record<string, number | null>;
interface MulticlassRow {
  accuracy: number;
  f1Macro: number;
  f1Micro: number;
  mcc: number | null;
  confusion: number[][];
  f1Binary?: number;
}
interface RegressionRow {
  pearson: number | null;
  spearman: number | null;
  r2: number | null;
  mse: number;
  ranks: number[];
}
interface Expected {
  binary: Record<string, Row>;
  multiclass: Record<string, MulticlassRow>;
  regression: Record<string, RegressionRow>;
  binaryMatrix: { perTask: Row[]; mean: Row; perTask035: Row[] };
  regressionMatrix: { perTask: Row[]; mean: Row };
  multiclassMatrix: { perTask: Row[]; mean: Row };
}

function near(actual: number, expected: number | null | undefined, message: string, tol = 1e-10): void {
  if (expected === null || expected === undefined) {
    assert.ok(Number.isNaN(actual), `${message}: expected NaN (undefined), got ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${message}: got ${actual}, expected ${expected}`);
}

test('every metric equals scikit-learn / SciPy on the same numbers', (t) => {
  const binary = binaryCases();
  const multiclass = multiclassCases();
  const regression = regressionCases();
  const bm = binaryMatrix();
  const rm = regressionMatrix();
  const cm = multiclassMatrix();
  const expected = runPython<Expected>(
    PY,
    { binary, multiclass, regression, binaryMatrix: bm, regressionMatrix: rm, multiclassMatrix: cm },
    ['numpy', 'scipy.stats', 'sklearn.metrics'],
  );
  if (expected === null) return t.skip('python3-sklearn / scipy not installed');

  for (const [name, { s, y }] of Object.entries(binary)) {
    const e = expected.binary[name]!;
    near(auroc(s, y), e.auroc, `${name} auroc`);
    near(averagePrecision(s, y), e.auprc, `${name} average precision`);
    near(binaryAccuracy(s, y), e.accuracy, `${name} accuracy`);
    near(binaryF1(s, y), e.f1, `${name} f1`);
    near(binaryMcc(s, y), e.mcc, `${name} mcc`);
    near(binaryMcc(Float32Array.from(s), Float32Array.from(y)), e.mcc, `${name} mcc on Float32Array`, 1e-6);
  }
  for (const [name, { p, y }] of Object.entries(multiclass)) {
    const e: MulticlassRow = expected.multiclass[name]!;
    near(accuracy(p, y), e.accuracy, `${name} accuracy`);
    near(f1Score(p, y, 'macro'), e.f1Macro, `${name} macro F1`);
    near(f1Score(p, y, 'micro'), e.f1Micro, `${name} micro F1`);
    near(mcc(p, y), e.mcc, `${name} mcc`);
    assert.deepEqual(confusionMatrix(p, y).counts, e.confusion, `${name} confusion matrix`);
    if (e.f1Binary !== undefined) near(f1Score(p, y, 'binary'), e.f1Binary, `${name} binary F1`);
  }
  for (const [name, { p, y }] of Object.entries(regression)) {
    const e: RegressionRow = expected.regression[name]!;
    near(pearson(p, y), e.pearson, `${name} pearson`, 1e-9);
    near(spearman(p, y), e.spearman, `${name} spearman`, 1e-9);
    near(r2Score(p, y), e.r2, `${name} r2`, 1e-9);
    near(meanSquaredError(p, y), e.mse, `${name} mse`);
    assert.deepEqual(Array.from(averageRanks(p)), e.ranks, `${name} average ranks`);
  }

  const binaryReport = computeMetrics('binary', bm.s, bm.y.map(nanOf), { tasks: ['a', 'b', 'c', 'd'] });
  ['a', 'b', 'c', 'd'].forEach((task, j) => {
    for (const m of metricNames('binary')) near(binaryReport.perTask[task]![m]!, expected.binaryMatrix.perTask[j]![m], `binary task ${task} ${m}`);
  });
  for (const m of metricNames('binary')) near(binaryReport.mean[m]!, expected.binaryMatrix.mean[m], `binary mean ${m}`);
  assert.deepEqual(binaryReport.skipped, { auroc: 1, auprc: 1, accuracy: 0, f1: 1, mcc: 1 });
  const at035 = computeMetrics('binary', bm.s, bm.y.map(nanOf), { tasks: ['a', 'b', 'c', 'd'], threshold: 0.35 });
  ['a', 'b', 'c', 'd'].forEach((task, j) => {
    for (const m of ['accuracy', 'f1', 'mcc']) near(at035.perTask[task]![m]!, expected.binaryMatrix.perTask035[j]![m], `binary@0.35 task ${task} ${m}`);
  });

  const regressionReport = computeMetrics('regression', Float32Array.from(rm.p), Float32Array.from(rm.y.map(nanOf)), { tasks: ['x', 'y', 'z'] });
  ['x', 'y', 'z'].forEach((task, j) => {
    for (const m of metricNames('regression')) near(regressionReport.perTask[task]![m]!, expected.regressionMatrix.perTask[j]![m], `regression task ${task} ${m}`, 1e-5);
  });
  for (const m of metricNames('regression')) near(regressionReport.mean[m]!, expected.regressionMatrix.mean[m], `regression mean ${m}`, 1e-5);
  assert.deepEqual(regressionReport.skipped, { pearson: 1, spearman: 1, r2: 1, mse: 0 });

  const multiclassReport = computeMetrics('multiclass', cm.scores, cm.y.map(nanOf), { tasks: ['u', 'v'] });
  ['u', 'v'].forEach((task, j) => {
    for (const m of metricNames('multiclass')) near(multiclassReport.perTask[task]![m]!, expected.multiclassMatrix.perTask[j]![m], `multiclass task ${task} ${m}`);
  });
  for (const m of metricNames('multiclass')) near(multiclassReport.mean[m]!, expected.multiclassMatrix.mean[m], `multiclass mean ${m}`);
});

test('hand-computed values: average precision, ranks, confusion matrix, argmax', () => {
  // scikit-learn's documented example: AP = (0.5 * 1) + (0.5 * 2/3) = 0.8333...
  assert.ok(Math.abs(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) - 5 / 6) < 1e-15);
  // One tied block holding both classes: precision 1/2 at recall 1.
  assert.equal(averagePrecision([0.3, 0.3], [0, 1]), 0.5);
  assert.equal(averagePrecision([0.3, 0.1, 0.2], [1, 1, 1]), 1);
  assert.deepEqual(Array.from(averageRanks([10, 20, 20, 30, 20])), [1, 3, 3, 5, 3]);
  assert.deepEqual(confusionMatrix([0, 2, 1, 1], [0, 1, 1, 2], 4), { classes: 4, counts: [[1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]] });
  assert.deepEqual(Array.from(argmaxRows([0.1, 0.7, 0.2, 0.5, 0.5, 0, 0, 0, 1], 3)), [1, 0, 2]);
  // Pearson of x and 2x + 1 is 1; of x and -x is -1; Spearman of monotone pairs is 1.
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [3, 5, 7, 9]) - 1) < 1e-15);
  assert.equal(pearson([1, 2, 3], [-1, -2, -3]), -1);
  assert.equal(spearman([1, 2, 3, 10], [0, 1, 8, 9]), 1);
  // R²: predicting the mean gives 0.
  assert.equal(r2Score([2, 2, 2], [1, 2, 3]), 0);
  // Binary threshold: >= 0.5 is positive.
  assert.equal(binaryAccuracy([0.5, 0.49], [1, 0]), 1);
});

test('undefined metrics are NaN: one class only, constant inputs, no positive labels', () => {
  for (const v of [
    auroc([0.2, 0.9], [1, 1]),
    averagePrecision([0.2, 0.9], [0, 0]),
    binaryF1([0.2, 0.9], [0, 0]),
    binaryMcc([0.2, 0.9], [1, 1]),
    mcc([0, 1, 2], [1, 1, 1]),
    pearson([1, 1, 1], [1, 2, 3]),
    pearson([1, 2, 3], [0.1, 0.1, 0.1]),
    spearman([5, 5, 5], [1, 2, 3]),
    r2Score([1, 2, 3], [2, 2, 2]),
  ]) {
    assert.ok(Number.isNaN(v));
  }
  // Defined though degenerate: constant predictions with both classes present give MCC 0, as scikit-learn.
  assert.equal(binaryMcc([0.9, 0.9, 0.9], [0, 1, 1]), 0);
  assert.equal(binaryF1([0.1, 0.1], [0, 1]), 0);
});

test('empty inputs, mismatched lengths and NaN predictions throw InputError', () => {
  const isInput = (e: unknown) => e instanceof InputError;
  for (const f of [averagePrecision, binaryAccuracy, binaryF1, binaryMcc, accuracy, mcc, pearson, spearman, r2Score, meanSquaredError]) {
    assert.throws(() => f([], []), isInput, `${f.name} on empty input`);
    assert.throws(() => f([1, 2], [1]), isInput, `${f.name} on mismatched lengths`);
  }
  assert.throws(() => pearson([1, Number.NaN], [1, 2]), /without NaN, got NaN at 1/);
  assert.throws(() => confusionMatrix([0, 1.5], [0, 1]), /non-negative integer class predictions, got 1.5 at 1/);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /class indices below 3, got 3/);
  assert.throws(() => f1Score([0, 2], [0, 1], 'binary'), /0\/1 labels for binary F1/);
  assert.throws(() => computeMetrics('binary', [], [], { tasks: ['a'] }), isInput);
  assert.throws(() => computeMetrics('binary', [0.1, 0.2, 0.3], [0, 1, 0], { tasks: ['a', 'b'] }), /\(N, 2\) target matrix, got 3 values/);
  assert.throws(() => computeMetrics('regression', [1, 2], [1, 2], { tasks: ['a', 'a'] }), /distinct task names/);
  assert.throws(() => computeMetrics('ordinal' as 'binary', [1], [1], { tasks: ['a'] }), /metric task kind/);
  assert.throws(() => computeMetrics('multiclass', [0.1, 0.2, 0.3, 0.4, 0.5], [0, 1], { tasks: ['a'] }), /\(N, T, C\) = \(2, 1, C\) score matrix, got 5 values/);
});

test('per-task helpers: NaN labels are masked per task; averages skip undefined tasks and count them', () => {
  // [N=4, T=3]; task 1 has a single observed class; task 2 has no labels at all.
  const s = [0.9, 0.2, 0.5, 0.1, 0.8, 0.5, 0.8, 0.7, 0.5, 0.3, 0.1, 0.5];
  const y = [1, 0, Number.NaN, 0, 0, Number.NaN, Number.NaN, 0, Number.NaN, 1, 0, Number.NaN];
  // task 0: scores (0.9, 0.1, 0.3) labels (1, 0, 1) -> AUROC 1; rows with NaN dropped.
  const per = metricPerTask(auroc, s, y, 3);
  assert.equal(per[0], 1);
  assert.ok(Number.isNaN(per[1]!) && Number.isNaN(per[2]!));
  assert.deepEqual(averageOverTasks(auroc, s, y, 3).skipped, 2);
  assert.equal(averageOverTasks(auroc, s, y, 3).mean, 1);
  assert.ok(Number.isNaN(averageOverTasks(auroc, [0.5], [1], 1).mean));
  const report = computeMetrics('binary', s, y, { tasks: ['t0', 't1', 't2'] });
  assert.equal(report.perTask.t0!.auroc, 1);
  assert.equal(report.skipped.auroc, 2);
  assert.equal(report.skipped.accuracy, 1);
  // accuracy at 0.5: task 0 2/3 (0.3 under the threshold), task 1 1/2; task 2 has no labels.
  assert.ok(Math.abs(report.mean.accuracy! - (2 / 3 + 1 / 2) / 2) < 1e-15);
  assert.equal(higherIsBetter('auroc'), true);
  assert.equal(higherIsBetter('mse'), false);
});

test('auroc by hand: perfect, inverted, ties, single class', () => {
  assert.equal(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(auroc([1, 2, 3], [0, 1, 1]), 1);
  assert.equal(auroc([3, 2, 1], [0, 1, 1]), 0);
  assert.equal(auroc([0.5, 0.5], [0, 1]), 0.5);
  assert.ok(Number.isNaN(auroc([1, 2], [1, 1])));
});
