/**
 * Train / validation / test splits, as sorted index lists into the caller's samples:
 * - by held-out chromosomes (the usual split for genomic windows: no leakage across splits);
 * - by seeded fractions, for samples without coordinates (sequences, expression rows);
 * - by seeded fractions for genomic windows, keeping overlapping windows in one split.
 */
import { InputError } from '../core/errors.js';
import { checkInterval, type GenomicInterval } from '../genomics/intervals.js';
import { Random } from './random.js';

/** Indices (ascending) of the samples in each split. */
export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/** Chromosomes held out of training; every other chromosome is train. */
export interface ChromosomeSplitConfig {
  validation?: readonly string[];
  test?: readonly string[];
}

export interface ChromosomeSplitOptions {
  /**
   * Chromosome names that are valid in the config besides those of the samples (e.g. every
   * sequence of the genome, so holding out a chromosome without samples is not an error).
   */
  knownChromosomes?: Iterable<string>;
}

/** Orders chromosome names naturally: chr2 before chr10. */
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function describeKnown(known: ReadonlySet<string>): string {
  const names = [...known].sort(compareNames);
  const shown = names.slice(0, 30).join(', ');
  return names.length > 30 ? `${shown}, ... (${names.length} in all)` : shown;
}

/**
 * Splits samples by chromosome: those on `config.validation` chromosomes go to validation,
 * those on `config.test` to test, the rest to train.
 * Throws InputError when a configured chromosome is unknown (listing the known ones) or is
 * in both validation and test.
 */
export function splitByChromosome(
  samples: readonly { readonly chrom: string }[],
  config: ChromosomeSplitConfig,
  options: ChromosomeSplitOptions = {},
): SplitIndices {
  const known = new Set<string>(options.knownChromosomes ?? []);
  for (const s of samples) known.add(s.chrom);
  const role = new Map<string, 'validation' | 'test'>();
  for (const part of ['validation', 'test'] as const) {
    for (const chrom of config[part] ?? []) {
      if (!known.has(chrom)) {
        throw new InputError(`unknown chromosome '${chrom}' in ${part}; known chromosomes: ${describeKnown(known)}`);
      }
      const other = role.get(chrom);
      if (other !== undefined && other !== part) {
        throw new InputError(`chromosome '${chrom}' is in both validation and test`);
      }
      role.set(chrom, part);
    }
  }
  const out: SplitIndices = { train: [], validation: [], test: [] };
  samples.forEach((s, i) => out[role.get(s.chrom) ?? 'train'].push(i));
  return out;
}

/** Fractions of the samples in each split: non-negative, summing to 1. */
export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

const PARTS = ['train', 'validation', 'test'] as const;

function checkFractions(fractions: SplitFractions): void {
  for (const part of PARTS) {
    const f = fractions[part];
    if (!Number.isFinite(f) || f < 0) throw new InputError(`expected fraction ${part} >= 0, got ${f}`);
  }
  const sum = fractions.train + fractions.validation + fractions.test;
  if (Math.abs(sum - 1) > 1e-6) throw new InputError(`expected fractions summing to 1, got ${sum}`);
}

/**
 * How many of `count` samples go to each split: `count * fraction` rounded by largest
 * remainder (ties to train, then validation), so the counts sum to `count`.
 */
export function splitCounts(count: number, fractions: SplitFractions): SplitFractions {
  checkFractions(fractions);
  if (!Number.isInteger(count) || count < 0) throw new InputError(`expected count to be an integer >= 0, got ${count}`);
  const raw = PARTS.map((p) => count * fractions[p]);
  const floors = raw.map(Math.floor);
  let left = count - floors.reduce((a, b) => a + b, 0);
  const order = [0, 1, 2].sort((a, b) => (raw[b]! - floors[b]!) - (raw[a]! - floors[a]!) || a - b);
  for (const i of order) {
    if (left === 0) break;
    floors[i]!++;
    left--;
  }
  return { train: floors[0]!, validation: floors[1]!, test: floors[2]! };
}

