import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import { HttpError } from '../../../src/cli/serve/http-error.js';
import { ModelClient } from '../../../src/cli/serve/model-client.js';
import { tempDir } from '../../data/genomic-fixtures.js';

const workerUrl = new URL('../../helpers/fake-model-worker.js', import.meta.url);

async function withClient(fn: (client: ModelClient, dir: string) => Promise<void>, options: { maxQueuedJobs?: number } = {}): Promise<void> {
  const tmp = tempDir('strand-model-client-');
  const client = await ModelClient.start({ modelDir: tmp.dir, workerUrl, ...options });
  try {
    await fn(client, tmp.dir);
  } finally {
    await client.close();
    tmp.remove();
  }
}

const predict = (client: ModelClient, ...sequences: string[]) => client.run({ kind: 'predict', sequences }).then((r) => Array.from(r.values));
const isHttp = (status: number, message: RegExp) => (e: unknown) => e instanceof HttpError && e.status === status && message.test(e.message);

test('jobs are answered in order; the worker reports the model it loaded', async () => {
  await withClient(async (client) => {
    assert.equal(client.info.model.architecture.name, 'fake');
    const answers = await Promise.all([predict(client, 'SLOW', 'AC'), predict(client, 'ACGT'), predict(client, 'A')]);
    assert.deepEqual(answers, [[4, 2], [4], [1]]);
  });
});

test('a worker that dies fails its jobs with a 500 and is replaced; a worker job error keeps its status', async () => {
  await withClient(async (client) => {
    await assert.rejects(predict(client, 'CRASH'), isHttp(500, /the model worker stopped \(exit code 3\) while answering this request; a new one has been started/));
    assert.deepEqual(await predict(client, 'ACG'), [3]);
    await assert.rejects(predict(client, 'UNCAUGHT'), isHttp(500, /the model worker stopped \(Error: boom\)/));
    assert.deepEqual(await predict(client, 'AC'), [2]);
    assert.equal(client.restarts, 2);
    await assert.rejects(client.run({ kind: 'explain', sequences: ['A'], method: 'saliency', task: 'length', steps: 1, shuffles: 1 }), isHttp(400, /predict only/));
  });
});

test('a replacement that cannot load the model makes every later job a 500 (no restart loop)', async () => {
  await withClient(async (client, dir) => {
    writeFileSync(join(dir, 'fail-restart'), '');
    await assert.rejects(predict(client, 'CRASH'), isHttp(500, /stopped/));
    await assert.rejects(predict(client, 'ACGT'), isHttp(500, /the model worker could not be restarted: cannot load the fake model/));
    await assert.rejects(predict(client, 'ACGT'), isHttp(500, /could not be restarted/));
    assert.equal(client.restarts, 1);
  });
});

test('too many waiting jobs are a 503; closing fails waiting jobs with a 503', async () => {
  await withClient(
    async (client) => {
      const first = predict(client, 'SLOW');
      const second = predict(client, 'SLOW');
      await assert.rejects(predict(client, 'A'), isHttp(503, /the model is busy: 2 requests are waiting/));
      assert.deepEqual(await Promise.all([first, second]), [[4], [4]]);
      const waiting = assert.rejects(predict(client, 'SLOW'), isHttp(503, /shutting down/));
      await client.close();
      await waiting;
      await assert.rejects(predict(client, 'A'), isHttp(503, /shutting down/));
    },
    { maxQueuedJobs: 2 },
  );
});

test('a model that cannot be loaded fails start() with an InputError', async () => {
  const tmp = tempDir('strand-model-client-');
  try {
    await assert.rejects(ModelClient.start({ modelDir: tmp.dir }), (e: unknown) => e instanceof InputError && /is not a saved Strand model/.test((e as Error).message));
  } finally {
    tmp.remove();
  }
});
