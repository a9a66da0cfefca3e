/**
 * report.html of a training run: learning curves, then the test and validation splits (metrics,
 * ROC / PR curves per task, confusion matrix or predicted vs observed; see split-results.ts).
 */
import { htmlPage } from './page.js';
import { metricsTable, splitResultsSection, type ReportMetrics, type ReportTaskKind } from './split-results.js';
import { escapeHtml, lineChart, type Series } from './svg.js';

export type { ReportMetrics } from './split-results.js';

export interface TrainingReportInput {
  title: string;
  task: ReportTaskKind;
  outputs: readonly string[];
  /** One record per epoch: epoch, train_loss, val_loss, val_<metric>. */
  history: readonly Readonly<Record<string, number>>[];
  monitor: string;
  bestEpoch: number | null;
  test: { predictions: Float32Array; targets: Float32Array; report: ReportMetrics; loss: number };
  validation: { report: ReportMetrics; loss: number };
}

/** Loss (train and validation) and the monitored validation metric by epoch. */
export function learningCurves(history: readonly Readonly<Record<string, number>>[], monitor: string): string {
  const epochs = history.map((r) => r.epoch ?? Number.NaN);
  const loss: Series[] = [
    { name: 'train loss', points: history.map((r, i) => [epochs[i]!, r.train_loss ?? Number.NaN]) },
    { name: 'validation loss', points: history.map((r, i) => [epochs[i]!, r.val_loss ?? Number.NaN]) },
  ];
  const key = `val_${monitor}`;
  const metric: Series[] = [{ name: `validation ${monitor}`, points: history.map((r, i) => [epochs[i]!, r[key] ?? Number.NaN]) }];
  return (
    lineChart(loss, { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', chartKind: 'learning-curve' }) +
    lineChart(metric, { title: `Validation ${monitor}`, xLabel: 'epoch', yLabel: monitor, chartKind: 'learning-curve' })
  );
}

/** "Task: binary, 2 outputs. Best epoch by validation auroc: 3 of 5." */
export function trainingSummary(task: string, outputs: number, monitor: string, bestEpoch: number | null, epochs: number): string {
  return `Task: ${escapeHtml(task)}, ${outputs} output${outputs === 1 ? '' : 's'}. Best epoch by validation ${escapeHtml(monitor)}: ${bestEpoch ?? '–'} of ${epochs}.`;
}

export function renderTrainingReport(input: TrainingReportInput): string {
  const test = { kind: input.task, outputs: input.outputs, ...input.test };
  return htmlPage(
    input.title,
    `<h1>${escapeHtml(input.title)}</h1>
<p>${trainingSummary(input.task, input.outputs.length, input.monitor, input.bestEpoch, input.history.length)}</p>
<h2>Learning curves</h2><div class="charts">${learningCurves(input.history, input.monitor)}</div>
<h2>Test set</h2>${splitResultsSection(test, 'test')}
<h2>Validation set</h2>${metricsTable(input.validation.report, input.validation.loss)}`,
  );
}
