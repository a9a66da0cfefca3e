/**
 * DeepSEA-style interval data sets: fixed-length genome windows labelled for many tasks at
 * once from peak files (BED / narrowPeak, one file a task), plus random genome windows as
 * negatives (optionally GC-matched to the positives).
 *
 * Label rule: a window of `window` bases is positive for a task when at least `minOverlap`
 * of its central bin (`bin` bases, `[start + floor((window - bin) / 2), + bin)`) is covered
 * by that task's peaks: covered bases >= ceil(minOverlap * bin) (bases covered by several
 * peaks count once). Every window gets a label for every task.
 *
 * Positive windows come from the peaks: centred on each peak (its narrowPeak summit, or its
 * middle by Selene's rule, see `centerWindow`), and/or tiled over the merged peak regions
 * (central bins on a genome grid of `stride` bases); duplicates are removed, and windows
 * whose labels are all 0 (peaks too narrow for the rule) are dropped and counted.
 *
 * Everything surprising is counted in `report` (peaks on chromosomes missing from the
 * genome, windows past chromosome ends, blacklisted windows, negatives that could not be
 * found) and explained in `report.warnings`, for the CLI to print.
 */
import { InputError } from '../core/errors.js';
import { centerWindow, IntervalIndex, mergeIntervals, type GenomicInterval } from '../genomics/intervals.js';
import { readBed, type BedFormat } from '../io/bed.js';
import type { Genome } from '../io/genome.js';
import type { WindowTargets } from './genomic-batches.js';
import { Random } from './random.js';
import { splitByChromosome, splitWindowsByFraction, type SplitFractions } from './splits.js';
import { countBases, readWindowBytes } from './window-reader.js';

/** A peak; `peak` is the narrowPeak summit offset from `start` (-1 or absent: none). */
export interface PeakInterval extends GenomicInterval {
  peak?: number;
}

/** One task: a name and its peaks, as a BED / narrowPeak path or as intervals. */
export interface PeakTask {
  name: string;
  peaks: string | readonly PeakInterval[];
  /** BED format of the file (default: from the name or column count; see `readBed`). */
  format?: BedFormat;
}

export interface IntervalDatasetOptions {
  tasks: readonly PeakTask[];
  /** Window length in bases. Default 1000. */
  window?: number;
  /** Length of the central bin that decides the labels, <= window. Default 200. */
  bin?: number;
  /** Fraction of the central bin a task's peaks must cover, in (0, 1]. Default 0.5. */
  minOverlap?: number;
  /** Positive windows centred on each peak, tiled over merged peak regions, or both. Default 'center'. */
  positives?: 'center' | 'tile' | 'both';
  /** Centre on the narrowPeak summit when the peak has one ('summit', default) or always on the middle. */
  center?: 'summit' | 'middle';
  /** Tiling: central bins start on multiples of `stride` bases. Default `bin`. */
  stride?: number;
  /** Windows reaching past a chromosome end: dropped ('skip', default) or kept and read with N there ('pad'). */
  outOfBounds?: 'skip' | 'pad';
  /** Use only these chromosomes (peaks elsewhere are counted and left out; negatives are drawn from them). Default all. */
  chromosomes?: readonly string[];
  /** Negatives per positive window (rounded). Default 1. 0 for none. */
  negativeRatio?: number;
  /** Match the negatives' GC-content histogram to the positives'. Default false. */
  gcMatch?: boolean;
  /** Equal-width GC-fraction bins over [0, 1] for matching. Default 20. */
  gcBins?: number;
  /** Largest fraction of N bases in a negative window, in [0, 1]. Default 0.1. */
  maxN?: number;
  /** Regions no window may overlap (ENCODE blacklist): a path to a BED file or intervals. Applies to positives too. */
  blacklist?: string | readonly GenomicInterval[];
  /** Reject negatives that overlap any peak of any task. Default true. */
  excludePeaks?: boolean;
  /** Random candidate windows drawn at most while looking for negatives. Default max(10000, 50 x wanted). */
  maxAttempts?: number;
  /** Seed of the negative sampling. Default 0. */
  seed?: number;
}

