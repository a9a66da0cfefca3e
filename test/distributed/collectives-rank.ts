/**
 * One rank of the collectives test (run as a child process): joins the group the environment
 * describes, runs each collective on rank-dependent values, prints the results as one JSON line.
 * STRAND_TEST_STORE_FILE selects a file store instead of torchrun's TCP variables.
 */
import { tensor } from '../../src/core/index.js';
import { ProcessGroup, processGroupFromEnv, readLaunchEnv } from '../../src/distributed/index.js';

async function join(): Promise<ProcessGroup> {
  const timeoutMs = Number(process.env.STRAND_TEST_TIMEOUT_MS ?? 20000);
  const file = process.env.STRAND_TEST_STORE_FILE;
  if (file === undefined) return processGroupFromEnv(process.env, timeoutMs);
  const launch = readLaunchEnv()!;
  return ProcessGroup.create({ rank: launch.rank, worldSize: launch.worldSize, store: { kind: 'file', path: file }, timeoutMs });
}

const group = await join();
const r = group.rank;
const a = tensor(new Float32Array([r + 1, 10 * (r + 1), -r]));
const b = tensor(new Float64Array([0.5 * r, 3]), [2, 1]);
const c = tensor(new Int32Array([r, 7]));
await group.allreduce([a, b, c], 'sum');
const sum = { a: a.toArray(), b: b.toArray(), c: c.toArray() };
const d = tensor(new Float32Array([r, 2 * r + 1]));
await group.allreduce([d], 'avg');
const e = tensor(new Float32Array([r, -r]));
await group.allreduce([e], 'max');
const f = tensor(new Float32Array([r * 100, r * 100 + 1]));
const g = tensor(new Int32Array([r]));
await group.broadcast([f, g], group.worldSize - 1);
const gathered = await group.allgather(tensor(new Float32Array([r, r * r]), [1, 2]));
await group.barrier();
process.stdout.write(
  `${JSON.stringify({
    rank: r,
    sum,
    avg: d.toArray(),
    max: e.toArray(),
    broadcast: { f: f.toArray(), g: g.toArray() },
    allgather: gathered.map((t) => ({ shape: t.shape, values: t.toArray() })),
  })}\n`,
);
group.destroy();
