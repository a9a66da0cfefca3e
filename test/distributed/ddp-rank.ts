/**
 * One rank of the data-parallel equivalence test: STRAND_TEST_CASE is a DdpCase as JSON;
 * STRAND_TEST_STORE_FILE selects a file store instead of torchrun's TCP variables;
 * STRAND_TEST_CHECKPOINT is where checkpoints go (only rank 0 may write). Prints the final
 * state dict, the history and how many events this rank saw, as one JSON line.
 */
import { ProcessGroup, processGroupFromEnv, readLaunchEnv } from '../../src/distributed/index.js';
import { trainCase, type DdpCase } from './ddp-setup.js';

const timeoutMs = 20_000;
const file = process.env.STRAND_TEST_STORE_FILE;
const launch = readLaunchEnv()!;
const group =
  file === undefined
    ? await processGroupFromEnv(process.env, timeoutMs)
    : await ProcessGroup.create({ rank: launch.rank, worldSize: launch.worldSize, store: { kind: 'file', path: file }, timeoutMs });
const c = JSON.parse(process.env.STRAND_TEST_CASE ?? '{}') as DdpCase;
const checkpointPath = process.env.STRAND_TEST_CHECKPOINT;
const trained = await trainCase(c, { group, ...(checkpointPath ? { checkpointPath } : {}) });
process.stdout.write(`${JSON.stringify({ rank: group.rank, ...trained })}\n`);
group.destroy();
