/**
 * A `BatchSource` over genomic windows: sequences are read from the genome per batch
 * (the bulk path: `fetchWindows` + lookup-table one-hot), never held for the whole data set,
 * so memory stays bounded at genome scale.
 *
 * Determinism: the order of epoch e is a shuffle seeded by (seed, e); the augmentation of
 * batch b of epoch e (random shift of the coordinates before reading, reverse complement)
 * draws from a stream seeded by (seed, e, b). So `batches(e, k)` yields exactly batches
 * k, k+1, ... of the uninterrupted `batches(e, 0)`, with or without worker threads.
 *
 * Loading off the main thread: with `workers >= 1` (default 1) a pool of worker threads
 * reads and encodes the batches, and up to `prefetch` batches (default 4) are in flight
 * ahead of the consumer. The main thread only decides coordinates and flips and builds
 * the tensors (about 0.3 ms for 128 windows of 1 kb). The workers start with the first
 * iteration and serve later ones; they hold the process open only while requests are in
 * flight, stop on an error (the next iteration starts new ones) and at `close()`.
 *
 *   const source = await genomicBatches({
 *     genome: 'hg38.2bit', windows: data.windows, targets: labelTargets(data),
 *     batchSize: 64, seed: 1, reverseComplement: 0.5, shift: 20, workers: 2,
 *   });
 *   for await (const { inputs: [x], targets } of source.batches(0, 0)) { ... }  // x: [64, 4, L]
 *   await source.close();
 */
import { tensor } from '../core/create.js';
import { InputError } from '../core/errors.js';
import type { GenomicInterval } from '../genomics/intervals.js';
import { openGenome, type Genome, type OpenGenomeOptions } from '../io/genome.js';
import { randomShiftIntervals } from './augment.js';
import type { Batch, BatchSource } from './batch.js';
import { Random } from './random.js';
import { checkShard, shardPositions, type Shard } from './shard.js';
import { WindowWorkerPool } from './window-pool.js';
import { encodeWindowBatch, type WindowBatchRequest } from './window-reader.js';

/** Per-window targets: `values` row-major with shape `[N, ...]` (e.g. [N, T], [N, T, bins]). */
export interface WindowTargets {
  values: Float32Array | Uint8Array;
  shape: readonly number[];
}

export interface GenomicBatchOptions {
  /** The genome: a path (opened here, and by each worker) or an open genome (workers reopen `genome.path`). */
  genome: string | Genome;
  /** Options for opening the genome from a path. */
  genomeOptions?: OpenGenomeOptions;
  /** The windows, all of one length L; windows reaching outside a chromosome read as N there. */
  windows: readonly GenomicInterval[];
  /** Targets of each window, `[N, ...]` (Uint8Array labels are converted to float32 per batch). */
  targets: WindowTargets;
  /** Windows per batch (the last batch of an epoch may be smaller). */
  batchSize: number;
  /** Shuffle each epoch (seeded by seed and epoch). Default true. */
  shuffle?: boolean;
  /** Default 0. */
  seed?: number;
  /** Chance that a sample is reverse-complemented, 0..1. Default 0 (never). */
  reverseComplement?: number;
  /**
   * Target columns `[plus, minus]` measuring the two strands of one quantity: swapped in
   * reverse-complemented samples. Position axes of `[N, T, P]` targets are reversed then too.
   */
  strandPairs?: readonly (readonly [number, number])[];
  /**
   * Largest random shift in bases: each window moves by a uniform whole number of bases in
   * [-shift, shift] (never past its chromosome's ends) before it is read. Default 0. Only
   * with `[N, T]` targets (per-position targets would no longer line up).
   */
  shift?: number;
  /** Worker threads reading the batches; 0 reads on the calling thread. Default 1. */
  workers?: number;
  /** Batches in flight ahead of the consumer (with workers). Default 4. */
  prefetch?: number;
  /** Value of N / IUPAC codes in the four channels: 0.25 (default) or 0. */
  unknown?: 0 | 0.25;
  /**
   * Data-parallel training: this rank's share of every epoch (DistributedSampler's rules, see
   * shard.ts). Every rank draws the same epoch order; augmentations are drawn per rank.
   */
  shard?: Shard;
}

