/**
 * The quick fuzz run of `make test`: 120 seeded mutations of real files for every reader
 * (test/fuzz/targets.ts), each input time-boxed in a child process. Every input must end in a
 * result or a Strand error naming the file; never a raw exception, a hang or a crash. The full
 * run (>= 100,000 inputs) is `make fuzz`. A failing input is rebuilt by its target and index:
 * `node scripts/fuzz.mjs --targets NAME --inputs N --save DIR` writes it to DIR.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCampaign, formatReport } from './campaign.js';
import { FUZZ_TARGETS } from './targets.js';

const INPUTS_PER_READER = 120;

test(`every reader survives ${INPUTS_PER_READER} mutated real files (seed 1)`, { timeout: 300_000 }, async () => {
  const reports = await runCampaign({ targets: FUZZ_TARGETS.map((t) => t.name), seed: 1, inputs: INPUTS_PER_READER, timeoutMs: 2000, parallel: 1, chunk: INPUTS_PER_READER });
  const failures = reports.flatMap((r) => r.failures).map((f) => `${f.target} #${f.index} ${f.outcome}: ${f.detail} [${f.steps.join('; ')}]`);
  assert.deepEqual(failures, [], formatReport(reports));
  // the mutations reach past the first check: every reader both reads some inputs and rejects some
  for (const r of reports) {
    assert.ok(r.counts['strand-error'] > 0, `${r.target}: no input was rejected`);
  }
});
