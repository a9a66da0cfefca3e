/**
 * The parts of report.html only a training run has: its learning curves and a one-line summary.
 * The test and validation splits are drawn by split-results.ts; the page is put together by
 * folder-report.ts from the run's files.
 */
import { escapeHtml, lineChart, type Series } from './svg.js';

/** Loss (train and validation) and the monitored validation metric by epoch; records as in log.jsonl. */
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
