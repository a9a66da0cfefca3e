/**
 * A pool of worker threads that read and one-hot encode batches of genomic windows
 * (window-worker.ts). Each worker opens the genome itself from its path; a request carries
 * only coordinates and reverse-complement flags, and the encoded Float32Array comes back
 * transferred, not copied.
 *
 * Workers hold the process open only while they have requests in flight (they are
 * `unref`'d when idle), so a forgotten `close()` never leaves a hanging process; a worker
 * that fails or exits fails every request in flight and closes the pool.
 */
import { Worker } from 'node:worker_threads';
import { FormatError, InputError } from '../core/errors.js';
import type { OpenGenomeOptions } from '../io/genome.js';
import type { WindowBatchRequest } from './window-reader.js';
import type { SerializedError, WindowWorkerData, WindowWorkerRequest, WindowWorkerResponse } from './window-worker.js';

/** The compiled worker script, beside this file (dist/src/data/window-worker.js). */
const WORKER_URL = new URL('./window-worker.js', import.meta.url);

export interface WindowPoolOptions {
  genomePath: string;
  /** Passed to `openGenome` in each worker. Default `{ writeIndex: false }`. */
  genomeOptions?: OpenGenomeOptions;
  /** Chromosome names; requests refer to them by index. */
  chromNames: readonly string[];
  /** Window length in bases. */
  length: number;
  /** Value of N / IUPAC codes in the four channels. Default 0.25. */
  unknown?: 0 | 0.25;
  /** Number of worker threads, >= 1. Default 1. */
  workers?: number;
}

interface Pending {
  resolve: (x: Float32Array) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Rebuilds a worker's error as the same class on this thread. */
function deserialize(e: SerializedError): Error {
  if (e.name === 'FormatError' && e.file !== undefined) {
    const where = [e.file, e.line === undefined ? undefined : `line ${e.line}`, e.field].filter(Boolean).join(': ');
    const problem = e.message.startsWith(`${where}: `) ? e.message.slice(where.length + 2) : e.message;
    return new FormatError(e.file, e.line, e.field, problem);
  }
  if (e.name === 'InputError') return new InputError(e.message);
  const error = new Error(`window loader worker: ${e.message}`);
  error.name = e.name;
  return error;
}

export class WindowWorkerPool {
  readonly size: number;
  #slots: Slot[] = [];
  #nextId = 0;
  #closed = false;
  #failure: Error | undefined;

  constructor(options: WindowPoolOptions) {
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new InputError(`workers must be an integer >= 1, got ${workers}`);
    this.size = workers;
    const workerData: WindowWorkerData = {
      genomePath: options.genomePath,
      genomeOptions: options.genomeOptions ?? { writeIndex: false },
      chromNames: [...options.chromNames],
      length: options.length,
      unknown: options.unknown ?? 0.25,
    };
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(WORKER_URL, { workerData });
      const slot: Slot = { worker, pending: new Map() };
      worker.unref();
      worker.on('message', (message: WindowWorkerResponse) => this.#onMessage(slot, message));
      worker.on('error', (error: Error) => this.#fail(new Error(`window loader worker failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code: number) => {
        if (!this.#closed) this.#fail(new Error(`window loader worker exited unexpectedly (exit code ${code})`));
      });
      this.#slots.push(slot);
    }
  }

  /** Number of requests in flight. */
  get pending(): number {
    return this.#slots.reduce((n, s) => n + s.pending.size, 0);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Reads and encodes one batch on the least busy worker: `[n, 4, length]` float32.
   * Rejects with the worker's error (InputError / FormatError as thrown there).
   */
  request(request: WindowBatchRequest): Promise<Float32Array> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new InputError('the window loader is closed'));
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.#nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      const message: WindowWorkerRequest = { id, ...request };
      slot.worker.postMessage(message);
    });
  }

  /** Terminates the workers; requests in flight are rejected. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = new InputError('the window loader was closed with requests in flight');
    for (const slot of this.#slots) {
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
    }
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #onMessage(slot: Slot, message: WindowWorkerResponse): void {
    const pending = slot.pending.get(message.id);
    if (pending === undefined) return;
    slot.pending.delete(message.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if ('error' in message) pending.reject(deserialize(message.error));
    else pending.resolve(message.x);
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined || this.#closed) return;
    this.#failure = error;
    for (const slot of this.#slots) {
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
    }
    void this.close();
  }
}
