/**
 * report.html of a training run: learning curves, metrics tables, ROC and PR curves per task
 * (binary), confusion matrix (multiclass), predicted vs observed (regression).
 * Self-contained: inline SVG and CSS, no scripts or network.
 */
import { writeFileAtomic } from '../io/atomic-write.js';
import { precisionRecallCurve, rocCurve, thin } from './curves.js';
import { escapeHtml, lineChart, type Series } from './svg.js';

export interface ReportMetrics {
  perTask: Record<string, Record<string, number>>;
  mean: Record<string, number>;
}

export interface TrainingReportInput {
  title: string;
  task: 'binary' | 'multiclass' | 'regression' | 'profile' | 'reconstruction';
  outputs: readonly string[];
  history: readonly Record<string, number>[];
  monitor: string;
  bestEpoch: number | null;
  test: { predictions: Float32Array; targets: Float32Array; report: ReportMetrics; loss: number };
  validation: { report: ReportMetrics; loss: number };
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart text{font-size:11px;fill:#333}.chart .chart-title{font-size:13px;font-weight:600}.muted{color:#777}`;

function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '–' : Math.abs(v) >= 1000 ? v.toExponential(3) : v.toFixed(4);
}

function metricsTable(report: ReportMetrics, loss: number): string {
  const names = Object.keys(report.mean);
  const rows = Object.entries(report.perTask).slice(0, 200);
  const head = `<tr><th>task</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr>`;
  const body = rows.map(([task, m]) => `<tr><td>${escapeHtml(task)}</td>${names.map((n) => `<td>${fmt(m[n])}</td>`).join('')}</tr>`).join('');
  const mean = `<tr><th>mean</th>${names.map((n) => `<th>${fmt(report.mean[n])}</th>`).join('')}</tr>`;
  return `<table class="metrics">${head}${body}${mean}</table><p class="muted">loss ${fmt(loss)}</p>`;
}

function learningCurves(input: TrainingReportInput): string {
  const epochs = input.history.map((r) => r.epoch!);
  const loss: Series[] = [
    { name: 'train loss', points: input.history.map((r, i) => [epochs[i]!, r.train_loss!]) },
    { name: 'validation loss', points: input.history.map((r, i) => [epochs[i]!, r.val_loss ?? Number.NaN]) },
  ];
  const key = `val_${input.monitor}`;
  const metric: Series[] = [{ name: `validation ${input.monitor}`, points: input.history.map((r, i) => [epochs[i]!, r[key] ?? Number.NaN]) }];
  return (
    lineChart(loss, { title: 'Loss', xLabel: 'epoch', yLabel: 'loss' }) +
    lineChart(metric, { title: `Validation ${input.monitor}`, xLabel: 'epoch', yLabel: input.monitor })
  );
}

function column(values: Float32Array, width: number, j: number): Float32Array {
  return Float32Array.from({ length: values.length / width }, (_, i) => values[i * width + j]!);
}

function binaryCurves(input: TrainingReportInput): string {
  const T = input.outputs.length;
  const shown = input.outputs.slice(0, 10);
  const roc: Series[] = shown.map((name, t) => ({ name, points: thin(rocCurve(column(input.test.predictions, T, t), column(input.test.targets, T, t)).points) }));
  const pr: Series[] = shown.map((name, t) => ({ name, points: thin(precisionRecallCurve(column(input.test.predictions, T, t), column(input.test.targets, T, t)).points) }));
  const more = T > shown.length ? `<p class="muted">Curves of the first ${shown.length} of ${T} tasks.</p>` : '';
  return (
    `<div class="charts">${lineChart(roc, { title: 'ROC (test)', xLabel: 'false positive rate', yLabel: 'true positive rate', xDomain: [0, 1], yDomain: [0, 1], reference: [0, 0, 1, 1] })}` +
    `${lineChart(pr, { title: 'Precision-recall (test)', xLabel: 'recall', yLabel: 'precision', xDomain: [0, 1], yDomain: [0, 1] })}</div>${more}`
  );
}

function confusionMatrix(input: TrainingReportInput): string {
  const C = input.outputs.length;
  const counts = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const n = input.test.targets.length;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (input.test.predictions[i * C + c]! > input.test.predictions[i * C + best]!) best = c;
    const truth = input.test.targets[i]!;
    if (truth >= 0 && truth < C) counts[truth]![best]!++;
  }
  const max = Math.max(1, ...counts.flat());
  const head = `<tr><th>true \\ predicted</th>${input.outputs.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = counts
    .map((row, r) => `<tr><th>${escapeHtml(input.outputs[r]!)}</th>${row.map((v) => `<td style="background:rgba(31,119,180,${(v / max).toFixed(2)})">${v}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="confusion">${head}${body}</table>`;
}

function regressionScatter(input: TrainingReportInput): string {
  const T = input.outputs.length;
  const n = input.test.targets.length / T;
  const step = Math.max(1, Math.floor(n / 2000));
  const series: Series[] = input.outputs.slice(0, 3).map((name, t) => ({
    name,
    scatter: true,
    points: Array.from({ length: Math.ceil(n / step) }, (_, k) => [input.test.targets[k * step * T + t]!, input.test.predictions[k * step * T + t]!] as [number, number]),
  }));
  return lineChart(series, { title: 'Predicted vs observed (test)', xLabel: 'observed', yLabel: 'predicted' });
}

export function renderTrainingReport(input: TrainingReportInput): string {
  const taskSection =
    input.task === 'binary' ? binaryCurves(input) : input.task === 'multiclass' ? confusionMatrix(input) : regressionScatter(input);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Task: ${input.task}, ${input.outputs.length} output${input.outputs.length === 1 ? '' : 's'}. Best epoch by validation ${escapeHtml(input.monitor)}: ${input.bestEpoch ?? '–'} of ${input.history.length}.</p>
<h2>Learning curves</h2><div class="charts">${learningCurves(input)}</div>
<h2>Test set</h2>${metricsTable(input.test.report, input.test.loss)}
${taskSection}
<h2>Validation set</h2>${metricsTable(input.validation.report, input.validation.loss)}
<p class="muted">Written by Strand on ${new Date().toISOString()}.</p>
</body></html>
`;
}

export function writeTrainingReport(path: string, input: TrainingReportInput): void {
  writeFileAtomic(path, renderTrainingReport(input));
}
