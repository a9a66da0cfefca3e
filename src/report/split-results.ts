/**
 * How a model did on a data split, as HTML: the metrics table, then by task kind a ROC and a
 * precision-recall chart per task (binary; AUROC and average precision in the legends), the
 * confusion matrix (multiclass) or predicted against observed per output (regression, profile
 * counts, reconstruction).
 */
import { precisionRecallCurve, rocCurve, thin } from './curves.js';
import { formatValue } from './page.js';
import { escapeHtml, lineChart } from './svg.js';

export type ReportTaskKind = 'binary' | 'multiclass' | 'regression' | 'profile' | 'reconstruction';

export interface ReportMetrics {
  /** perTask[task][metric]; NaN where undefined. */
  perTask: Readonly<Record<string, Readonly<Record<string, number>>>>;
  mean: Readonly<Record<string, number>>;
}

export interface SplitResults {
  kind: ReportTaskKind;
  /** Prediction columns: tasks, or classes for multiclass. */
  outputs: readonly string[];
  /** [N, outputs] row-major (probabilities for classification). */
  predictions: Float32Array;
  /** [N, tasks] row-major: 0/1 labels, class indices (multiclass, [N]) or values; NaN = missing. */
  targets: Float32Array;
  report: ReportMetrics;
  loss: number;
}

/** Charts drawn at most (one or two per task); the metrics table lists every task. */
const MAX_TASK_CHARTS = 12;

export function metricsTable(report: ReportMetrics, loss: number): string {
  const names = Object.keys(report.mean);
  const rows = Object.entries(report.perTask).slice(0, 200);
  const head = `<tr><th>task</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr>`;
  const body = rows.map(([task, m]) => `<tr><td>${escapeHtml(task)}</td>${names.map((n) => `<td>${formatValue(m[n])}</td>`).join('')}</tr>`).join('');
  const mean = `<tr><th>mean</th>${names.map((n) => `<th>${formatValue(report.mean[n])}</th>`).join('')}</tr>`;
  const more = Object.keys(report.perTask).length > rows.length ? `<p class="muted">First ${rows.length} of ${Object.keys(report.perTask).length} tasks.</p>` : '';
  return `<table class="metrics">${head}${body}${mean}</table>${more}<p class="muted">loss ${formatValue(loss)}</p>`;
}

function column(values: Float32Array, width: number, j: number): Float32Array {
  return Float32Array.from({ length: values.length / width }, (_, i) => values[i * width + j]!);
}

function moreNote(shown: number, total: number, what: string): string {
  return total > shown ? `<p class="muted">${what} of the first ${shown} of ${total} tasks.</p>` : '';
}

function binaryCurves(results: SplitResults, split: string): string {
  const T = results.outputs.length;
  const shown = results.outputs.slice(0, MAX_TASK_CHARTS);
  const figures = shown.map((name, t) => {
    const scores = column(results.predictions, T, t);
    const labels = column(results.targets, T, t);
    const metrics = results.report.perTask[name] ?? {};
    const labelled = labels.filter((y) => !Number.isNaN(y));
    const positives = labelled.reduce((n, y) => n + (y > 0.5 ? 1 : 0), 0) / (labelled.length || 1);
    const common = { xDomain: [0, 1] as [number, number], yDomain: [0, 1] as [number, number], width: 360, height: 280 };
    const roc = lineChart([{ name: `AUROC ${formatValue(metrics.auroc)}`, points: thin(rocCurve(scores, labels).points) }], {
      ...common,
      title: `${name}: ROC (${split})`,
      xLabel: 'false positive rate',
      yLabel: 'true positive rate',
      reference: [0, 0, 1, 1],
      legend: 'bottom-right',
      chartKind: 'roc',
    });
    const pr = lineChart([{ name: `AP ${formatValue(metrics.auprc)}`, points: thin(precisionRecallCurve(scores, labels).points) }], {
      ...common,
      title: `${name}: precision-recall (${split})`,
      xLabel: 'recall',
      yLabel: 'precision',
      reference: [0, positives, 1, positives],
      legend: 'bottom-left',
      chartKind: 'pr',
    });
    return `<figure class="task-curves charts" data-task="${escapeHtml(name)}">${roc}${pr}</figure>`;
  });
  return `${figures.join('\n')}${moreNote(shown.length, T, 'Curves')}<p class="muted">Dashed: chance (ROC) and the fraction of positives (precision-recall).</p>`;
}

function confusionMatrix(results: SplitResults): string {
  const C = results.outputs.length;
  const counts = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const n = results.targets.length;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (results.predictions[i * C + c]! > results.predictions[i * C + best]!) best = c;
    const truth = results.targets[i]!;
    if (truth >= 0 && truth < C) counts[truth]![best]!++;
  }
  const max = Math.max(1, ...counts.flat());
  const head = `<tr><th>true \\ predicted</th>${results.outputs.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = counts
    .map((row, r) => `<tr><th>${escapeHtml(results.outputs[r]!)}</th>${row.map((v) => `<td style="background:rgba(31,119,180,${(v / max).toFixed(2)})">${v}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="confusion">${head}${body}</table>`;
}

function scatters(results: SplitResults, split: string): string {
  const T = results.outputs.length;
  const n = results.targets.length / T;
  const step = Math.max(1, Math.floor(n / 2000));
  const shown = results.outputs.slice(0, MAX_TASK_CHARTS);
  const charts = shown.map((name, t) => {
    const points: [number, number][] = [];
    for (let i = 0; i < n; i += step) points.push([results.targets[i * T + t]!, results.predictions[i * T + t]!]);
    const finite = points.flat().filter(Number.isFinite);
    const lo = finite.length ? Math.min(...finite) : 0;
    const hi = finite.length ? Math.max(...finite) : 1;
    const pearson = results.report.perTask[name]?.pearson;
    return lineChart([{ name: `pearson ${formatValue(pearson)}`, scatter: true, points }], {
      title: `${name}: predicted vs observed (${split})`,
      xLabel: 'observed',
      yLabel: 'predicted',
      width: 360,
      height: 300,
      ...(hi > lo ? { xDomain: [lo, hi] as [number, number], yDomain: [lo, hi] as [number, number], reference: [lo, lo, hi, hi] as [number, number, number, number] } : {}),
      legend: 'bottom-right',
      chartKind: 'scatter',
    });
  });
  const sampled = step > 1 ? `<p class="muted">Every ${step}th of ${n} examples drawn.</p>` : '';
  return `<div class="charts">${charts.join('')}</div>${moreNote(shown.length, T, 'Charts')}${sampled}`;
}

/** The metrics table and the charts of the task kind. `split` names the split in chart titles (e.g. "test"). */
export function splitResultsSection(results: SplitResults, split: string): string {
  const charts = results.kind === 'binary' ? binaryCurves(results, split) : results.kind === 'multiclass' ? confusionMatrix(results) : scatters(results, split);
  return `${metricsTable(results.report, results.loss)}\n${charts}`;
}
