/**
 * The main-thread side of the model worker: starts it, sends it jobs and settles each job's
 * promise with the worker's answer. The main thread never touches tensors.
 *
 * A worker that dies (an uncaught error, a native crash that reaches JS, an exit) fails the jobs
 * it held with a 500 and is replaced by a new one, so the server keeps answering.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../../core/errors.js';
import type { ModelDescription } from '../../models/saved-model.js';
import { HttpError } from './http-error.js';
import type { FromWorker, GenomeSummary, Job, ModelWorkerData, ResultOf, ToWorker } from './protocol.js';

const WORKER_URL = new URL('./model-worker.js', import.meta.url);

export interface ModelClientOptions extends ModelWorkerData {
  /** Most jobs waiting or running at once; more are a 503. Default 1000. */
  maxQueuedJobs?: number;
  /** The worker script (tests substitute their own). Default: model-worker.js beside this file. */
  workerUrl?: URL;
}

/** What the worker reports once the model is loaded. */
export interface ModelServerInfo {
  model: ModelDescription;
  genome: GenomeSummary | null;
}

interface Pending {
  resolve: (result: never) => void;
  reject: (error: Error) => void;
}

export class ModelClient {
  #worker!: Worker;
  /** Settles when the current worker has exited. */
  #workerExited: Promise<void> = Promise.resolve();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closing = false;
  #restarts = 0;
  /** The current worker has loaded the model. */
  #workerReady = true;
  /** Why no worker can serve (a replacement failed to load the model). */
  #broken: string | undefined;
  readonly #options: ModelClientOptions;

  private constructor(
    options: ModelClientOptions,
    readonly info: ModelServerInfo,
  ) {
    this.#options = options;
  }

  /** Starts the worker and waits until the model is loaded; a load failure is an InputError. */
  static async start(options: ModelClientOptions): Promise<ModelClient> {
    const { worker, ready } = spawn(options);
    let info: ModelServerInfo;
    try {
      info = await ready;
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    const client = new ModelClient(options, info);
    client.#attach(worker);
    return client;
  }

  /** Jobs sent and not yet answered. */
  get pendingJobs(): number {
    return this.#pending.size;
  }

  /** Workers started after the first one died. */
  get restarts(): number {
    return this.#restarts;
  }

  run<J extends Job>(job: J): Promise<ResultOf<J>> {
    if (this.#closing) return Promise.reject(new HttpError(503, 'the server is shutting down'));
    if (this.#broken !== undefined) return Promise.reject(new HttpError(500, `the model worker could not be restarted: ${this.#broken}`));
    const max = this.#options.maxQueuedJobs ?? 1000;
    if (this.#pending.size >= max) return Promise.reject(new HttpError(503, `the model is busy: ${max} requests are waiting; try again later`));
    const id = this.#nextId++;
    return new Promise<ResultOf<J>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: never) => void, reject });
      const message: ToWorker = { type: 'job', id, job };
      this.#worker.postMessage(message);
    });
  }

  /** Fails waiting jobs with a 503, lets the worker finish its current job and free the model. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#failAll(new HttpError(503, 'the server is shutting down'));
    const worker = this.#worker;
    worker.postMessage({ type: 'stop' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), timeoutMs);
    await this.#workerExited;
    clearTimeout(timer);
  }

  #attach(worker: Worker): void {
    this.#worker = worker;
    this.#workerExited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromWorker) => this.#onMessage(message));
    worker.on('error', (err: Error) => this.#onDeath(worker, `${err.name}: ${err.message.split('\n')[0]}`));
    worker.on('exit', (code: number) => this.#onDeath(worker, `exit code ${code}`));
  }

  #onMessage(message: FromWorker): void {
    if (message.type === 'ready') this.#workerReady = true;
    if (message.type !== 'done' && message.type !== 'error') return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (message.type === 'done') pending.resolve(message.result as never);
    else pending.reject(new HttpError(message.status, message.message));
  }

  #onDeath(worker: Worker, reason: string): void {
    if (worker !== this.#worker || this.#closing) return;
    if (!this.#workerReady) {
      this.#broken ??= reason;
      this.#failAll(new HttpError(500, `the model worker could not be restarted: ${this.#broken}`));
      return;
    }
    this.#failAll(new HttpError(500, `the model worker stopped (${reason}) while answering this request; a new one has been started`));
    this.#restarts++;
    const next = spawn(this.#options);
    // A worker that fails to load reports it and waits to be stopped, so its message always
    // arrives before its exit (a worker's last messages can otherwise arrive after its 'exit').
    next.ready.catch((err: Error) => {
      this.#broken ??= err.message;
      this.#failAll(new HttpError(500, `the model worker could not be restarted: ${this.#broken}`));
      void next.worker.terminate();
    });
    this.#workerReady = false;
    this.#attach(next.worker);
  }

  #failAll(error: HttpError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }
}

function spawn(options: ModelClientOptions): { worker: Worker; ready: Promise<ModelServerInfo> } {
  const data: ModelWorkerData = { modelDir: options.modelDir };
  if (options.genomePath !== undefined) data.genomePath = options.genomePath;
  if (options.threads !== undefined) data.threads = options.threads;
  const worker = new Worker(options.workerUrl ?? WORKER_URL, { workerData: data });
  const ready = new Promise<ModelServerInfo>((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'ready') resolve({ model: message.model, genome: message.genome });
      else if (message.type === 'failed') reject(new InputError(message.message));
      else return;
      worker.off('message', onMessage);
    };
    worker.on('message', onMessage);
    worker.once('error', (err) => reject(new InputError(`the model worker failed to start: ${err.message.split('\n')[0]}`)));
    worker.once('exit', (code) => reject(new InputError(`the model worker exited (code ${code}) before the model was loaded`)));
  });
  return { worker, ready };
}