/** What happened to one task's peaks. */
export interface TaskReport {
  name: string;
  /** The peak file, when read from a path. */
  file?: string;
  /** Peaks given. */
  peaks: number;
  /** Peaks on chromosomes missing from the genome (left out). */
  missingChromosome: number;
  /** A few of those chromosome names. */
  missingChromosomeExamples: string[];
  /** Peaks on genome chromosomes not selected by `chromosomes` (left out). */
  outsideChromosomes: number;
  /** Windows of the data set labelled 1 for this task. */
  positiveWindows: number;
}

export interface IntervalDatasetReport {
  tasks: TaskReport[];
  /** Windows made from peaks (the first `peakWindows` windows). */
  peakWindows: number;
  /** Random negative windows (the rest). */
  negatives: number;
  /** Negatives wanted: round(negativeRatio x peakWindows). */
  negativesWanted: number;
  /** Peak windows dropped as duplicates of another. */
  duplicates: number;
  /** Peak windows dropped for reaching past a chromosome end ('skip'). */
  pastEndSkipped: number;
  /** Peak windows kept past a chromosome end and padded with N ('pad'). */
  pastEndPadded: number;
  /** Peak windows dropped for overlapping the blacklist. */
  blacklisted: number;
  /** Peak windows dropped because no task reaches the overlap threshold in their central bin. */
  unlabelled: number;
  /** Random candidates drawn while looking for negatives, and why they were rejected. */
  candidates: { drawn: number; tooManyN: number; blacklisted: number; overlapsPeak: number; duplicate: number; gcBinFull: number };
  /** GC-fraction histograms (with `gcMatch`): bin edges (gcBins + 1) and counts. */
  gc?: { edges: number[]; positives: number[]; negatives: number[] };
  /** Human-readable notes on anything dropped or short. */
  warnings: string[];
}

export interface IntervalDataset {
  /** Windows, `window` bases each: peak windows first (sorted by genome order), then negatives (sorted). */
  windows: GenomicInterval[];
  /** Labels, `[windows.length, tasks.length]` row-major, 0 or 1. */
  labels: Uint8Array;
  tasks: string[];
  window: number;
  bin: number;
  report: IntervalDatasetReport;
}

const EXAMPLES = 5;
const READ_CHUNK = 256;

