/**
 * Starts N local ranks of one command with torchrun's variables (RANK, LOCAL_RANK, WORLD_SIZE,
 * MASTER_ADDR, MASTER_PORT) and a fresh file store (STRAND_STORE_FILE), so no port is opened
 * beyond Gloo's loopback connections. Rank 0 keeps this process's terminal;
 * the others' output is kept and shown only if they fail. When one rank fails the others are
 * stopped, so a run never hangs on a rank that is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/index.js';
import { DEFAULT_MASTER_ADDR, STORE_FILE_VARIABLE } from './launch-env.js';

export interface LaunchOptions {
  nproc: number;
  /** What each rank runs with this Node: a script and its arguments. */
  args: readonly string[];
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Default: a port the OS reports free. */
  masterPort?: number;
  /** Where the other ranks' output goes when one fails. Default: stderr. */
  report?: (line: string) => void;
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, DEFAULT_MASTER_ADDR, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port was assigned'))));
    });
  });
}

/** Runs the ranks to the end; resolves to 0 when all succeeded, else the first failing rank's exit code. */
export async function launchLocalRanks(options: LaunchOptions): Promise<number> {
  const { nproc, report = (line) => process.stderr.write(`${line}\n`) } = options;
  if (!Number.isInteger(nproc) || nproc < 1) throw new InputError(`expected nproc to be a positive integer, got ${nproc}`);
  const port = options.masterPort ?? (await freePort());
  const storeDir = mkdtempSync(join(tmpdir(), 'strand-ranks-'));
  const children: ChildProcess[] = [];
  const runs = Array.from({ length: nproc }, (_, rank) => {
    const env = {
      ...process.env,
      ...options.env,
      RANK: String(rank),
      LOCAL_RANK: String(rank),
      WORLD_SIZE: String(nproc),
      MASTER_ADDR: DEFAULT_MASTER_ADDR,
      MASTER_PORT: String(port),
      [STORE_FILE_VARIABLE]: join(storeDir, 'store'),
    };
    const child = spawn(process.execPath, [...options.args], { env, stdio: rank === 0 ? 'inherit' : ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise<{ rank: number; code: number; stderr: string }>((resolve) => {
      child.on('close', (code, signal) => resolve({ rank, code: code ?? (signal ? 1 : 0), stderr }));
    });
  });
  let failed: { rank: number; code: number } | undefined;
  await Promise.all(
    runs.map(async (run) => {
      const outcome = await run;
      if (outcome.code === 0 || failed !== undefined) return;
      failed = outcome;
      if (outcome.rank !== 0) report(`rank ${outcome.rank} failed (exit ${outcome.code}):\n${outcome.stderr.trim()}`);
      children.forEach((c, r) => r !== outcome.rank && c.exitCode === null && c.kill('SIGTERM'));
    }),
  );
  rmSync(storeDir, { recursive: true, force: true });
  return failed?.code ?? 0;
}
