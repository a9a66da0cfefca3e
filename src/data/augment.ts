/**
 * Seeded data augmentation for DNA models: random reverse complement and random shift
 * (jitter), deterministic given the `Random` stream they draw from (pass one Random for the
 * whole run so successive batches differ but a rerun with the same seed repeats them).
 *
 * Tensor functions take and return CPU float32 one-hot batches `[N, 4, L]` in A, C, G, T
 * order; the `...InPlace` / `...Into` array functions do the same work on one sample of a
 * channel-major Float32Array, for batches assembled off the main thread.
 */
import { tensor } from '../core/create.js';
import { InputError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { chromosomeSize, type ChromosomeSizes, type GenomicInterval } from '../genomics/intervals.js';
import type { Random } from './random.js';
import { reverseComplementInPlace, shiftInto } from '../genomics/one-hot-arrays.js';

export { reverseComplementInPlace, shiftInto };

/** What the augmentations draw from: a seeded `Random`, or anything with the same two methods. */
export type RandomSource = Pick<Random, 'next' | 'int'>;

function checkOneHotBatch(x: Tensor, what = 'x'): [number, number] {
  const s = x.shape;
  if (s.length !== 3 || s[1] !== 4 || x.dtype !== 'float32' || x.device !== 'cpu') {
    throw new InputError(`expected a [N, 4, L] float32 CPU tensor for ${what}, got [${s.join(', ')}] ${x.dtype} on ${x.device}`);
  }
  return [s[0]!, s[2]!];
}

export interface RandomReverseComplementOptions {
  /** The stream to draw from: one `random.next()` per sample, flipped when below `probability`. */
  random: RandomSource;
  /** Chance that a sample is reverse-complemented, 0..1. Default 0.5. */
  probability?: number;
  /**
   * Targets to transform with the samples: `[N, T]` (one value a task) or `[N, T, P]`
   * (a profile of P positions a task), float32 on the CPU. For a flipped sample, the columns
   * of each `strandPairs` pair are swapped and, for profiles, the position axis is reversed.
   */
  targets?: Tensor;
  /**
   * Pairs of target columns `[plus, minus]` that measure the two strands of one quantity
   * (stranded CAGE / PRO-cap tracks, BPNet's two-strand profiles): swapped in flipped samples.
   * Columns in no pair are taken to be strand-symmetric and left as they are. Default none.
   */
  strandPairs?: readonly (readonly [number, number])[];
}

export interface ReverseComplementAugmentation {
  /** The batch, `[N, 4, L]`, with the flipped samples reverse-complemented. */
  x: Tensor;
  /** `flipped[n]` is true when sample n was reverse-complemented. */
  flipped: boolean[];
  /** The transformed targets, when `targets` was given. */
  targets?: Tensor;
}

function checkStrandPairs(pairs: readonly (readonly [number, number])[], tasks: number): void {
  const seen = new Set<number>();
  for (const pair of pairs) {
    for (const column of pair) {
      if (!Number.isInteger(column) || column < 0 || column >= tasks) {
        throw new InputError(`expected strand pair columns in [0, ${tasks}), got [${pair.join(', ')}]`);
      }
      if (seen.has(column)) throw new InputError(`expected each target column in at most one strand pair, got ${column} twice`);
      seen.add(column);
    }
  }
}

/**
 * Reverse-complements each sample of a one-hot batch with probability `probability`, drawing
 * exactly N numbers from `random` (sample 0 first) whatever the probability.
 * @param x `[N, 4, L]` float32 CPU tensor (not modified).
 */
export function randomReverseComplement(x: Tensor, options: RandomReverseComplementOptions): ReverseComplementAugmentation {
  const [N, L] = checkOneHotBatch(x);
  const probability = options.probability ?? 0.5;
  if (!(probability >= 0 && probability <= 1)) throw new InputError(`expected probability in [0, 1], got ${probability}`);
  const { targets } = options;
  const pairs = options.strandPairs ?? [];
  if (targets !== undefined) {
    const s = targets.shape;
    if ((s.length !== 2 && s.length !== 3) || s[0] !== N || targets.dtype !== 'float32' || targets.device !== 'cpu') {
      throw new InputError(`expected [${N}, T] or [${N}, T, P] float32 CPU targets, got [${s.join(', ')}] ${targets.dtype} on ${targets.device}`);
    }
    checkStrandPairs(pairs, s[1]!);
  } else if (pairs.length > 0) {
    throw new InputError('expected targets when strandPairs are given');
  }

  const flipped = Array.from({ length: N }, () => options.random.next() < probability);
  const values = x.data<Float32Array>();
  for (let n = 0; n < N; n++) if (flipped[n]) reverseComplementInPlace(values, n * 4 * L, L);
  const result: ReverseComplementAugmentation = { x: tensor(values, [N, 4, L]), flipped };
  if (targets !== undefined) result.targets = flipTargets(targets, flipped, pairs);
  return result;
}

/** Targets of flipped samples with strand pairs swapped and (for profiles) positions reversed. */
function flipTargets(targets: Tensor, flipped: readonly boolean[], pairs: readonly (readonly [number, number])[]): Tensor {
  const shape = targets.shape;
  const T = shape[1]!;
  const P = shape.length === 3 ? shape[2]! : 1;
  const source = targets.data<Float32Array>();
  const out = Float32Array.from(source);
  const partner = Int32Array.from({ length: T }, (_, t) => t);
  for (const [a, b] of pairs) {
    partner[a] = b;
    partner[b] = a;
  }
  flipped.forEach((f, n) => {
    if (!f) return;
    const base = n * T * P;
    for (let t = 0; t < T; t++) {
      for (let p = 0; p < P; p++) out[base + t * P + p] = source[base + partner[t]! * P + (P - 1 - p)]!;
    }
  });
  return tensor(out, shape);
}

export interface RandomShiftOptions {
  /** The stream to draw from: one `random.int(...)` per sample. */
  random: RandomSource;
  /** Largest shift in bases, >= 0: shifts are uniform integers in [-maxShift, maxShift]. */
  maxShift: number;
}

export interface RandomShiftOneHotOptions extends RandomShiftOptions {
  /** Value of every channel at the positions shifted in from outside: 0.25 (N, default) or 0. */
  fill?: number;
}

export interface OneHotShift {
  /** The shifted batch, `[N, 4, L]`. */
  x: Tensor;
  /** Shift of each sample in bases (see `shiftInto`). */
  shifts: Int32Array;
}

/**
 * Shifts each sample of an encoded batch by a random whole number of bases in
 * [-maxShift, maxShift] (sample n draws `random.int(2 * maxShift + 1) - maxShift`), padding
 * with N: `out[n, c, i] = x[n, c, i + shifts[n]]`, or `fill` where that is outside the
 * sequence. Use `randomShiftIntervals` instead when the flanking sequence can be read.
 * @param x `[N, 4, L]` float32 CPU tensor (not modified).
 */
export function randomShiftOneHot(x: Tensor, options: RandomShiftOneHotOptions): OneHotShift {
  const [N, L] = checkOneHotBatch(x);
  const { maxShift, random } = options;
  const fill = options.fill ?? 0.25;
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new InputError(`expected maxShift to be an integer >= 0, got ${maxShift}`);
  if (!Number.isFinite(fill)) throw new InputError(`expected a finite fill value, got ${fill}`);
  const source = x.data<Float32Array>();
  const target = new Float32Array(source.length);
  const shifts = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    shifts[n] = random.int(2 * maxShift + 1) - maxShift;
    shiftInto(source, target, n * 4 * L, L, shifts[n]!, fill);
  }
  return { x: tensor(target, [N, 4, L]), shifts };
}