interface Settings {
  window: number;
  bin: number;
  minOverlap: number;
  positives: 'center' | 'tile' | 'both';
  center: 'summit' | 'middle';
  stride: number;
  outOfBounds: 'skip' | 'pad';
  negativeRatio: number;
  gcMatch: boolean;
  gcBins: number;
  maxN: number;
  excludePeaks: boolean;
  maxAttempts: number | undefined;
  seed: number;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InputError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function settings(options: IntervalDatasetOptions): Settings {
  const window = positiveInteger(options.window ?? 1000, 'window');
  const bin = positiveInteger(options.bin ?? 200, 'bin');
  if (bin > window) throw new InputError(`bin (${bin}) must be at most window (${window})`);
  const minOverlap = options.minOverlap ?? 0.5;
  if (!(minOverlap > 0 && minOverlap <= 1)) throw new InputError(`minOverlap must be a fraction in (0, 1], got ${minOverlap}`);
  const positives = options.positives ?? 'center';
  if (!['center', 'tile', 'both'].includes(positives)) throw new InputError(`positives must be 'center', 'tile' or 'both', got '${String(positives)}'`);
  const center = options.center ?? 'summit';
  if (center !== 'summit' && center !== 'middle') throw new InputError(`center must be 'summit' or 'middle', got '${String(center)}'`);
  const stride = positiveInteger(options.stride ?? bin, 'stride');
  const outOfBounds = options.outOfBounds ?? 'skip';
  if (outOfBounds !== 'skip' && outOfBounds !== 'pad') throw new InputError(`outOfBounds must be 'skip' or 'pad', got '${String(outOfBounds)}'`);
  const negativeRatio = options.negativeRatio ?? 1;
  if (!(negativeRatio >= 0) || !Number.isFinite(negativeRatio)) throw new InputError(`negativeRatio must be a number >= 0, got ${negativeRatio}`);
  const gcBins = positiveInteger(options.gcBins ?? 20, 'gcBins');
  const maxN = options.maxN ?? 0.1;
  if (!(maxN >= 0 && maxN <= 1)) throw new InputError(`maxN must be a fraction in [0, 1], got ${maxN}`);
  const maxAttempts = options.maxAttempts;
  if (maxAttempts !== undefined) positiveInteger(maxAttempts, 'maxAttempts');
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new InputError(`seed must be a finite number, got ${seed}`);
  return {
    window, bin, minOverlap, positives, center, stride, outOfBounds, negativeRatio,
    gcMatch: options.gcMatch ?? false, gcBins, maxN, excludePeaks: options.excludePeaks ?? true, maxAttempts, seed,
  };
}

/** The central bin of a window: `[start + floor((length - bin) / 2), + bin)`. */
export function centralBin(window: GenomicInterval, bin: number): { start: number; end: number } {
  const start = window.start + Math.floor((window.end - window.start - bin) / 2);
  return { start, end: start + bin };
}

/** Bases of the central bin a task's peaks must cover: ceil(minOverlap x bin), at least 1. */
export function requiredOverlap(bin: number, minOverlap: number): number {
  return Math.max(1, Math.ceil(minOverlap * bin - 1e-9));
}

interface TaggedPeak extends GenomicInterval {
  task: number;
}

/**
 * Labels windows for many tasks at once: one index over every task's peaks (tagged with the
 * task), so a window costs one O(log n + k) query for its k overlapping peaks, whatever the
 * number of tasks (DeepSEA has 919).
 */
export class WindowLabeller {
  readonly tasks: number;
  readonly bin: number;
  /** Bases of the central bin a task must cover. */
  readonly required: number;
  #index: IntervalIndex<TaggedPeak>;

  /** `taskPeaks[t]`: the peaks of task t. */
  constructor(taskPeaks: readonly (readonly GenomicInterval[])[], options: { bin: number; minOverlap: number }) {
    positiveInteger(options.bin, 'bin');
    if (!(options.minOverlap > 0 && options.minOverlap <= 1)) throw new InputError(`minOverlap must be a fraction in (0, 1], got ${options.minOverlap}`);
    this.tasks = taskPeaks.length;
    this.bin = options.bin;
    this.required = requiredOverlap(options.bin, options.minOverlap);
    this.#index = new IntervalIndex(taskPeaks.flatMap((peaks, task) => peaks.map((p) => ({ chrom: p.chrom, start: p.start, end: p.end, task }))));
  }

  /** Whether any peak of any task overlaps `[start, end)` of `chrom`. */
  overlapsAnyPeak(chrom: string, start: number, end: number): boolean {
    return this.#index.hasOverlap(chrom, start, end);
  }