/**
 * Splits `count` samples (indices 0..count-1) at random by `fractions`: the indices are
 * shuffled with Random(seed) and cut into runs of `splitCounts(count, fractions)`.
 * The same seed gives the same split.
 */
export function splitByFraction(count: number, fractions: SplitFractions, seed: number): SplitIndices {
  const sizes = splitCounts(count, fractions);
  const order = new Random(seed).shuffle(Array.from({ length: count }, (_, i) => i));
  const byIndex = (a: number, b: number): number => a - b;
  return {
    train: order.slice(0, sizes.train).sort(byIndex),
    validation: order.slice(sizes.train, sizes.train + sizes.validation).sort(byIndex),
    test: order.slice(sizes.train + sizes.validation).sort(byIndex),
  };
}

/**
 * Examples that come from rows (a row and the shuffled negatives made from it) split by row:
 * every example lands in its row's part, so a positive and its negatives never straddle two
 * parts. `rowPart(row)` names the part of a row. Indices come out in ascending order.
 */
export function splitExamplesByRow(sources: readonly number[], rowPart: (row: number) => keyof SplitIndices): SplitIndices {
  const parts: SplitIndices = { train: [], validation: [], test: [] };
  sources.forEach((row, example) => parts[rowPart(row)].push(example));
  return parts;
}

export interface WindowSplitOptions {
  fractions: SplitFractions;
  seed: number;
  /**
   * Assign whole genome blocks of this many bases (block b of a chromosome is
   * `[b * blockSize, (b + 1) * blockSize)`, a window belongs to the block of its start)
   * instead of whole overlap clusters. Use it for dense tilings, where overlapping windows
   * chain into chromosome-long clusters. Windows reaching into a block of another split
   * and overlapping a window there are dropped. Default: overlap clusters, nothing dropped.
   */
  blockSize?: number;
}

/** A split of genomic windows; `dropped` lists windows left out to keep splits apart. */
export interface WindowSplit extends SplitIndices {
  dropped: number[];
}

/**
 * Splits genomic windows at random by `fractions` so that no window of one split overlaps a
 * window of another: windows are grouped into units (clusters of windows linked by overlap,
 * or genome blocks with `blockSize`), the units are shuffled with Random(seed), and each is
 * assigned whole to the split whose share of the running window count its middle falls in.
 * Each split's size is within about half a unit of `count * fraction` at each boundary, so
 * fractions are met closely when units are small compared with the split sizes.
 * The same seed gives the same split.
 */
export function splitWindowsByFraction(windows: readonly GenomicInterval[], options: WindowSplitOptions): WindowSplit {
  const { fractions, seed, blockSize } = options;
  checkFractions(fractions);
  if (blockSize !== undefined && (!Number.isInteger(blockSize) || blockSize < 1)) {
    throw new InputError(`expected blockSize to be an integer >= 1, got ${blockSize}`);
  }
  windows.forEach((w, i) => checkInterval(w, `window ${i + 1}`));

  const sorted = sortByPosition(windows);
  const bounds = blockSize === undefined ? overlapClusterBounds(sorted) : genomeBlockBounds(sorted, blockSize);
  const units = new Random(seed).shuffle(Array.from({ length: bounds.length - 1 }, (_, u) => u));

  const sizes = splitCounts(windows.length, fractions);
  const validationFrom = sizes.train;
  const testFrom = sizes.train + sizes.validation;
  const splitOf = new Int8Array(windows.length); // 0 train, 1 validation, 2 test
  let assigned = 0;
  for (const u of units) {
    const size = bounds[u + 1]! - bounds[u]!;
    const middle = assigned + size / 2;
    const part = middle < validationFrom ? 0 : middle < testFrom ? 1 : 2;
    for (let p = bounds[u]!; p < bounds[u + 1]!; p++) splitOf[sorted.order[p]!] = part;
    assigned += size;
  }

  const dropped = new Uint8Array(windows.length);
  if (blockSize !== undefined) dropCrossBlockOverlaps(sorted, splitOf, blockSize, dropped);

  const out: WindowSplit = { train: [], validation: [], test: [], dropped: [] };
  for (let i = 0; i < windows.length; i++) {
    if (dropped[i]) out.dropped.push(i);
    else out[PARTS[splitOf[i]!]!].push(i);
  }
  return out;
}

