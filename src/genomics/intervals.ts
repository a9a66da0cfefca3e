/**
 * Genomic intervals: 0-based, half-open `[start, end)` coordinates as in BED (the first base
 * of a chromosome is 0; `[10, 20)` holds 10 bases, 10..19).
 *
 * An IntervalIndex answers "which intervals overlap [s, e)" and "how many bases of [s, e) are
 * covered" in O(log n + k) per query, for labelling millions of windows against peaks.
 */
import { InputError } from '../core/errors.js';

export type Strand = '+' | '-' | '.';

/** A region of one chromosome, `[start, end)`, 0-based. */
export interface GenomicInterval {
  chrom: string;
  start: number;
  end: number;
  name?: string;
  strand?: Strand;
}

/** Chromosome lengths in bases, by name. */
export type ChromosomeSizes = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/** `chrom:start-end` (0-based half-open, as given), for messages. */
export function formatInterval(interval: GenomicInterval): string {
  return `${interval.chrom}:${interval.start}-${interval.end}`;
}

/** Throws InputError unless `start` and `end` are integers with 0 <= start <= end. */
export function checkInterval(interval: GenomicInterval, what = 'interval'): void {
  const { start, end } = interval;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
    throw new InputError(`expected ${what} with integer 0 <= start <= end, got ${formatInterval(interval)}`);
  }
}

/** The size of `chrom` in `sizes`, or undefined when it is not there. */
export function chromosomeSize(sizes: ChromosomeSizes, chrom: string): number | undefined {
  if (sizes instanceof Map) return sizes.get(chrom);
  const record = sizes as Readonly<Record<string, number>>;
  return Object.prototype.hasOwnProperty.call(record, chrom) ? record[chrom] : undefined;
}

