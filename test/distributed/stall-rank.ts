/**
 * One rank of the timeout tests: joins (timeout STRAND_TEST_TIMEOUT_MS), then the rank
 * STRAND_TEST_STALL_RANK idles for STRAND_TEST_STALL_MS and exits while the others run the
 * collective STRAND_TEST_OP ('barrier' or 'allreduce'). Prints {error} or {ok} as JSON.
 */
import { tensor } from '../../src/core/index.js';
import { processGroupFromEnv } from '../../src/distributed/index.js';

const timeoutMs = Number(process.env.STRAND_TEST_TIMEOUT_MS ?? 2000);
try {
  const group = await processGroupFromEnv(process.env, timeoutMs);
  if (String(group.rank) === process.env.STRAND_TEST_STALL_RANK) {
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.STRAND_TEST_STALL_MS ?? 4000)));
  } else if (process.env.STRAND_TEST_OP === 'barrier') {
    await group.barrier();
  } else {
    await group.allreduce([tensor(new Float32Array([1, 2]))]);
  }
  process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: (err as Error).message, name: (err as Error).name })}\n`);
  process.exitCode = 1;
}
