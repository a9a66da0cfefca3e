/**
 * Regression targets from bigWig signal tracks (one file a task), per genomic window:
 * - 'center':  the mean over the window's central bin of `bin` bases -> `[N, T]`;
 * - 'bins':    the mean over consecutive bins of `binSize` bases across the window -> `[N, T, L / binSize]`;
 * - 'profile': the value at every base (BPNet) -> `[N, T, L]`.
 *
 * Bases without data (no bigWig record, outside the chromosome, or on a chromosome the bigWig
 * lacks) follow `missing`: 'zero' counts them as 0 (default); 'skip' leaves them out of the
 * means, and windows with any output that has no data at all (NaN) are dropped (`kept`
 * lists the windows kept, in order).
 *
 *   const t = await bigWigTargets(windows, { tracks: [{ name: 'dnase', path: 'dnase.bw' }], mode: 'bins', binSize: 50 });
 *   // t.values: Float32Array [N, 1, L / 50]; t.shape; t.kept
 */
import { InputError } from '../core/errors.js';
import type { GenomicInterval } from '../genomics/intervals.js';
import { openBigWig, type BigWigFile } from '../io/bigwig.js';
import type { WindowTargets } from './genomic-batches.js';
import { centralBin } from './interval-dataset.js';

export interface BigWigTrack {
  name: string;
  path: string;
}

export interface BigWigTargetOptions {
  /** One task a track. */
  tracks: readonly BigWigTrack[];
  /** Default 'center'. */
  mode?: 'center' | 'bins' | 'profile';
  /** 'center': length of the central bin. Default 200. */
  bin?: number;
  /** 'bins': bin length; must divide the window length. */
  binSize?: number;
  /** Bases without data: 'zero' (default) or 'skip' (see the module comment). */
  missing?: 'zero' | 'skip';
  /** Windows read at once per track (async reads in flight). Default 16. */
  concurrency?: number;
}

export interface BigWigTargetReport {
  /** Per track: windows on chromosomes the bigWig does not have (all bases missing), and a few names. */
  tracks: { name: string; missingChromosome: number; missingChromosomeExamples: string[] }[];
  /** Windows dropped by missing: 'skip'. */
  dropped: number;
  warnings: string[];
}

export interface BigWigTargets extends WindowTargets {
  values: Float32Array;
  /** `[kept.length, T]`, `[kept.length, T, bins]` or `[kept.length, T, L]`. */
  shape: number[];
  tasks: string[];
  /** Indices of the windows the rows belong to (all windows unless missing: 'skip' dropped some). */
  kept: number[];
  report: BigWigTargetReport;
}

/** The per-base values of `[start, end)` (may reach outside the chromosome; NaN there and where there is no data). */
async function windowValues(bw: BigWigFile, chrom: string, start: number, end: number): Promise<Float32Array | undefined> {
  const size = bw.chromSizes.get(chrom);
  if (size === undefined) return undefined;
  const s = Math.max(0, start);
  const e = Math.min(size, end);
  if (s === start && e === end) return bw.values(chrom, start, end);
  const out = new Float32Array(end - start).fill(Number.NaN);
  if (e > s) out.set(await bw.values(chrom, s, e), s - start);
  return out;
}

/** Means of `values[from + k * size, + size)` for k < count into out[at + k]; NaN bases skipped or zero. */
function binMeans(values: Float32Array | undefined, from: number, size: number, count: number, zero: boolean, out: Float32Array, at: number): void {
  for (let k = 0; k < count; k++) {
    let sum = 0;
    let covered = 0;
    if (values !== undefined) {
      for (let i = from + k * size; i < from + (k + 1) * size; i++) {
        const v = values[i]!;
        if (!Number.isNaN(v)) {
          sum += v;
          covered++;
        }
      }
    }
    out[at + k] = zero ? sum / size : covered > 0 ? sum / covered : Number.NaN;
  }
}

/**
 * Targets for `windows` (all of one length L) from `options.tracks`; see the module comment.
 * Throws InputError for bad options or windows of different lengths; a bigWig that cannot be
 * read is an InputError (missing) or FormatError (corrupt).
 */