/** Bases shared by `a` and `b` (0 on different chromosomes or when they do not overlap). */
export function intervalOverlap(a: GenomicInterval, b: GenomicInterval): number {
  if (a.chrom !== b.chrom) return 0;
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/**
 * The intervals of one chromosome as an implicit augmented interval tree: the sorted array
 * itself is the tree (the layout of Heng Li's cgranges), plus the union of the intervals.
 */
interface ChromosomeTree<T> {
  /** Intervals sorted by (start, end). */
  items: T[];
  starts: Float64Array;
  ends: Float64Array;
  /** Largest end in the subtree rooted at each node. */
  maxEnds: Float64Array;
  /** Level of the root, -1 when empty. */
  maxLevel: number;
  /** Union of the intervals: disjoint, sorted, non-touching runs. */
  coverStarts: Float64Array;
  coverEnds: Float64Array;
}

/**
 * Fills `maxEnds` for the implicit binary tree over sorted intervals in which node i sits at
 * level = number of trailing 1 bits of i (leaves are even indices); returns the root level.
 * Nodes missing past the end of the array take the largest end of the last real subtree.
 */
function indexTree(ends: Float64Array, maxEnds: Float64Array): number {
  const n = ends.length;
  if (n === 0) return -1;
  let lastNode = 0;
  let lastMax = 0;
  for (let i = 0; i < n; i += 2) {
    lastNode = i;
    lastMax = maxEnds[i] = ends[i]!;
  }
  let k = 1;
  for (; 2 ** k <= n; k++) {
    const half = 2 ** (k - 1);
    for (let i = 2 * half - 1; i < n; i += 4 * half) {
      const left = maxEnds[i - half]!;
      const right = i + half < n ? maxEnds[i + half]! : lastMax;
      maxEnds[i] = Math.max(ends[i]!, left, right);
    }
    lastNode = Math.floor(lastNode / 2 ** k) % 2 === 1 ? lastNode - half : lastNode + half;
    if (lastNode < n && maxEnds[lastNode]! > lastMax) lastMax = maxEnds[lastNode]!;
  }
  return k - 1;
}

/** Traversal stack shared by all queries (queries never nest): node, level, left-visited flag. */
let stack = new Float64Array(3 * 64);

/**
 * Calls `visit(i)` for the index of every interval of `tree` overlapping `[start, end)`, in
 * (start, end) order: top-down over the implicit tree, skipping left subtrees whose largest
 * end is <= start and right subtrees of nodes starting at or after `end`.
 */
function queryTree<T>(tree: ChromosomeTree<T>, start: number, end: number, visit: (i: number) => void): void {
  const { starts, ends, maxEnds, maxLevel } = tree;
  const n = starts.length;
  if (maxLevel < 0 || start >= end) return;
  if (stack.length < 6 * (maxLevel + 2)) stack = new Float64Array(6 * (maxLevel + 2));
  let top = 0;
  stack[top++] = 2 ** maxLevel - 1;
  stack[top++] = maxLevel;
  stack[top++] = 0;
  while (top > 0) {
    const leftDone = stack[--top]!;
    const level = stack[--top]!;
    const node = stack[--top]!;
    if (level <= 3) {
      // small subtree: scan its index range in order
      const first = node - (node % (1 << level));
      const last = Math.min(first + (1 << (level + 1)) - 1, n);
      for (let i = first; i < last && starts[i]! < end; i++) {
        if (start < ends[i]!) visit(i);
      }
    } else if (leftDone === 0) {
      const left = node - (1 << (level - 1));
      // revisit this node once its left subtree is done
      stack[top++] = node;
      stack[top++] = level;
      stack[top++] = 1;
      // a left child past the array end still has real nodes below it
      if (left >= n || maxEnds[left]! > start) {
        stack[top++] = left;
        stack[top++] = level - 1;
        stack[top++] = 0;
      }
    } else if (node < n && starts[node]! < end) {
      if (start < ends[node]!) visit(node);
      stack[top++] = node + (1 << (level - 1));
      stack[top++] = level - 1;
      stack[top++] = 0;
    }
  }
}

/** First index i with values[i] > x in an ascending array (binary search). */
function firstAbove(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function buildTree<T extends GenomicInterval>(items: T[]): ChromosomeTree<T> {
  items.sort((a, b) => a.start - b.start || a.end - b.end);
  const n = items.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = items[i]!.start;
    ends[i] = items[i]!.end;
  }
  const maxEnds = new Float64Array(n);
  const maxLevel = indexTree(ends, maxEnds);
  const coverStarts: number[] = [];
  const coverEnds: number[] = [];
  for (let i = 0; i < n; i++) {
    const last = coverEnds.length - 1;
    if (last >= 0 && starts[i]! <= coverEnds[last]!) {
      coverEnds[last] = Math.max(coverEnds[last]!, ends[i]!);
    }
    else {
      coverStarts.push(starts[i]!);
      coverEnds.push(ends[i]!);
    }
  }
  return {
    items, starts, ends, maxEnds, maxLevel,
    coverStarts: Float64Array.from(coverStarts), coverEnds: Float64Array.from(coverEnds),
  };
}

/**
 * A static index of intervals, per chromosome, for overlap queries. Building sorts each
 * chromosome's intervals (O(n log n)); each query is O(log n + k) for k results.
 * Queries use `[start, end)` too: `[10, 20)` overlaps `[19, 30)` but not `[20, 30)`;
 * empty intervals (start == end), whether indexed or queried, overlap nothing.
 */
export class IntervalIndex<T extends GenomicInterval = GenomicInterval> {
  readonly #trees = new Map<string, ChromosomeTree<T>>();
  /** Number of intervals given, empty ones included. */
  readonly size: number;

  /** Indexes `intervals` (the objects are not copied and should not change afterwards). */
  constructor(intervals: readonly T[]) {
    const byChrom = new Map<string, T[]>();
    intervals.forEach((iv, i) => {
      checkInterval(iv, `interval ${i + 1}`);
      let list = byChrom.get(iv.chrom);
      if (list === undefined) byChrom.set(iv.chrom, (list = []));
      list.push(iv);
    });
    for (const [chrom, list] of byChrom) {
      const nonEmpty = list.filter((iv) => iv.end > iv.start);
      if (nonEmpty.length > 0) this.#trees.set(chrom, buildTree(nonEmpty));
    }
    this.size = intervals.length;
  }

  /** Chromosome names holding at least one non-empty interval, in first-seen order. */
  chromosomes(): string[] {
    return [...this.#trees.keys()];
  }

  /** The intervals overlapping `[start, end)` of `chrom`, sorted by (start, end). */
  overlapping(chrom: string, start: number, end: number): T[] {
    const tree = this.#trees.get(chrom);
    const out: T[] = [];
    if (tree !== undefined) queryTree(tree, start, end, (i) => out.push(tree.items[i]!));
    return out;
  }

  /** Whether any interval overlaps `[start, end)` of `chrom` (O(log n)). */
  hasOverlap(chrom: string, start: number, end: number): boolean {
    const tree = this.#trees.get(chrom);
    if (tree === undefined || start >= end) return false;
    const i = firstAbove(tree.coverEnds, start);
    return i < tree.coverStarts.length && tree.coverStarts[i]! < end;
  }

  /**
   * Bases of `[start, end)` of `chrom` covered by at least one interval (a base covered by
   * two overlapping intervals counts once), 0..end - start.
   */
  coveredLength(chrom: string, start: number, end: number): number {
    const tree = this.#trees.get(chrom);
    if (tree === undefined || start >= end) return 0;
    const { coverStarts, coverEnds } = tree;
    let total = 0;
    for (let i = firstAbove(coverEnds, start); i < coverStarts.length && coverStarts[i]! < end; i++) {
      total += Math.min(end, coverEnds[i]!) - Math.max(start, coverStarts[i]!);
    }
    return total;
  }
}

/** The intervals of `index` overlapping `[start, end)` of `chrom`, sorted by (start, end). */
export function overlappingIntervals<T extends GenomicInterval>(
  index: IntervalIndex<T>, chrom: string, start: number, end: number,
): T[] {
  return index.overlapping(chrom, start, end);
}

/** Bases of `[start, end)` of `chrom` covered by the intervals of `index` (union, not sum). */
export function overlapLength(index: IntervalIndex, chrom: string, start: number, end: number): number {
  return index.coveredLength(chrom, start, end);
}

export interface MergeOptions {
  /** Intervals separated by at most this many bases merge. Default 0: overlapping or touching (`[0, 10)` + `[10, 20)`) intervals merge, as in `bedtools merge`. */
  maxGap?: number;
}

/**
 * The union of `intervals` as disjoint intervals, sorted by start within each chromosome,
 * chromosomes in first-seen order. Only chrom / start / end are kept (names and strands are
 * dropped). Empty intervals are dropped.
 */
export function mergeIntervals(intervals: readonly GenomicInterval[], options: MergeOptions = {}): GenomicInterval[] {
  const maxGap = options.maxGap ?? 0;
  if (!Number.isInteger(maxGap) || maxGap < 0) throw new InputError(`expected maxGap to be an integer >= 0, got ${maxGap}`);
  const byChrom = new Map<string, GenomicInterval[]>();
  intervals.forEach((iv, i) => {
    checkInterval(iv, `interval ${i + 1}`);
    if (iv.start === iv.end) return;
    let list = byChrom.get(iv.chrom);
    if (list === undefined) byChrom.set(iv.chrom, (list = []));
    list.push(iv);
  });
  const out: GenomicInterval[] = [];
  for (const [chrom, list] of byChrom) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    let current: GenomicInterval | undefined;
    for (const iv of sorted) {
      if (current !== undefined && iv.start - current.end <= maxGap) {
        current.end = Math.max(current.end, iv.end);
      } else {
        current = { chrom, start: iv.start, end: iv.end };
        out.push(current);
      }
    }
  }
  return out;
}

export interface TileOptions {
  /** Window length in bases, >= 1. */
  length: number;
  /** Distance between window starts, >= 1. Default `length` (adjacent, non-overlapping windows). */
  stride?: number;
}

/**
 * Windows `[region.start + i * stride, + length)` for i = 0, 1, ... that lie wholly inside
 * `region` (a last window that would pass `region.end` is not made). The region's strand is
 * copied to each window.
 */
export function tileRegion(region: GenomicInterval, options: TileOptions): GenomicInterval[] {
  checkInterval(region, 'region');
  const { length } = options;
  const stride = options.stride ?? length;
  if (!Number.isInteger(length) || length < 1) throw new InputError(`expected length to be an integer >= 1, got ${length}`);
  if (!Number.isInteger(stride) || stride < 1) throw new InputError(`expected stride to be an integer >= 1, got ${stride}`);
  const out: GenomicInterval[] = [];
  for (let s = region.start; s + length <= region.end; s += stride) {
    const w: GenomicInterval = { chrom: region.chrom, start: s, end: s + length };
    if (region.strand !== undefined) w.strand = region.strand;
    out.push(w);
  }
  return out;
}

/**
 * The window of `length` bases centred on `interval`, with Selene's rounding rule
 * (`AnalyzeSequences`, DeepSEA-style models): `mid = start + floor((end - start) / 2)`, window
 * `[mid - floor(length / 2), mid - floor(length / 2) + length)`. For an odd-length interval
 * the centre base is `mid`; for an even length, `mid` is the right one of the two central
 * bases, and an odd window gets its extra base on the right of `mid`.
 * Name and strand are kept. The window may start below 0 or pass the chromosome end: clip or
 * skip it with `clipToChromosomes`.
 */
export function centerWindow(interval: GenomicInterval, length: number): GenomicInterval {
  checkInterval(interval);
  if (!Number.isInteger(length) || length < 1) throw new InputError(`expected length to be an integer >= 1, got ${length}`);
  const mid = interval.start + Math.floor((interval.end - interval.start) / 2);
  const start = mid - Math.floor(length / 2);
  return { ...interval, start, end: start + length };
}

export interface ClipOptions {
  /**
   * What to do with an interval reaching below 0 or past its chromosome's end:
   * 'skip' drops it (default; keeps fixed-length windows fixed-length), 'clip' trims it to
   * `[max(0, start), min(end, size))` (and drops it if nothing is left).
   */
  mode?: 'skip' | 'clip';
}

export interface ClipResult<T extends GenomicInterval> {
  /** The intervals kept, in input order (trimmed copies for clipped ones; others as given). */
  intervals: T[];
  /** How many were trimmed (mode 'clip'). */
  clipped: number;
  /** How many were dropped for reaching outside their chromosome. */
  skippedOutOfBounds: number;
  /** How many were dropped because their chromosome is not in `sizes`. */
  skippedUnknownChromosome: number;
  /** The distinct missing chromosome names, in first-seen order. */
  unknownChromosomes: string[];
}

/**
 * Keeps the intervals that lie inside their chromosome `[0, size)`, and clips or skips the
 * others (see ClipOptions), counting each case. Intervals on chromosomes missing from `sizes`
 * are skipped and their names reported. `start` / `end` must be integers with start <= end;
 * start may be negative (a centred window near a chromosome start).
 */
export function clipToChromosomes<T extends GenomicInterval>(
  intervals: readonly T[], sizes: ChromosomeSizes, options: ClipOptions = {},
): ClipResult<T> {
  const mode = options.mode ?? 'skip';
  if (mode !== 'skip' && mode !== 'clip') throw new InputError(`expected mode 'skip' or 'clip', got '${String(mode)}'`);
  const result: ClipResult<T> = {
    intervals: [], clipped: 0, skippedOutOfBounds: 0, skippedUnknownChromosome: 0, unknownChromosomes: [],
  };
  const unknown = new Set<string>();
  intervals.forEach((iv, i) => {
    if (!Number.isInteger(iv.start) || !Number.isInteger(iv.end) || iv.end < iv.start) {
      throw new InputError(`expected interval ${i + 1} with integer start <= end, got ${formatInterval(iv)}`);
    }
    const size = chromosomeSize(sizes, iv.chrom);
    if (size === undefined) {
      result.skippedUnknownChromosome++;
      if (!unknown.has(iv.chrom)) unknown.add(iv.chrom), result.unknownChromosomes.push(iv.chrom);
      return;
    }
    if (iv.start >= 0 && iv.end <= size) {
      result.intervals.push(iv);
      return;
    }
    const start = Math.max(0, iv.start);
    const end = Math.min(size, iv.end);
    if (mode === 'skip' || end <= start) {
      result.skippedOutOfBounds++;
      return;
    }
    result.clipped++;
    result.intervals.push({ ...iv, start, end });
  });
  return result;
}

/** A region as written on command lines: `chrom`, `chrom:start-end` or `chrom:start` (1-based, inclusive). */
export interface RegionSpec {
  chrom: string;
  /** 0-based start. */
  start: number;
  /** 0-based exclusive end; undefined: to the chromosome's end. */
  end?: number;
}

/**
 * Parses `chr1`, `chr1:1000-2000` or `chr1:1000` (1-based inclusive positions as samtools and
 * tabix take them; thousands separators allowed). Bad text: InputError.
 */
export function parseRegion(text: string): RegionSpec {
  const m = /^([^\s:]+)(?::([\d,]+)(?:-([\d,]+))?)?$/.exec(text.trim());
  const bad = (why: string): never => {
    throw new InputError(`region '${text}': ${why} (expected chrom, chrom:start or chrom:start-end, 1-based)`);
  };
  if (m === null) return bad('cannot be parsed');
  const [, chrom, from, to] = m as unknown as [string, string, string | undefined, string | undefined];
  if (from === undefined) return { chrom, start: 0 };
  const start = Number(from.replace(/,/g, ''));
  if (!Number.isSafeInteger(start) || start < 1) bad('start must be an integer >= 1');
  if (to === undefined) return { chrom, start: start - 1 };
  const end = Number(to.replace(/,/g, ''));
  if (!Number.isSafeInteger(end) || end < start) bad('end must be an integer >= start');
  return { chrom, start: start - 1, end };
}
