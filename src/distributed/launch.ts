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
import { constants, tmpdir } from 'node:os';

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

/** How long the other ranks get to notice a failed rank and stop by themselves before they are stopped. */
const GRACE_MS = 3000;

interface RankOutcome {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

const exitCode = (o: RankOutcome): number => o.code ?? 128 + (o.signal ? constants.signals[o.signal] : 0);

/**
 * Runs the ranks to the end; resolves to 0 when all succeeded. When one fails, the others get a
 * moment to stop on their own (a rank waiting in a collective notices the lost connection and
 * says which rank is gone), then are stopped. The cause reported is a rank killed by a signal
 * (it cannot speak for itself), else the first rank that failed; its exit code is returned.
 */
export async function launchLocalRanks(options: LaunchOptions): Promise<number> {
  const { nproc, report = (line) => process.stderr.write(`${line}\n`) } = options;
  if (!Number.isInteger(nproc) || nproc < 1) throw new InputError(`expected nproc to be a positive integer, got ${nproc}`);
  const port = options.masterPort ?? (await freePort());
  const storeDir = mkdtempSync(join(tmpdir(), 'strand-ranks-'));
  const children: ChildProcess[] = [];
  const stoppedHere = new Set<number>();
  const failures: RankOutcome[] = [];
  let stopTimer: NodeJS.Timeout | undefined;
  const stopOthers = () =>
    children.forEach((c, r) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      stoppedHere.add(r);
      c.kill('SIGTERM');
    });
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
    return new Promise<void>((resolve) => {
      child.on('close', (code, signal) => {
        if (code !== 0 && !stoppedHere.has(rank)) {
          failures.push({ rank, code, signal, stderr });
          stopTimer ??= setTimeout(stopOthers, GRACE_MS);
        }
        resolve();
      });
    });
  });
  await Promise.all(runs);
  clearTimeout(stopTimer);
  rmSync(storeDir, { recursive: true, force: true });
  const cause = failures.find((f) => f.signal !== null) ?? failures[0];
  if (cause === undefined) return 0;
  if (cause.signal !== null) report(`strand: rank ${cause.rank} of ${nproc} was killed by ${cause.signal}; the other ranks stopped`);
  else if (cause.rank !== 0) report(`rank ${cause.rank} failed (exit ${cause.code}):\n${cause.stderr.trim()}`);
  return exitCode(cause);
}
