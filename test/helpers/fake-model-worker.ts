/**
 * A stand-in for the model worker (same protocol, no model) for the ModelClient tests. A predict
 * job answers each sequence with its length, except the sequences 'CRASH' (the worker exits with
 * code 3), 'UNCAUGHT' (an uncaught exception) and 'SLOW' (answered after 300 ms). `modelDir` is a
 * folder where each start is counted; with a `fail-restart` file there, every start after the
 * first fails.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ModelWorkerData, ToWorker } from '../../src/cli/serve/protocol.js';
import type { ModelDescription } from '../../src/models/saved-model.js';

const port = parentPort!;
const { modelDir } = workerData as ModelWorkerData;
const countFile = join(modelDir, 'starts');
const starts = (existsSync(countFile) ? Number(readFileSync(countFile, 'utf8')) : 0) + 1;
writeFileSync(countFile, String(starts));
const send = (m: FromWorker): void => port.postMessage(m);

if (starts > 1 && existsSync(join(modelDir, 'fail-restart'))) {
  send({ type: 'failed', message: 'cannot load the fake model' });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') port.close();
  });
} else {
  const model = { architecture: { name: 'fake', options: {} }, input: { kind: 'sequence', length: 4 }, task: { kind: 'regression', outputs: ['length'] } } as unknown as ModelDescription;
  send({ type: 'ready', model, genome: null });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') return port.close();
    if (m.job.kind !== 'predict') return send({ type: 'error', id: m.id, status: 400, message: 'fake worker: predict only' });
    const first = m.job.sequences[0];
    if (first === 'CRASH') process.exit(3);
    if (first === 'UNCAUGHT') setImmediate(() => { throw new Error('boom'); });
    const answer = (): void => send({ type: 'done', id: m.id, result: { kind: 'predict', values: Float32Array.from((m as { job: { sequences: string[] } }).job.sequences, (s) => s.length) } });
    if (first === 'SLOW') setTimeout(answer, 300);
    else if (first !== 'UNCAUGHT') answer();
  });
}