  /** Labels `[N, T]` row-major: 1 where the task's peaks cover >= `required` bases of the window's central bin. */
  label(windows: readonly GenomicInterval[]): Uint8Array {
    const T = this.tasks;
    const labels = new Uint8Array(windows.length * T);
    const covered = new Map<number, { end: number; bases: number }>();
    windows.forEach((w, i) => {
      const bin = centralBin(w, this.bin);
      covered.clear();
      // peaks come sorted by start: the union per task is a sweep
      for (const p of this.#index.overlapping(w.chrom, bin.start, bin.end)) {
        const s = Math.max(p.start, bin.start);
        const e = Math.min(p.end, bin.end);
        const c = covered.get(p.task);
        if (c === undefined) covered.set(p.task, { end: e, bases: e - s });
        else if (e > c.end) {
          c.bases += e - Math.max(s, c.end);
          c.end = e;
        }
      }
      for (const [task, c] of covered) if (c.bases >= this.required) labels[i * T + task] = 1;
    });
    return labels;
  }
}

/**
 * Labels of `windows` for each task: `[N, T]` row-major, 1 where task t's peaks
 * (`taskPeaks[t]`) cover at least `requiredOverlap(bin, minOverlap)` bases of the window's
 * central bin (overlapping peaks count once).
 */
export function labelWindows(
  windows: readonly GenomicInterval[], taskPeaks: readonly (readonly GenomicInterval[])[], options: { bin: number; minOverlap: number },
): Uint8Array {
  return new WindowLabeller(taskPeaks, options).label(windows);
}

interface LoadedTask {
  name: string;
  file?: string;
  peaks: PeakInterval[];
  report: TaskReport;
}

function list(names: Iterable<string>, max = EXAMPLES): string {
  const all = [...names];
  return all.slice(0, max).join(', ') + (all.length > max ? ', ...' : '');
}

async function loadTask(task: PeakTask, sizes: ReadonlyMap<string, number>, allowed: ReadonlySet<string>, warnings: string[]): Promise<LoadedTask> {
  const file = typeof task.peaks === 'string' ? task.peaks : undefined;
  const peaks: readonly PeakInterval[] = typeof task.peaks === 'string'
    ? await readBed(task.peaks, task.format === undefined ? {} : { format: task.format })
    : task.peaks;
  const where = file === undefined ? `task '${task.name}'` : `task '${task.name}' (${file})`;
  const report: TaskReport = {
    name: task.name, peaks: peaks.length, missingChromosome: 0, missingChromosomeExamples: [], outsideChromosomes: 0, positiveWindows: 0,
  };
  if (file !== undefined) report.file = file;
  const missing = new Set<string>();
  const usable: PeakInterval[] = [];
  peaks.forEach((p, i) => {
    if (!Number.isSafeInteger(p.start) || !Number.isSafeInteger(p.end) || p.start < 0 || p.end < p.start) {
      throw new InputError(`${where}: peak ${i + 1} ${p.chrom}:${p.start}-${p.end} needs integer 0 <= start <= end`);
    }
    if (!sizes.has(p.chrom)) {
      report.missingChromosome++;
      missing.add(p.chrom);
    } else if (!allowed.has(p.chrom)) {
      report.outsideChromosomes++;
    } else {
      usable.push(p);
    }
  });
  report.missingChromosomeExamples = [...missing].slice(0, EXAMPLES);
  if (peaks.length > 0 && report.missingChromosome === peaks.length) {
    const genomeNames = [...sizes.keys()];
    const first = [...missing][0]!;
    const alternative = first.startsWith('chr') ? first.slice(3) : `chr${first}`;
    const hint = sizes.has(alternative) ? `; the genome has '${alternative}': do the names differ by a 'chr' prefix?` : '';
    throw new InputError(
      `${where}: none of the ${peaks.length} peaks is on a chromosome of the genome ` +
      `(peak chromosomes: ${list(missing)}; genome chromosomes: ${list(genomeNames)})${hint}`,
    );
  }
  if (report.missingChromosome > 0) {
    warnings.push(`${where}: ${report.missingChromosome} of ${peaks.length} peaks are on ${missing.size} chromosome(s) missing from the genome and were left out (e.g. ${list(missing)})`);
  }
  if (report.outsideChromosomes > 0) {
    warnings.push(`${where}: ${report.outsideChromosomes} peaks are on chromosomes not selected by 'chromosomes' and were left out`);
  }
  if (peaks.length === 0) warnings.push(`${where}: no peaks`);
  const loaded: LoadedTask = { name: task.name, peaks: usable, report };
  if (file !== undefined) loaded.file = file;
  return loaded;
}

/** The positive windows from the peaks (before bounds, blacklist and label checks), deduplicated. */
function peakWindows(tasks: readonly LoadedTask[], s: Settings): { windows: GenomicInterval[]; duplicates: number } {
  const seen = new Set<string>();
  const windows: GenomicInterval[] = [];
  let duplicates = 0;
  const add = (chrom: string, start: number): void => {
    const key = `${chrom}\t${start}`;
    if (seen.has(key)) {
      duplicates++;
      return;
    }
    seen.add(key);
    windows.push({ chrom, start, end: start + s.window });
  };
  if (s.positives !== 'tile') {
    for (const task of tasks) {
      for (const p of task.peaks) {
        if (s.center === 'summit' && p.peak !== undefined && p.peak >= 0) {
          add(p.chrom, p.start + p.peak - Math.floor(s.window / 2));
        } else {
          add(p.chrom, centerWindow({ chrom: p.chrom, start: p.start, end: p.end }, s.window).start);
        }
      }
    }
  }
  if (s.positives !== 'center') {
    const flank = Math.floor((s.window - s.bin) / 2);
    const regions = mergeIntervals(tasks.flatMap((t) => t.peaks));
    for (const r of regions) {
      // central bins [b, b + bin) on the stride grid that overlap the region
      const first = Math.max(0, Math.floor((r.start - s.bin) / s.stride) + 1) * s.stride;
      for (let b = first; b < r.end; b += s.stride) {
        if (b + s.bin > r.start) add(r.chrom, b - flank);
      }
    }
  }
  return { windows, duplicates };
}

function compareWindows(order: ReadonlyMap<string, number>): (a: GenomicInterval, b: GenomicInterval) => number {
  return (a, b) => order.get(a.chrom)! - order.get(b.chrom)! || a.start - b.start;
}

/** GC fraction of each window (NaN when it has no A/C/G/T), and its N count. */
async function baseStats(genome: Genome, windows: readonly GenomicInterval[], length: number): Promise<{ gc: Float64Array; n: Int32Array }> {
  const gc = new Float64Array(windows.length);
  const n = new Int32Array(windows.length);
  const bytes = new Uint8Array(READ_CHUNK * length);
  for (let from = 0; from < windows.length; from += READ_CHUNK) {
    const chunk = windows.slice(from, from + READ_CHUNK);
    await readWindowBytes(genome, chunk, length, bytes, 0);
    for (let i = 0; i < chunk.length; i++) {
      const c = countBases(bytes, i * length, (i + 1) * length);
      gc[from + i] = c.acgt > 0 ? c.gc / c.acgt : Number.NaN;
      n[from + i] = c.n;
    }
  }
  return { gc, n };
}

function gcBinOf(gc: number, bins: number): number {
  return Math.min(bins - 1, Math.floor(gc * bins));
}

/** `total` split over bins in proportion to `counts`, by largest remainder (ties to lower bins). */
export function proportionalQuotas(counts: readonly number[], total: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum === 0) return counts.map(() => 0);
  const raw = counts.map((c) => (c * total) / sum);
  const quotas = raw.map(Math.floor);
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const order = raw.map((_, i) => i).sort((a, b) => (raw[b]! - quotas[b]!) - (raw[a]! - quotas[a]!) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    quotas[i]!++;
    left--;
  }
  return quotas;
}

