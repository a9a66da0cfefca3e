/**
 * A fuzz child process: receives one `FuzzJob`, builds each input from its seed, writes
 * its files, runs the target's reader and reports the outcome. The parent time-boxes each
 * input (from the `start` message) and sees a native crash as this process dying.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { classifyError, type Outcome } from './outcome.js';
import { buildInput, writeInput } from './fuzz-input.js';
import type { ChildMessage, FuzzJob } from './protocol.js';
import { fuzzTarget } from './targets.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

let current: { index: number; steps: string[] } | undefined;

async function run(job: FuzzJob): Promise<void> {
  const target = fuzzTarget(job.target);
  target.prepare();
  for (let index = job.from; index < job.to; index++) {
    const input = buildInput(job.target, job.seed, index);
    const dir = join(job.dir, `${job.target}-${index}`);
    const paths = writeInput(input, dir);
    current = { index, steps: input.steps };
    await send({ kind: 'start', index });
    let outcome: Outcome;
    try {
      await target.read(paths);
      outcome = { outcome: 'ok' };
    } catch (error) {
      outcome = classifyError(error, paths);
    }
    current = undefined;
    rmSync(dir, { recursive: true, force: true });
    await send({ kind: 'result', index, ...outcome, steps: input.steps });
  }
  await send({ kind: 'done' });
  process.disconnect();
}

/** An error thrown outside the reader's promise (a library callback): a raw exception of the input running. */
function uncaught(error: unknown): void {
  const { detail } = classifyError(error, []);
  const index = current?.index ?? -1;
  void send({ kind: 'result', index, outcome: 'raw-exception', detail: `uncaught: ${detail}`, steps: current?.steps ?? [] }).then(() => process.exit(70));
}

if (process.send !== undefined) {
  process.on('uncaughtException', uncaught);
  process.on('unhandledRejection', uncaught);
  process.once('message', (job: FuzzJob) => void run(job));
}