/** Windows in position order, as parallel arrays indexed by rank p in that order. */
interface SortedWindows {
  /** Window indices sorted by (chromosome in first-seen order, start, end). */
  order: Int32Array;
  /** Chromosome number (first-seen order), start and end of window order[p]. */
  chroms: Int32Array;
  starts: Float64Array;
  ends: Float64Array;
}

function sortByPosition(windows: readonly GenomicInterval[]): SortedWindows {
  const n = windows.length;
  const chromNumber = new Map<string, number>();
  const chromOf = new Int32Array(n);
  const startOf = new Float64Array(n);
  const endOf = new Float64Array(n);
  windows.forEach((w, i) => {
    let c = chromNumber.get(w.chrom);
    if (c === undefined) chromNumber.set(w.chrom, (c = chromNumber.size));
    chromOf[i] = c;
    startOf[i] = w.start;
    endOf[i] = w.end;
  });
  const order = Int32Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => chromOf[a]! - chromOf[b]! || startOf[a]! - startOf[b]! || endOf[a]! - endOf[b]!);
  return {
    order,
    chroms: order.map((i) => chromOf[i]!),
    starts: Float64Array.from(order, (i) => startOf[i]!),
    ends: Float64Array.from(order, (i) => endOf[i]!),
  };
}

/**
 * Units as runs of the sorted order: unit u is ranks bounds[u] .. bounds[u + 1] - 1.
 * Here a unit is a cluster of windows linked by overlap (sharing at least one base).
 */
function overlapClusterBounds({ chroms, starts, ends }: SortedWindows): number[] {
  const n = starts.length;
  if (n === 0) return [0];
  const bounds = [0];
  let reach = ends[0]!; // largest end in the current cluster
  for (let p = 1; p < n; p++) {
    if (chroms[p] !== chroms[p - 1] || starts[p]! >= reach) {
      bounds.push(p);
      reach = ends[p]!;
    } else {
      reach = Math.max(reach, ends[p]!);
    }
  }
  bounds.push(n);
  return bounds;
}

/** Units as runs of the sorted order (see overlapClusterBounds): windows starting in one genome block. */
function genomeBlockBounds({ chroms, starts }: SortedWindows, blockSize: number): number[] {
  const n = starts.length;
  if (n === 0) return [0];
  const bounds = [0];
  for (let p = 1; p < n; p++) {
    if (chroms[p] !== chroms[p - 1] || Math.floor(starts[p]! / blockSize) !== Math.floor(starts[p - 1]! / blockSize)) {
      bounds.push(p);
    }
  }
  bounds.push(n);
  return bounds;
}

/**
 * Marks in `dropped` each window that reaches past the end of its start block and overlaps a
 * window (starting after it) of another split. Windows within one block share a split, so
 * every remaining cross-split overlap would involve such a window: none remain.
 */
function dropCrossBlockOverlaps(sorted: SortedWindows, splitOf: Int8Array, blockSize: number, dropped: Uint8Array): void {
  const { order, chroms, starts, ends } = sorted;
  for (let p = 0; p < order.length; p++) {
    const blockEnd = (Math.floor(starts[p]! / blockSize) + 1) * blockSize;
    if (ends[p]! <= blockEnd) continue;
    for (let q = p + 1; q < order.length && chroms[q] === chroms[p] && starts[q]! < ends[p]!; q++) {
      if (ends[q]! > starts[q]! && splitOf[order[q]!] !== splitOf[order[p]!]) {
        dropped[order[p]!] = 1;
        break;
      }
    }
  }
}