/** A batch source over genomic windows (none: zero batches); `close()` stops the workers (and closes a genome opened from a path). */
export interface GenomicBatchSource extends BatchSource {
  /** Window length L: inputs are `[n, 4, L]`. */
  readonly length: number;
  /** Per-sample target shape (targets are `[n, ...targetShape]`). */
  readonly targetShape: readonly number[];
  batches(epoch: number, from: number): AsyncIterable<Batch>;
  /**
   * The plan of one batch: window indices, coordinates after the shift, and flips. Exposed
   * for tests and debugging; `batches` follows it exactly.
   */
  plan(epoch: number, batch: number): BatchPlan;
  close(): Promise<void>;
  /** `await using source = await genomicBatches(...)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What batch b of epoch e is made of. */
export interface BatchPlan {
  /** Indices into `windows`. */
  indices: Int32Array;
  /** Windows as read (after the shift). */
  windows: GenomicInterval[];
  /** Shift of each sample in bases. */
  shifts: Int32Array;
  /** 1 where the sample is reverse-complemented. */
  flips: Uint8Array;
}

/** A 32-bit hash of integers (murmur3 finaliser steps), for independent seeded streams. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const p = Math.floor(part) % 4294967296;
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h ^ Math.floor(part / 4294967296), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

const ORDER_STREAM = 1;
const AUGMENT_STREAM = 2;

function checkOptions(options: GenomicBatchOptions): void {
  const { batchSize, reverseComplement = 0, shift = 0, workers = 1, prefetch = 4, unknown = 0.25, seed = 0 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!(reverseComplement >= 0 && reverseComplement <= 1)) throw new InputError(`reverseComplement must be a probability in [0, 1], got ${reverseComplement}`);
  if (!Number.isInteger(shift) || shift < 0) throw new InputError(`shift must be an integer >= 0, got ${shift}`);
  if (!Number.isInteger(workers) || workers < 0) throw new InputError(`workers must be an integer >= 0, got ${workers}`);
  if (!Number.isInteger(prefetch) || prefetch < 1) throw new InputError(`prefetch must be an integer >= 1, got ${prefetch}`);
  if (unknown !== 0 && unknown !== 0.25) throw new InputError(`unknown must be 0 or 0.25, got ${String(unknown)}`);
  if (!Number.isFinite(seed)) throw new InputError(`seed must be a finite number, got ${seed}`);
}

function checkTargets(targets: WindowTargets, count: number, shift: number, pairs: readonly (readonly [number, number])[]): readonly number[] {
  const { shape, values } = targets;
  if (shape.length < 1 || shape[0] !== count || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InputError(`expected targets of shape [${count}, ...] (one row per window), got [${shape.join(', ')}]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new InputError(`expected ${size} target values for shape [${shape.join(', ')}], got ${values.length}`);
  if (shift > 0 && shape.length > 2) {
    throw new InputError(`shift needs [N, T] targets; per-position targets [${shape.join(', ')}] would no longer line up with shifted windows`);
  }
  const tasks = shape[1] ?? 1;
  const seen = new Set<number>();
  for (const pair of pairs) {
    for (const column of pair) {
      if (!Number.isInteger(column) || column < 0 || column >= tasks || seen.has(column)) {
        throw new InputError(`strandPairs: expected distinct target columns in [0, ${tasks}), got [${pair.join(', ')}]`);
      }
      seen.add(column);
    }
  }
  return shape.slice(1);
}

/**
 * Builds a batch source over `options.windows` (see the module comment). Checks every window
 * (known chromosome, integer coordinates, one length) before any batch is read.
 */
export async function genomicBatches(options: GenomicBatchOptions): Promise<GenomicBatchSource> {
  checkOptions(options);
  const { windows, batchSize } = options;
  const length = windows.length === 0 ? 0 : windows[0]!.end - windows[0]!.start;
  if (windows.length > 0 && !(length > 0)) throw new InputError(`window 0 (${windows[0]!.chrom}:${windows[0]!.start}-${windows[0]!.end}) is empty`);
  const shift = options.shift ?? 0;
  const pairs = options.strandPairs ?? [];
  const targetShape = checkTargets(options.targets, windows.length, shift, pairs);
  const ownGenome = typeof options.genome === 'string';
  const genome = typeof options.genome === 'string' ? await openGenome(options.genome, options.genomeOptions) : options.genome;
  try {
    return new GenomicBatches(options, genome, ownGenome, length, targetShape, batchSize);
  } catch (error) {
    if (ownGenome) await genome.close();
    throw error;
  }
}

class GenomicBatches implements GenomicBatchSource {
  readonly batchesPerEpoch: number;
  readonly size: number;
  readonly length: number;
  readonly targetShape: readonly number[];
  #options: GenomicBatchOptions;
  #genome: Genome;
  #ownGenome: boolean;
  #chromNames: string[];
  #chromIds: Int32Array;
  #pool: WindowWorkerPool | undefined;
  #closed = false;
  #rowSize: number;
  #order: { epoch: number; order: Int32Array } | undefined;
  /** Positions of the epoch order this rank takes (data-parallel); undefined: all, in order. */
  readonly #positions: number[] | undefined;

