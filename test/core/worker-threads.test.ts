import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));

// The addon is loaded by the main thread and again by each worker (its own Node environment);
// a TorchError raised in one must not touch another's error class, before or after a worker ends.
const script = `
import { Worker } from 'node:worker_threads';
const strand = await import(${JSON.stringify(index)});
const fail = \`const s = await import(${JSON.stringify(index)});
try { s.ops.reshape(s.tensor([1, 2, 3]), [5]); } catch (e) { (await import('node:worker_threads')).parentPort.postMessage(e.name); }\`;
for (let i = 0; i < 4; i++) {
  const w = new Worker(fail, { eval: true });
  const [name] = await Promise.all([new Promise((r) => w.once('message', r)), new Promise((r) => w.once('exit', r))]);
  console.log(name);
  globalThis.gc();
}
try { strand.ops.reshape(strand.tensor([1, 2, 3]), [5]); } catch (e) { console.log(e.name); }
`;

test('worker threads load the addon beside the main thread; TorchErrors stay per thread after workers exit', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['TorchError', 'TorchError', 'TorchError', 'TorchError', 'TorchError']);
});