/**
 * Builds an interval data set (see the module comment) from `genome` and the peak files of
 * `options.tasks`.
 *
 * Errors (InputError): bad options; duplicate or empty task names; a task whose peaks are
 * ALL on chromosomes missing from the genome (names listed, with a 'chr' prefix hint);
 * `chromosomes` naming an unknown chromosome; no chromosome long enough for one window when
 * negatives are wanted. A malformed peak or blacklist file is a FormatError (file, line, field).
 */
export async function buildIntervalDataset(genome: Genome, options: IntervalDatasetOptions): Promise<IntervalDataset> {
  const s = settings(options);
  if (options.tasks.length === 0) throw new InputError('expected at least one task');
  const names = new Set<string>();
  for (const task of options.tasks) {
    if (typeof task.name !== 'string' || task.name.length === 0) throw new InputError('every task needs a non-empty name');
    if (names.has(task.name)) throw new InputError(`task name '${task.name}' is used twice`);
    names.add(task.name);
  }
  const sizes = genome.chromosomes();
  const order = new Map([...sizes.keys()].map((name, i) => [name, i]));
  const allowed = new Set<string>(options.chromosomes ?? sizes.keys());
  for (const chrom of allowed) {
    if (!sizes.has(chrom)) throw new InputError(`chromosomes: '${chrom}' is not in ${genome.path} (it has ${sizes.size}: ${list(sizes.keys())})`);
  }

  const warnings: string[] = [];
  const tasks: LoadedTask[] = [];
  for (const task of options.tasks) tasks.push(await loadTask(task, sizes, allowed, warnings));
  const blacklist = options.blacklist === undefined
    ? undefined
    : new IntervalIndex(typeof options.blacklist === 'string' ? await readBed(options.blacklist) : options.blacklist);
  const labeller = new WindowLabeller(tasks.map((t) => t.peaks), s);

  // Positive windows.
  const report: IntervalDatasetReport = {
    tasks: tasks.map((t) => t.report), peakWindows: 0, negatives: 0, negativesWanted: 0, duplicates: 0,
    pastEndSkipped: 0, pastEndPadded: 0, blacklisted: 0, unlabelled: 0,
    candidates: { drawn: 0, tooManyN: 0, blacklisted: 0, overlapsPeak: 0, duplicate: 0, gcBinFull: 0 },
    warnings,
  };
  const made = peakWindows(tasks, s);
  report.duplicates = made.duplicates;
  const inBounds: GenomicInterval[] = [];
  for (const w of made.windows) {
    const size = sizes.get(w.chrom)!;
    if (w.start < 0 || w.end > size) {
      if (s.outOfBounds === 'skip') {
        report.pastEndSkipped++;
        continue;
      }
      report.pastEndPadded++;
    }
    if (blacklist?.hasOverlap(w.chrom, w.start, w.end)) {
      report.blacklisted++;
      continue;
    }
    inBounds.push(w);
  }
  const candidateLabels = labeller.label(inBounds);
  const T = tasks.length;
  const positives = inBounds.filter((_, i) => candidateLabels.subarray(i * T, (i + 1) * T).some((v) => v === 1));
  report.unlabelled = inBounds.length - positives.length;
  positives.sort(compareWindows(order));
  report.peakWindows = positives.length;
  if (report.pastEndSkipped > 0) warnings.push(`${report.pastEndSkipped} peak windows reach past a chromosome end and were skipped (outOfBounds: 'pad' keeps them, padded with N)`);
  if (report.pastEndPadded > 0) warnings.push(`${report.pastEndPadded} peak windows reach past a chromosome end and are padded with N`);
  if (report.blacklisted > 0) warnings.push(`${report.blacklisted} peak windows overlap the blacklist and were dropped`);
  if (report.unlabelled > 0) {
    warnings.push(`${report.unlabelled} peak windows have less than ${requiredOverlap(s.bin, s.minOverlap)} of their central ${s.bin} bases covered by any task's peaks and were dropped (peaks narrower than minOverlap x bin, or tiles at region edges)`);
  }
  if (positives.length === 0) warnings.push('no positive windows');

  // Negatives.
  const wanted = Math.round(s.negativeRatio * positives.length);
  report.negativesWanted = wanted;
  let negatives: GenomicInterval[] = [];
  if (wanted > 0) {
    negatives = await sampleNegatives(genome, positives, wanted, s, { allowed, blacklist, labeller, report });
    negatives.sort(compareWindows(order));
  }
  report.negatives = negatives.length;

  const windows = [...positives, ...negatives];
  const labels = labeller.label(windows);
  for (let t = 0; t < T; t++) {
    let count = 0;
    for (let i = 0; i < windows.length; i++) count += labels[i * T + t]!;
    report.tasks[t]!.positiveWindows = count;
  }
  return { windows, labels, tasks: tasks.map((t) => t.name), window: s.window, bin: s.bin, report };
}