  constructor(options: GenomicBatchOptions, genome: Genome, ownGenome: boolean, length: number, targetShape: readonly number[], batchSize: number) {
    this.#options = options;
    this.#genome = genome;
    this.#ownGenome = ownGenome;
    this.length = length;
    this.targetShape = targetShape;
    this.size = options.windows.length;
    if (options.shard !== undefined) checkShard(options.shard);
    this.#positions = options.shard !== undefined && options.shard.worldSize > 1 ? shardPositions(this.size, options.shard) : undefined;
    this.batchesPerEpoch = Math.ceil((this.#positions?.length ?? this.size) / batchSize);
    this.#rowSize = targetShape.reduce((a, b) => a * b, 1);
    const sizes = genome.chromosomes();
    this.#chromNames = [...sizes.keys()];
    const ids = new Map(this.#chromNames.map((name, i) => [name, i]));
    this.#chromIds = new Int32Array(this.size);
    const missing = new Set<string>();
    options.windows.forEach((w, i) => {
      if (!Number.isSafeInteger(w.start) || w.end - w.start !== length) {
        throw new InputError(`window ${i} (${w.chrom}:${w.start}-${w.end}) is not ${length} bases long like window 0; all windows must have one length`);
      }
      const id = ids.get(w.chrom);
      if (id === undefined) missing.add(w.chrom);
      else this.#chromIds[i] = id;
    });
    if (missing.size > 0) {
      const names = [...missing];
      throw new InputError(`${names.length} chromosome name${names.length === 1 ? '' : 's'} of the windows not in ${genome.path}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`);
    }
  }

  plan(epoch: number, batch: number): BatchPlan {
    if (!Number.isInteger(epoch) || epoch < 0) throw new InputError(`epoch must be an integer >= 0, got ${epoch}`);
    if (!Number.isInteger(batch) || batch < 0 || batch >= this.batchesPerEpoch) {
      throw new InputError(`batch must be an integer in [0, ${this.batchesPerEpoch}), got ${batch}`);
    }
    const { batchSize, seed = 0, reverseComplement = 0, shift = 0 } = this.#options;
    const order = this.#epochOrder(epoch);
    const positions = this.#positions;
    const indices =
      positions === undefined
        ? order.slice(batch * batchSize, Math.min(this.size, (batch + 1) * batchSize))
        : Int32Array.from(positions.slice(batch * batchSize, (batch + 1) * batchSize), (p) => order[p]!);
    // A sharded rank draws its own augmentations; one process draws as it always did.
    const random = new Random(positions === undefined ? mixSeed(AUGMENT_STREAM, seed, epoch, batch) : mixSeed(AUGMENT_STREAM, seed, epoch, batch, this.#options.shard!.rank));
    const selected = Array.from(indices, (i) => this.#options.windows[i]!);
    let windows = selected.map((w) => ({ chrom: w.chrom, start: w.start, end: w.end }));
    let shifts: Int32Array = new Int32Array(indices.length);
    if (shift > 0) {
      ({ intervals: windows, shifts } = randomShiftIntervals(windows, { random, maxShift: shift, chromSizes: this.#genome.chromosomes() }));
    }
    const flips = new Uint8Array(indices.length);
    if (reverseComplement > 0) for (let i = 0; i < flips.length; i++) flips[i] = random.next() < reverseComplement ? 1 : 0;
    return { indices, windows, shifts, flips };
  }

  async *batches(epoch: number, from: number): AsyncGenerator<Batch> {
    if (this.#closed) throw new InputError('this batch source is closed');
    if (!Number.isInteger(from) || from < 0 || from > this.batchesPerEpoch) {
      throw new InputError(`from must be an integer in [0, ${this.batchesPerEpoch}], got ${from}`);
    }
    if (!Number.isInteger(epoch) || epoch < 0) throw new InputError(`epoch must be an integer >= 0, got ${epoch}`);
    const workers = this.#options.workers ?? 1;
    if (workers === 0) {
      for (let b = from; b < this.batchesPerEpoch; b++) {
        const plan = this.plan(epoch, b);
        const x = await encodeWindowBatch(this.#genome, this.#chromNames, this.length, this.#request(plan), { unknown: this.#options.unknown ?? 0.25 });
        yield this.#batch(plan, x);
      }
      return;
    }
    const pool = this.#workerPool(workers);
    const prefetch = this.#options.prefetch ?? 4;
    const queue: { plan: BatchPlan; x: Promise<Float32Array> }[] = [];
    let next = from;
    const fill = (): void => {
      while (queue.length < prefetch && next < this.batchesPerEpoch) {
        const plan = this.plan(epoch, next++);
        const x = pool.request(this.#request(plan));
        x.catch(() => {}); // handled when awaited; never an unhandled rejection meanwhile
        queue.push({ plan, x });
      }
    };
    let failed = false;
    try {
      fill();
      while (queue.length > 0) {
        const head = queue.shift()!;
        let x: Float32Array;
        try {
          x = await head.x;
        } catch (error) {
          failed = true;
          throw error;
        }
        fill();
        yield this.#batch(head.plan, x);
      }
    } finally {
      // Abandoned requests finish in the workers and are dropped; on an error the pool is stopped.
      if (failed && this.#pool === pool) {
        this.#pool = undefined;
        await pool.close();
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool !== undefined) await pool.close();
    if (this.#ownGenome) await this.#genome.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #workerPool(workers: number): WindowWorkerPool {
    if (this.#pool === undefined || this.#pool.closed) {
      this.#pool = new WindowWorkerPool({
        genomePath: this.#genome.path,
        genomeOptions: { ...this.#options.genomeOptions, writeIndex: false },
        chromNames: this.#chromNames,
        length: this.length,
        unknown: this.#options.unknown ?? 0.25,
        workers,
      });
    }
    return this.#pool;
  }

  #epochOrder(epoch: number): Int32Array {
    if (this.#order?.epoch === epoch) return this.#order.order;
    const order = Int32Array.from({ length: this.size }, (_, i) => i);
    if (this.#options.shuffle ?? true) {
      const random = new Random(mixSeed(ORDER_STREAM, this.#options.seed ?? 0, epoch));
      for (let i = order.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    this.#order = { epoch, order };
    return order;
  }

  #request(plan: BatchPlan): WindowBatchRequest {
    const n = plan.indices.length;
    const chromIds = new Int32Array(n);
    const starts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      chromIds[i] = this.#chromIds[plan.indices[i]!]!;
      starts[i] = plan.windows[i]!.start;
    }
    return { chromIds, starts, flips: plan.flips };
  }

  /** The batch tensors: inputs [n, 4, L] and the gathered (and, for flipped samples, transformed) targets. */
  #batch(plan: BatchPlan, x: Float32Array): Batch {
    const n = plan.indices.length;
    const size = this.#rowSize;
    const source = this.#options.targets.values;
    const y = new Float32Array(n * size);
    for (let i = 0; i < n; i++) {
      const row = plan.indices[i]! * size;
      for (let k = 0; k < size; k++) y[i * size + k] = source[row + k]!;
    }
    if (plan.flips.some((f) => f === 1)) flipTargets(y, plan.flips, this.targetShape, this.#options.strandPairs ?? []);
    return { inputs: [tensor(x, [n, 4, this.length])], targets: tensor(y, [n, ...this.targetShape]) };
  }
}

/**
 * For reverse-complemented samples: swaps the columns of each strand pair and, for targets
 * with positions (`[T, P]` per sample), reverses the position axis. In place.
 */
function flipTargets(y: Float32Array, flips: Uint8Array, shape: readonly number[], pairs: readonly (readonly [number, number])[]): void {
  const T = shape[0] ?? 1;
  const P = shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  if (pairs.length === 0 && P === 1) return;
  const partner = Int32Array.from({ length: T }, (_, t) => t);
  for (const [a, b] of pairs) {
    partner[a] = b;
    partner[b] = a;
  }
  const row = T * P;
  const copy = new Float32Array(row);
  for (let n = 0; n < flips.length; n++) {
    if (flips[n] !== 1) continue;
    const base = n * row;
    copy.set(y.subarray(base, base + row));
    for (let t = 0; t < T; t++) {
      for (let p = 0; p < P; p++) y[base + t * P + p] = copy[partner[t]! * P + (P - 1 - p)]!;
    }
  }
}
