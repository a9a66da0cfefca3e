/**
 * Data-parallel training (PyTorch DDP's semantics) over a ProcessGroup, as the hooks fit()
 * calls through its `distributed` option: rank 0's parameters and buffers to every rank at the
 * start, rank 0's buffers again before every forward (broadcast_buffers), and gradients
 * averaged after backward in flat buckets of about 25 MB, filled from the last parameter to
 * the first (roughly the order backward produces them), as PyTorch's Reducer fills them.
 */
import { InputError, tensor, type Tensor } from '../core/index.js';
import type { Module } from '../nn/index.js';
import type { GradientReducer, ProcessGroup } from './process-group.js';

export interface DataParallelOptions {
  /** Bytes of gradients reduced together. Default 25 MiB (DDP's bucket_cap_mb). */
  bucketBytes?: number;
  /** Send rank 0's buffers (BatchNorm statistics) to every rank before each forward. Default true. */
  broadcastBuffers?: boolean;
  /**
   * Average during backward with c10d's Reducer once the first step has shown that every
   * parameter gets a gradient (else, and with false, after backward). Default true.
   */
  overlap?: boolean;
}

/** DDP's first bucket: small, so the first allreduce starts early in backward. */
const FIRST_BUCKET_BYTES = 1024 * 1024;

export const DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024;

const BYTES: Record<string, number> = { float64: 8, int64: 8, float32: 4, int32: 4, float16: 2, bfloat16: 2, int16: 2 };

/**
 * Groups of consecutive tensors (in the given order) of at most `capBytes` each; a tensor
 * larger than the cap gets a group of its own.
 */
export function buckets<T>(items: readonly T[], bytesOf: (item: T) => number, capBytes: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let filled = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (current.length > 0 && filled + size > capBytes) {
      out.push(current);
      current = [];
      filled = 0;
    }
    current.push(item);
    filled += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** NaN and infinities survive the trip (JSON has no literal for them). */
const encodeNumbers = (value: Record<string, number>) =>
  new TextEncoder().encode(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
const decodeNumbers = (bytes: Uint8Array) =>
  JSON.parse(new TextDecoder().decode(bytes), (_k, v: unknown) => (typeof v === 'string' ? Number(v) : v)) as Record<string, number>;

export class DataParallel {
  readonly group: ProcessGroup;
  readonly model: Module;
  readonly #bucketBytes: number;
  readonly #broadcastBuffers: boolean;
  #overlap: boolean;
  /** Decided after the first synchronised step; undefined before. */
  #reducer: GradientReducer | undefined;
  /** The last backward pass was averaged by the reducer. */
  #reduced = false;

  constructor(group: ProcessGroup, model: Module, options: DataParallelOptions = {}) {
    const bucketBytes = options.bucketBytes ?? DEFAULT_BUCKET_BYTES;
    if (!(bucketBytes > 0)) throw new InputError(`expected bucketBytes to be positive, got ${bucketBytes}`);
    this.group = group;
    this.model = model;
    this.#bucketBytes = bucketBytes;
    this.#broadcastBuffers = options.broadcastBuffers ?? true;
    this.#overlap = (options.overlap ?? true) && group.worldSize > 1;
  }

  /** Gradients are averaged during backward by c10d's Reducer (from the second synchronised step). */
  get overlapping(): boolean {
    return this.#reducer !== undefined;
  }

  get rank(): number {
    return this.group.rank;
  }

  get worldSize(): number {
    return this.group.worldSize;
  }

  /** Every rank takes rank 0's parameters and buffers. */
  async synchronize(): Promise<void> {
    const state = [...this.model.parameters(), ...this.model.namedBuffers().values()];
    if (state.length > 0) await this.group.broadcast(state, 0);
  }

  /** Rank 0's buffers to every rank (a no-op without buffers or with broadcastBuffers off). */
  async beforeForward(): Promise<void> {
    const buffers = [...this.model.namedBuffers().values()];
    if (this.#broadcastBuffers && buffers.length > 0 && this.worldSize > 1) await this.group.broadcast(buffers, 0);
  }

  #trainable(): Tensor[] {
    return this.model.parameters().filter((p) => p.requiresGrad);
  }

  backward(sync: boolean, run: () => void): void {
    this.#reduced = sync && this.#reducer !== undefined;
    if (!this.#reduced) {
      run();
      return;
    }
    this.#reducer!.prepare();
    this.#reducer!.backward(run);
  }

  /**
   * Each trainable parameter's gradient becomes its mean over ranks: already done when the
   * reducer ran in backward; else here, in flat buckets all in flight at once. A parameter
   * without a gradient on this rank (unused in its forward) contributes zeros, so every rank
   * reduces the same buckets. After the first such step, when every parameter had a gradient
   * on every rank, later steps use the reducer.
   */
  async averageGradients(): Promise<void> {
    if (this.#reduced) {
      this.#reduced = false;
      return;
    }
    const params = this.#trainable().reverse();
    let complete = 1;
    const grads = params.map((p) => {
      const g = p.grad;
      if (g !== null) return g;
      complete = 0;
      const zeros = tensor(new Float32Array(p.numel), p.shape, p.dtype);
      p.grad = zeros;
      return zeros;
    });
    try {
      const groups = buckets(grads, (g) => g.numel * (BYTES[g.dtype] ?? 4), this.#bucketBytes);
      await Promise.all(groups.map((bucket) => this.group.allreduce(bucket, 'avg')));
    } finally {
      for (const g of grads) g.dispose();
    }
    if (this.#overlap && this.#reducer === undefined) {
      const [everywhere] = await this.sum([complete]);
      if (everywhere === this.worldSize) this.#reducer = this.group.gradientReducer(this.#trainable(), this.#bucketBytes, FIRST_BUCKET_BYTES);
      else this.#overlap = false;
    }
  }

  /** Releases the reducer (its hooks stay on the parameters but do nothing). */
  destroy(): void {
    this.#reducer?.destroy();
    this.#reducer = undefined;
  }

  /** Element-wise sums of `values` over ranks (float64). */
  async sum(values: readonly number[]): Promise<number[]> {
    const t = tensor(Float64Array.from(values));
    try {
      await this.group.allreduce([t], 'sum');
      return t.toArray();
    } finally {
      t.dispose();
    }
  }

  /** Rank 0's record of numbers on every rank; the others pass undefined. */
  async fromRank0(value: Record<string, number> | undefined): Promise<Record<string, number>> {
    if (this.rank === 0 && value === undefined) throw new InputError('rank 0 must pass the value it shares');
    const bytes = this.rank === 0 ? encodeNumbers(value!) : undefined;
    const length = await this.#broadcastValues(new Float64Array([bytes?.length ?? 0]));
    const received = await this.#broadcastValues(bytes ?? new Uint8Array(length[0]!));
    return decodeNumbers(received as Uint8Array);
  }

  async #broadcastValues<A extends Float64Array | Uint8Array>(values: A): Promise<A> {
    if (values.length === 0) return values;
    const t: Tensor = tensor(values);
    try {
      await this.group.broadcast([t], 0);
      return t.data() as A;
    } finally {
      t.dispose();
    }
  }
}