interface NegativeContext {
  allowed: ReadonlySet<string>;
  blacklist: IntervalIndex | undefined;
  labeller: WindowLabeller;
  report: IntervalDatasetReport;
}

async function sampleNegatives(genome: Genome, positives: readonly GenomicInterval[], wanted: number, s: Settings, ctx: NegativeContext): Promise<GenomicInterval[]> {
  const { report, blacklist, labeller } = ctx;
  const sizes = genome.chromosomes();
  const chroms = [...ctx.allowed].filter((c) => sizes.get(c)! >= s.window);
  if (chroms.length === 0) throw new InputError(`no chromosome is at least ${s.window} bases long (window), so no negative windows can be drawn`);
  const cumulative = new Float64Array(chroms.length);
  let total = 0;
  chroms.forEach((c, i) => (cumulative[i] = total += sizes.get(c)! - s.window + 1));

  // GC quotas: the positives' histogram scaled to `wanted`.
  let quotas: number[] | undefined;
  let posCounts: number[] | undefined;
  if (s.gcMatch) {
    const stats = await baseStats(genome, positives, s.window);
    posCounts = new Array<number>(s.gcBins).fill(0);
    for (const gc of stats.gc) if (!Number.isNaN(gc)) posCounts[gcBinOf(gc, s.gcBins)]!++;
    quotas = proportionalQuotas(posCounts, wanted);
  }
  const filled = new Array<number>(s.gcBins).fill(0);
  const need = quotas === undefined ? wanted : quotas.reduce((a, b) => a + b, 0);

  const random = new Random(s.seed);
  const maxAttempts = s.maxAttempts ?? Math.max(10_000, 50 * wanted);
  const taken = new Set<string>(positives.map((w) => `${w.chrom}\t${w.start}`));
  const accepted: GenomicInterval[] = [];
  const maxNBases = Math.floor(s.maxN * s.window + 1e-9);
  const bytes = new Uint8Array(READ_CHUNK * s.window);
  const c = report.candidates;

  while (accepted.length < need && c.drawn < maxAttempts) {
    // Draw a chunk of candidates, filter by coordinates, then read them together.
    const chunk: GenomicInterval[] = [];
    while (chunk.length < READ_CHUNK && c.drawn < maxAttempts) {
      c.drawn++;
      const r = random.next() * total;
      let lo = 0;
      let hi = chroms.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      const chrom = chroms[lo]!;
      const start = random.int(sizes.get(chrom)! - s.window + 1);
      const end = start + s.window;
      const key = `${chrom}\t${start}`;
      if (taken.has(key)) c.duplicate++;
      else if (blacklist?.hasOverlap(chrom, start, end)) c.blacklisted++;
      else if (s.excludePeaks && labeller.overlapsAnyPeak(chrom, start, end)) c.overlapsPeak++;
      else {
        taken.add(key);
        chunk.push({ chrom, start, end });
      }
    }
    await readWindowBytes(genome, chunk, s.window, bytes, 0);
    for (let i = 0; i < chunk.length && accepted.length < need; i++) {
      const counts = countBases(bytes, i * s.window, (i + 1) * s.window);
      if (counts.n > maxNBases) {
        c.tooManyN++;
        continue;
      }
      if (quotas !== undefined) {
        if (counts.acgt === 0) {
          c.tooManyN++;
          continue;
        }
        const b = gcBinOf(counts.gc / counts.acgt, s.gcBins);
        if (filled[b]! >= quotas[b]!) {
          c.gcBinFull++;
          continue;
        }
        filled[b]!++;
      }
      accepted.push(chunk[i]!);
    }
  }

  if (quotas !== undefined && posCounts !== undefined) {
    report.gc = {
      edges: Array.from({ length: s.gcBins + 1 }, (_, i) => i / s.gcBins),
      positives: posCounts,
      negatives: filled,
    };
  }
  if (accepted.length < wanted) {
    const why = quotas === undefined ? '' : ` (GC bins short: ${quotas.map((q, i) => (filled[i]! < q ? `${report.gc!.edges[i]!.toFixed(2)}-${report.gc!.edges[i + 1]!.toFixed(2)}: ${filled[i]}/${q}` : '')).filter(Boolean).join(', ')})`;
    report.warnings.push(`only ${accepted.length} of ${wanted} negative windows found in ${c.drawn} random candidates${why}; raise maxAttempts or relax maxN / gcMatch`);
  }
  return accepted;
}

