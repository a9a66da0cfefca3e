/** Runs the ranks of a distributed test as child processes on a free loopback port. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/distributed/index.js';

export interface RankRun {
  rank: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RankOptions {
  /** Ranks to start (default all of 0..worldSize-1): leave one out to test a rank that never joins. */
  ranks?: number[];
  env?: Record<string, string>;
  /** Arguments after the script. */
  args?: readonly string[];
  /** Kill the ranks after this long (default 60 s). */
  killAfterMs?: number;
}

/** A script compiled beside this helper (dist/test/distributed/<name>.js). */
export const rankScript = (name: string) => join(dirname(fileURLToPath(import.meta.url)), `${name}.js`);

/** Starts `script` once per rank with torchrun's variables; resolves when all have exited. */
export async function runRanks(script: string, worldSize: number, options: RankOptions = {}): Promise<RankRun[]> {
  const port = await freePort();
  const ranks = options.ranks ?? Array.from({ length: worldSize }, (_, r) => r);
  return Promise.all(
    ranks.map(
      (rank) =>
        new Promise<RankRun>((resolve) => {
          const env = {
            ...process.env,
            RANK: String(rank),
            LOCAL_RANK: String(rank),
            WORLD_SIZE: String(worldSize),
            MASTER_ADDR: '127.0.0.1',
            MASTER_PORT: String(port),
            ...options.env,
          };
          const child = spawn(process.execPath, [script, ...(options.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
          child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ rank, code, stdout, stderr });
          });
        }),
    ),
  );
}

/** The last JSON line a rank printed. */
export function lastJson<T>(run: RankRun): T {
  const lines = run.stdout.trim().split('\n');
  const last = lines[lines.length - 1];
  if (last === undefined || last === '') throw new Error(`rank ${run.rank} printed nothing (exit ${run.code}); stderr:\n${run.stderr}`);
  return JSON.parse(last) as T;
}