export async function bigWigTargets(windows: readonly GenomicInterval[], options: BigWigTargetOptions): Promise<BigWigTargets> {
  const mode = options.mode ?? 'center';
  const missing = options.missing ?? 'zero';
  const concurrency = options.concurrency ?? 16;
  if (!['center', 'bins', 'profile'].includes(mode)) throw new InputError(`mode must be 'center', 'bins' or 'profile', got '${String(mode)}'`);
  if (missing !== 'zero' && missing !== 'skip') throw new InputError(`missing must be 'zero' or 'skip', got '${String(missing)}'`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`concurrency must be a positive integer, got ${concurrency}`);
  if (options.tracks.length === 0) throw new InputError('expected at least one bigWig track');
  const names = new Set<string>();
  for (const t of options.tracks) {
    if (!t.name) throw new InputError('every bigWig track needs a non-empty name');
    if (names.has(t.name)) throw new InputError(`track name '${t.name}' is used twice`);
    names.add(t.name);
  }
  const N = windows.length;
  const L = N > 0 ? windows[0]!.end - windows[0]!.start : 0;
  windows.forEach((w, i) => {
    if (!Number.isSafeInteger(w.start) || w.end - w.start !== L || L <= 0) {
      throw new InputError(`window ${i} (${w.chrom}:${w.start}-${w.end}) is not ${L} bases long like window 0; all windows must have one positive length`);
    }
  });
  let perTask: number;
  let binStart = 0;
  let binLength = 0;
  if (mode === 'center') {
    const bin = options.bin ?? 200;
    if (!Number.isInteger(bin) || bin < 1 || (N > 0 && bin > L)) throw new InputError(`bin must be an integer in [1, ${L}] (the window length), got ${bin}`);
    perTask = 1;
    binLength = bin;
    binStart = N > 0 ? centralBin(windows[0]!, bin).start - windows[0]!.start : 0;
  } else if (mode === 'bins') {
    const binSize = options.binSize;
    if (binSize === undefined || !Number.isInteger(binSize) || binSize < 1 || (N > 0 && L % binSize !== 0)) {
      throw new InputError(`binSize must be a positive integer dividing the window length ${L}, got ${String(binSize)}`);
    }
    perTask = L / binSize;
    binLength = binSize;
  } else {
    perTask = L;
  }
  const T = options.tracks.length;
  const values = new Float32Array(N * T * perTask);
  const zero = missing === 'zero';
  const report: BigWigTargetReport = { tracks: [], dropped: 0, warnings: [] };

  for (let t = 0; t < T; t++) {
    const track = options.tracks[t]!;
    const bw = await openBigWig(track.path);
    const absent = new Set<string>();
    let absentWindows = 0;
    try {
      for (let from = 0; from < N; from += concurrency) {
        const to = Math.min(N, from + concurrency);
        const reads = await Promise.all(windows.slice(from, to).map((w) => windowValues(bw, w.chrom, w.start, w.end)));
        reads.forEach((v, k) => {
          const i = from + k;
          const at = (i * T + t) * perTask;
          if (v === undefined) {
            absentWindows++;
            absent.add(windows[i]!.chrom);
          }
          if (mode === 'profile') {
            if (v === undefined) values.fill(zero ? 0 : Number.NaN, at, at + L);
            else for (let p = 0; p < L; p++) values[at + p] = zero && Number.isNaN(v[p]!) ? 0 : v[p]!;
          } else {
            binMeans(v, binStart, binLength, perTask, zero, values, at);
          }
        });
      }
    } finally {
      await bw.close();
    }
    report.tracks.push({ name: track.name, missingChromosome: absentWindows, missingChromosomeExamples: [...absent].slice(0, 5) });
    if (absentWindows > 0) {
      report.warnings.push(`${track.path}: ${absentWindows} windows are on chromosome(s) the bigWig does not have (e.g. ${[...absent].slice(0, 5).join(', ')}); their values are ${zero ? '0' : 'missing'}`);
    }
  }

  const row = T * perTask;
  let kept = Array.from({ length: N }, (_, i) => i);
  let out = values;
  if (!zero) {
    kept = kept.filter((i) => !values.subarray(i * row, (i + 1) * row).some(Number.isNaN));
    report.dropped = N - kept.length;
    if (report.dropped > 0) {
      out = new Float32Array(kept.length * row);
      kept.forEach((i, k) => out.set(values.subarray(i * row, (i + 1) * row), k * row));
      report.warnings.push(`${report.dropped} of ${N} windows have outputs without any bigWig data and were dropped (missing: 'skip')`);
    }
  }
  const shape = mode === 'center' ? [kept.length, T] : [kept.length, T, perTask];
  return { values: out, shape, tasks: options.tracks.map((t) => t.name), kept, report };
}