/** The per-window label matrix as batch-source targets: `[N, T]`. */
export function labelTargets(dataset: Pick<IntervalDataset, 'labels' | 'windows' | 'tasks'>): WindowTargets {
  return { values: dataset.labels, shape: [dataset.windows.length, dataset.tasks.length] };
}

/** The windows `indices` of a data set (in that order) with their labels; the report is kept. */
export function subsetIntervalDataset(dataset: IntervalDataset, indices: readonly number[]): IntervalDataset {
  const T = dataset.tasks.length;
  const labels = new Uint8Array(indices.length * T);
  const windows = indices.map((i, k) => {
    const w = dataset.windows[i];
    if (w === undefined) throw new InputError(`index ${i} is outside the data set (${dataset.windows.length} windows)`);
    labels.set(dataset.labels.subarray(i * T, (i + 1) * T), k * T);
    return w;
  });
  return { ...dataset, windows, labels };
}

/** How to split windows: held-out chromosomes, or seeded fractions without cross-split overlap. */
export type WindowSplitConfig =
  | { validation?: readonly string[]; test?: readonly string[] }
  | { fractions: SplitFractions; seed: number; blockSize?: number };

export interface IntervalDatasetSplit {
  train: IntervalDataset;
  validation: IntervalDataset;
  test: IntervalDataset;
  /** Windows left out to keep the splits apart (fraction splits with blockSize only). */
  dropped: number;
}

