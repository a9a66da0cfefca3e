/**
 * Training progress on the terminal: a bar with loss, rate and ETA on a TTY; plain lines
 * (at most one per 10% of an epoch and per 10 s, and each epoch's summary) when output is a
 * file or a pipe.
 */
import cliProgress from 'cli-progress';
import type { FitEvent } from '../train/fit.js';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Force plain lines even on a TTY. */
  plain?: boolean;
}

function formatRecord(record: Record<string, number>): string {
  return Object.entries(record)
    .filter(([k]) => k !== 'epoch')
    .map(([k, v]) => `${k} ${k === 'lr' ? v.toPrecision(3) : k === 'seconds' ? v.toFixed(1) : v.toFixed(4)}`)
    .join('  ');
}

/** An onEvent handler for fit() that reports progress on `stream` (default stderr). */
export function progressReporter(options: ProgressOptions = {}): (event: FitEvent) => void {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true && options.plain !== true;
  let bar: cliProgress.SingleBar | null = null;
  let epochStart = 0;
  let startStep = 0;
  let lastReported = 0;
  let lastReportTime = 0;
  const line = (text: string) => stream.write(`${text}\n`);

  return (event) => {
    switch (event.type) {
      case 'resume':
        line(`resuming from ${event.path}: epoch ${event.epoch + 1}, batch ${event.step + 1}`);
        break;
      case 'epoch-start':
        epochStart = Date.now();
        startStep = event.from;
        lastReported = event.from;
        lastReportTime = Date.now();
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              stream,
              format: `epoch ${event.epoch}/${event.epochs} {bar} {value}/{total} batches  loss {loss}  {rate} batch/s  ETA {eta_formatted}`,
              barsize: 24,
              hideCursor: true,
              clearOnComplete: true,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.batches, event.from, { loss: '-', rate: '-' });
        }
        break;
      case 'step': {
        const seconds = (Date.now() - epochStart) / 1000;
        const rate = seconds > 0 ? (event.step - startStep) / seconds : 0;
        if (bar) {
          bar.update(event.step, { loss: event.loss.toFixed(4), rate: rate.toFixed(1) });
        } else if (event.step - lastReported >= Math.max(1, Math.ceil(event.batches / 10)) && Date.now() - lastReportTime >= 10_000) {
          // Plain lines: at most one per 10% of the epoch and per 10 s, so logs stay short.
          lastReported = event.step;
          lastReportTime = Date.now();
          const eta = rate > 0 ? (event.batches - event.step) / rate : 0;
          line(`epoch ${event.epoch} batch ${event.step}/${event.batches}  loss ${event.loss.toFixed(4)}  ${rate.toFixed(1)} batch/s  ETA ${eta.toFixed(0)} s`);
        }
        break;
      }
      case 'epoch-end':
        bar?.stop();
        bar = null;
        line(`epoch ${event.record.epoch}  ${formatRecord(event.record)}${event.improved ? '  *' : ''}`);
        break;
      case 'early-stop':
        line(`early stop after epoch ${event.epoch}: ${event.metric} has not improved (best ${event.best.toFixed(4)})`);
        break;
      case 'checkpoint':
        break;
    }
  };
}

export interface CountProgress {
  /** Sets the number of items done so far. */
  update(done: number): void;
  /** Ends the bar (the caller prints its own summary). */
  stop(): void;
}

/**
 * Progress of `total` items (unknown total: rate only): a bar with rate and ETA on a TTY,
 * otherwise a plain line at most every 10 s.
 */
/** Runs `fn` (synchronous) under a `countProgress` it reports to, and stops the progress however fn ends. */
export function withCountProgress<T>(label: string, unit: string, total: number, fn: (update: (done: number) => void) => T): T {
  const progress = countProgress(label, unit, total);
  try {
    return fn((done) => progress.update(done));
  } finally {
    progress.stop();
  }
}

export function countProgress(label: string, unit: string, total: number | undefined, options: ProgressOptions = {}): CountProgress {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const rate = (done: number) => done / Math.max(1e-3, (Date.now() - started) / 1000);
  if (stream.isTTY === true && options.plain !== true) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: total === undefined ? `${label} {value} ${unit}  {rate} ${unit}/s` : `${label} {bar} {value}/{total} ${unit}  {rate} ${unit}/s  ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total ?? 0, 0, { rate: '-' });
    return { update: (done) => bar.update(done, { rate: rate(done).toFixed(0) }), stop: () => bar.stop() };
  }
  let lastReport = started;
  return {
    update(done) {
      if (Date.now() - lastReport < 10_000) return;
      lastReport = Date.now();
      const r = rate(done);
      const eta = total === undefined || r <= 0 ? '' : `  ETA ${Math.max(0, (total - done) / r).toFixed(0)} s`;
      stream.write(`${label} ${done}${total === undefined ? '' : `/${total}`} ${unit}  ${r.toFixed(0)} ${unit}/s${eta}\n`);
    },
    stop() {},
  };
}
