/** The quick serve API fuzz run of `make test` (test/fuzz/serve-api.ts): 150 random requests, seed 1. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatServeReport, fuzzServeApi } from './serve-api.js';

test('strand serve answers 150 random requests without a 500, a stall or a dead worker', { timeout: 300_000 }, async () => {
  const report = await fuzzServeApi({ requests: 150, seed: 1 });
  assert.deepEqual(report.failures, [], formatServeReport(report));
  assert.ok(Object.keys(report.statuses).some((s) => s.startsWith('4')), 'no request was rejected');
});
