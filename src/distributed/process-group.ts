/**
 * A process group on libtorch's c10d with Gloo: the ranks of one training job, met through a
 * store (TCP, served by one rank, or a shared file), and the collectives they run together.
 * Every collective returns a Promise: the waiting happens off the event loop. All ranks must
 * call the same collectives in the same order.
 */
import { InputError, Tensor, TorchError } from '../core/index.js';
import type { NativeDistributed } from '../core/binding.js';
import { requireDistributed } from './availability.js';

/** Where ranks meet: a TCP store served by the rank with `isServer`, or a file all ranks can open. */
export type StoreOptions =
  | { kind: 'tcp'; host: string; port: number; isServer: boolean }
  /** The file must not hold a previous job's keys: use a fresh path per job. */
  | { kind: 'file'; path: string };

export interface ProcessGroupOptions {
  rank: number;
  worldSize: number;
  store: StoreOptions;
  /** How long joining and each collective may wait for the other ranks. Default 1,800,000 ms (PyTorch's 30 min). */
  timeoutMs?: number;
  /**
   * The local address Gloo binds for rank-to-rank traffic. Default: 127.0.0.1 when the TCP store
   * is on loopback or the store is a file, else the address the host name resolves to.
   */
  bindAddress?: string;
  /** A network interface for Gloo instead (like GLOO_SOCKET_IFNAME), e.g. 'eth0'. */
  interface?: string;
}

export type ReduceOp = 'sum' | 'avg' | 'max' | 'min';

export const DEFAULT_TIMEOUT_MS = 1_800_000;

/** What Gloo says when the other end of a rank-to-rank connection went away. */
const PEER_GONE = /connection (reset|closed) by peer|read error|write error|socket closed|broken pipe|end of file/i;

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

function checkOptions(o: ProcessGroupOptions): void {
  if (!Number.isInteger(o.worldSize) || o.worldSize < 1) throw new InputError(`expected worldSize to be a positive integer, got ${o.worldSize}`);
  if (!Number.isInteger(o.rank) || o.rank < 0 || o.rank >= o.worldSize) {
    throw new InputError(`expected rank to be an integer in [0, ${o.worldSize - 1}], got ${o.rank}`);
  }
  if (o.timeoutMs !== undefined && !(Number.isFinite(o.timeoutMs) && o.timeoutMs > 0)) {
    throw new InputError(`expected timeoutMs to be a positive number, got ${o.timeoutMs}`);
  }
  if (o.store.kind === 'tcp') {
    if (!Number.isInteger(o.store.port) || o.store.port < 1 || o.store.port > 65535) {
      throw new InputError(`expected the store port to be an integer in [1, 65535], got ${o.store.port}`);
    }
    if (o.store.host === '') throw new InputError('expected a store host, got an empty string');
  } else if (o.store.path === '') {
    throw new InputError('expected a store file path, got an empty string');
  }
}

function nonEmpty(tensors: readonly Tensor[], op: string): void {
  if (tensors.length === 0) throw new InputError(`${op} needs at least one tensor, got none`);
}

