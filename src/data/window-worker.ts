/**
 * Worker thread of the genomic window loader (see window-pool.ts): opens the genome itself
 * from its path, then answers each request (window coordinates and reverse-complement flags,
 * decided on the main thread) with the batch's one-hot Float32Array, transferred (no copy).
 *
 * Imports only pure-JS modules (io, genomics, window-reader): never the native addon.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openGenome, type Genome, type OpenGenomeOptions } from '../io/genome.js';
import { encodeWindowBatch, type WindowBatchRequest } from './window-reader.js';

/** What the pool passes as `workerData`. */
export interface WindowWorkerData {
  genomePath: string;
  genomeOptions: OpenGenomeOptions;
  chromNames: string[];
  length: number;
  unknown: 0 | 0.25;
}

/** A request message: a batch id and its windows. */
export interface WindowWorkerRequest extends WindowBatchRequest {
  id: number;
}

/** An error as sent back to the main thread (class name, message and the FormatError fields). */
export interface SerializedError {
  name: string;
  message: string;
  file?: string;
  line?: number;
  field?: string;
}

export type WindowWorkerResponse =
  | { id: number; x: Float32Array }
  | { id: number; error: SerializedError };

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const e = error as Error & { file?: unknown; line?: unknown; field?: unknown };
  const out: SerializedError = { name: e.name, message: e.message };
  if (typeof e.file === 'string') out.file = e.file;
  if (typeof e.line === 'number') out.line = e.line;
  if (typeof e.field === 'string') out.field = e.field;
  return out;
}

const port = parentPort;
if (port === null) throw new Error('window-worker.js must run as a worker thread');
const data = workerData as WindowWorkerData;
const opening: Promise<Genome> = openGenome(data.genomePath, data.genomeOptions);
opening.catch(() => {}); // reported with the first request

port.on('message', (request: WindowWorkerRequest) => {
  void (async () => {
    try {
      const genome = await opening;
      const x = await encodeWindowBatch(genome, data.chromNames, data.length, request, { unknown: data.unknown });
      const response: WindowWorkerResponse = { id: request.id, x };
      port.postMessage(response, [x.buffer as ArrayBuffer]);
    } catch (error) {
      const response: WindowWorkerResponse = { id: request.id, error: serialize(error) };
      port.postMessage(response);
    }
  })();
});
