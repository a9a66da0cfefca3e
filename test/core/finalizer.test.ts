import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import { ops } from '../../src/index.js';

test('forgotten tensors are freed by the GC finalizer backstop (8 GB made, memory stays bounded) [slow]', async () => {
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 2000; i++) {
    ops.zeros([1024, 1024]); // 4 MB, never disposed
    if (i % 10 === 0) await nextTurn(); // native finalizers run between event-loop turns
  }
  const growthMb = (process.memoryUsage().rss - before) / 2 ** 20;
  assert.ok(growthMb < 1024, `resident memory grew by ${growthMb.toFixed(0)} MB`);
});