export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly #native: NativeDistributed;
  #id: number | null;

  private constructor(native: NativeDistributed, id: number, rank: number, worldSize: number) {
    this.#native = native;
    this.#id = id;
    this.rank = rank;
    this.worldSize = worldSize;
  }

  /**
   * Joins the group: opens the store, waits until every rank has announced itself (naming the
   * ranks that never did when `timeoutMs` runs out), then connects the ranks pairwise.
   */
  static async create(options: ProcessGroupOptions): Promise<ProcessGroup> {
    checkOptions(options);
    const native = requireDistributed();
    const { store } = options;
    const loopback = store.kind === 'file' || isLoopback(store.host);
    const id = await native.create({
      rank: options.rank,
      worldSize: options.worldSize,
      store: store.kind,
      host: store.kind === 'tcp' ? store.host : '',
      port: store.kind === 'tcp' ? store.port : 0,
      isServer: store.kind === 'tcp' && store.isServer,
      path: store.kind === 'file' ? store.path : '',
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      deviceHostname: options.interface !== undefined ? '' : options.bindAddress ?? (loopback ? '127.0.0.1' : ''),
      deviceInterface: options.interface ?? '',
    });
    return new ProcessGroup(native, id, options.rank, options.worldSize);
  }

  /** A collective, with a lost peer named in its error (Gloo names only an address). */
  async #collective<T>(op: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw this.#explainFailure(op, err);
    }
  }

  #explainFailure(op: string, err: unknown): unknown {
    const message = err instanceof Error ? err.message : String(err);
    if (!PEER_GONE.test(message)) return err;
    const peer = this.worldSize === 2 ? `rank ${1 - this.rank}` : 'another rank';
    const detail = message.replace(/^.*?\]\s*/, '');
    return new TorchError(`${op} on rank ${this.rank} of ${this.worldSize}: ${peer} is gone (it exited, crashed or was killed; Gloo: ${detail}); this rank stops too`, { op, cause: err });
  }

  get #group(): number {
    if (this.#id === null) throw new InputError('the process group was destroyed');
    return this.#id;
  }

  /**
   * Reduces `tensors` in place across ranks ('avg': the sum divided by worldSize; floating
   * tensors only). Tensors of one dtype travel as one flat buffer.
   */
  async allreduce(tensors: readonly Tensor[], op: ReduceOp = 'sum'): Promise<void> {
    nonEmpty(tensors, 'allreduce');
    if (op === 'avg') {
      const integral = tensors.find((t) => !t.dtype.startsWith('float') && t.dtype !== 'bfloat16');
      if (integral !== undefined) throw new InputError(`allreduce 'avg' needs floating-point tensors, got ${integral.dtype}`);
    }
    await this.#collective('allreduce', () => this.#native.allreduce(this.#group, tensors.map((t) => t.handle), op));
  }

  /** Copies rank `root`'s values of `tensors` into every rank's `tensors`, in place. */
  async broadcast(tensors: readonly Tensor[], root = 0): Promise<void> {
    nonEmpty(tensors, 'broadcast');
    if (!Number.isInteger(root) || root < 0 || root >= this.worldSize) {
      throw new InputError(`expected the broadcast root to be a rank in [0, ${this.worldSize - 1}], got ${root}`);
    }
    await this.#collective('broadcast', () => this.#native.broadcast(this.#group, tensors.map((t) => t.handle), root));
  }

  /** Every rank's `tensor` (same shape and dtype on all ranks), in rank order. */
  async allgather(tensor: Tensor): Promise<Tensor[]> {
    const handles = await this.#collective('allgather', () => this.#native.allgather(this.#group, tensor.handle));
    return handles.map((h) => new Tensor(h));
  }

  /** Waits until every rank arrives; on timeout rank 0 names the ranks that did not. */
  async barrier(): Promise<void> {
    await this.#collective('barrier', () => this.#native.barrier(this.#group));
  }

  /**
   * c10d's gradient Reducer over `params` (see GradientReducer): the allreduce of each bucket
   * starts during backward, as soon as its gradients are done.
   */
  gradientReducer(params: readonly Tensor[], bucketBytes: number, firstBucketBytes: number): GradientReducer {
    const id = this.#native.reducerCreate(this.#group, params.map((p) => p.handle), bucketBytes, firstBucketBytes);
    return new GradientReducer(this.#native, id, (op, err) => this.#explainFailure(op, err));
  }

  /** Leaves the group (its connections close). Idempotent. */
  destroy(): void {
    if (this.#id === null) return;
    this.#native.destroy(this.#id);
    this.#id = null;
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}

/**
 * PyTorch DDP's own gradient Reducer (c10d), bound to a fixed list of parameters. After
 * `prepare()`, the next backward pass averages every parameter's gradient over the ranks:
 * hooks on the gradient accumulators fill flat buckets and start their allreduce while
 * backward still runs, and backward returns once the means are in the gradients. Every
 * parameter must receive a gradient in that pass. A backward without `prepare()` (gradient
 * accumulation) stays local.
 */
export class GradientReducer {
  readonly #native: NativeDistributed;
  #id: number | null;
  readonly #explain: (op: string, err: unknown) => unknown;

  constructor(native: NativeDistributed, id: number, explain: (op: string, err: unknown) => unknown) {
    this.#native = native;
    this.#id = id;
    this.#explain = explain;
  }

  prepare(): void {
    if (this.#id === null) throw new InputError('the gradient reducer was destroyed');
    this.#native.reducerPrepare(this.#id);
  }

  /** Runs a backward pass, naming a lost rank if the reduction inside it fails. */
  backward(run: () => void): void {
    try {
      run();
    } catch (err) {
      throw this.#explain('allreduce of the gradients during backward', err);
    }
  }

  destroy(): void {
    if (this.#id === null) return;
    this.#native.reducerDestroy(this.#id);
    this.#id = null;
  }
}