export interface RandomShiftIntervalsOptions extends RandomShiftOptions {
  /** Chromosome lengths: shifts never move a window past its chromosome's end. */
  chromSizes?: ChromosomeSizes;
}

export interface IntervalShift<T extends GenomicInterval> {
  /** Shifted copies, in input order: `[start + shifts[i], end + shifts[i])`. */
  intervals: T[];
  shifts: Int32Array;
}

/**
 * Moves each window by a random whole number of bases before its sequence is read (jitter).
 * The shift of window i is uniform over the integers d in [-maxShift, maxShift] that keep
 * the window inside its chromosome (`start + d >= 0` and, with `chromSizes`,
 * `end + d <= size`): `d = lo + random.int(hi - lo + 1)`. A window with no such d (already
 * outside) is not moved and draws nothing.
 */
export function randomShiftIntervals<T extends GenomicInterval>(
  intervals: readonly T[], options: RandomShiftIntervalsOptions,
): IntervalShift<T> {
  const { maxShift, random, chromSizes } = options;
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new InputError(`expected maxShift to be an integer >= 0, got ${maxShift}`);
  const shifts = new Int32Array(intervals.length);
  const out = intervals.map((iv, i) => {
    if (!Number.isInteger(iv.start) || !Number.isInteger(iv.end) || iv.end < iv.start) {
      throw new InputError(`expected interval ${i + 1} with integer start <= end, got ${iv.chrom}:${iv.start}-${iv.end}`);
    }
    let hi = maxShift;
    if (chromSizes !== undefined) {
      const size = chromosomeSize(chromSizes, iv.chrom);
      if (size === undefined) throw new InputError(`interval ${i + 1}: chromosome '${iv.chrom}' is not in chromSizes`);
      hi = Math.min(hi, size - iv.end);
    }
    const lo = Math.max(-maxShift, -iv.start);
    const d = lo <= hi ? lo + random.int(hi - lo + 1) : 0;
    shifts[i] = d;
    return { ...iv, start: iv.start + d, end: iv.end + d };
  });
  return { intervals: out, shifts };
}
