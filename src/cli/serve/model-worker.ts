/**
 * The worker thread of `strand serve`: the only thread that touches tensors. Loads the model
 * (and the genome), then runs jobs one at a time in arrival order; predict jobs waiting
 * together at the head of the queue run as one model call. A job that throws is answered with
 * an error (HttpError status, else 500) and the worker goes on with the next.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../../core/errors.js';
import { HttpError } from './http-error.js';
import { ModelJobs } from './model-jobs.js';
import type { FromWorker, Job, JobResult, ModelWorkerData, PredictJob, ToWorker } from './protocol.js';

/** Most sequences in one batched model call of queued predict jobs. */
const MAX_BATCHED_SEQUENCES = 256;

const port = parentPort;
if (port === null) throw new Error('model-worker.js must run as a worker thread');

interface Queued {
  id: number;
  job: Job;
}

const queue: Queued[] = [];
let running = false;
let stopping = false;
const opening = ModelJobs.open(workerData as ModelWorkerData);

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function sendError(id: number, error: unknown): void {
  if (error instanceof HttpError) send({ type: 'error', id, status: error.status, message: error.message });
  // What the model cannot do with this request (e.g. DeepLIFT on an LSTM) is the request's problem.
  else if (error instanceof InputError) send({ type: 'error', id, status: 422, message: error.message });
  else {
    const e = error instanceof Error ? error : new Error(String(error));
    send({ type: 'error', id, status: 500, message: `${e.name}: ${e.message.split('\n')[0]}` });
  }
}

function sendResult(id: number, result: JobResult): void {
  const transfer =
    result.kind === 'predict'
      ? [result.values.buffer]
      : result.kind === 'explain'
        ? [result.attributions.buffer, result.predictions.buffer, ...(result.profiles ? [result.profiles.values.buffer] : [])]
        : [];
  send({ type: 'done', id, result }, transfer as ArrayBuffer[]);
}

/** The predict jobs at the head of the queue that fit one batch (at least one). */
function takePredictBatch(): { id: number; job: PredictJob }[] {
  const batch: { id: number; job: PredictJob }[] = [];
  let count = 0;
  while (queue.length > 0 && queue[0]!.job.kind === 'predict') {
    const job = queue[0]!.job as PredictJob;
    if (batch.length > 0 && count + job.sequences.length > MAX_BATCHED_SEQUENCES) break;
    batch.push({ id: queue.shift()!.id, job });
    count += job.sequences.length;
  }
  return batch;
}

async function runNext(jobs: ModelJobs): Promise<void> {
  if (queue[0]!.job.kind === 'predict') {
    const batch = takePredictBatch();
    try {
      const values = jobs.predict(batch.map((b) => b.job.sequences));
      batch.forEach((b, i) => sendResult(b.id, { kind: 'predict', values: values[i]! }));
    } catch (err) {
      for (const b of batch) sendError(b.id, err);
    }
    return;
  }
  const { id, job } = queue.shift()!;
  try {
    if (job.kind === 'explain') sendResult(id, jobs.explain(job));
    else if (job.kind === 'score-variant') sendResult(id, await jobs.scoreVariant(job));
    else if (job.kind === 'design') sendResult(id, await jobs.design(job));
  } catch (err) {
    sendError(id, err);
  }
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  const jobs = await opening;
  while (queue.length > 0 && !stopping) {
    await runNext(jobs);
    // Let jobs that arrived meanwhile join the queue (and batch) before the next one runs.
    await new Promise((resolve) => setImmediate(resolve));
  }
  running = false;
  if (stopping) await stop(jobs);
}

async function stop(jobs: ModelJobs): Promise<void> {
  await jobs.close();
  port!.close();
}

opening.then(
  (jobs) => send({ type: 'ready', model: jobs.servedDescription(), genome: jobs.genomeSummary() }),
  (err: unknown) => {
    // Stay alive until the client stops this worker, so 'failed' arrives before the exit.
    send({ type: 'failed', message: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
  },
);

port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') {
    stopping = true;
    queue.length = 0;
    if (!running) void opening.then(stop, () => port.close());
    return;
  }
  queue.push({ id: message.id, job: message.job });
  void drain().catch(() => {}); // a failed start was reported as 'failed'
});