/**
 * Splits a data set by held-out chromosomes (`splitByChromosome`; `knownChromosomes` are the
 * genome's, so holding out a chromosome without windows is allowed) or by seeded fractions
 * keeping overlapping windows in one split (`splitWindowsByFraction`). No window of one split
 * overlaps a window of another.
 */
export function splitIntervalDataset(dataset: IntervalDataset, config: WindowSplitConfig, knownChromosomes?: Iterable<string>): IntervalDatasetSplit {
  if ('fractions' in config) {
    const split = splitWindowsByFraction(dataset.windows, config.blockSize === undefined
      ? { fractions: config.fractions, seed: config.seed }
      : { fractions: config.fractions, seed: config.seed, blockSize: config.blockSize });
    return {
      train: subsetIntervalDataset(dataset, split.train),
      validation: subsetIntervalDataset(dataset, split.validation),
      test: subsetIntervalDataset(dataset, split.test),
      dropped: split.dropped.length,
    };
  }
  const split = splitByChromosome(dataset.windows, config, knownChromosomes === undefined ? {} : { knownChromosomes });
  return {
    train: subsetIntervalDataset(dataset, split.train),
    validation: subsetIntervalDataset(dataset, split.validation),
    test: subsetIntervalDataset(dataset, split.test),
    dropped: 0,
  };
}
