/**
 * torchrun's launch contract: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, LOCAL_RANK in the
 * environment of every rank; rank 0 serves the TCP store at MASTER_ADDR:MASTER_PORT. c10d's
 * TCP store listens on every interface, so ranks Strand launches on one machine meet through a
 * file store instead (STRAND_STORE_FILE), and nothing listens beyond loopback.
 */
import { InputError } from '../core/index.js';
import { ProcessGroup, type ProcessGroupOptions } from './process-group.js';

/** What torchrun's variables say about this process, or null when they are not set. */
export interface LaunchEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  masterAddr: string;
  masterPort: number;
}

export const DEFAULT_MASTER_ADDR = '127.0.0.1';
export const DEFAULT_MASTER_PORT = 29500;
/** A file store path for the ranks of one local job; when set it replaces the TCP store. */
export const STORE_FILE_VARIABLE = 'STRAND_STORE_FILE';

function integer(env: NodeJS.ProcessEnv, name: string, fallback?: number): number {
  const text = env[name];
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    throw new InputError(`${name} is not set; a distributed run needs RANK, WORLD_SIZE and MASTER_PORT (torchrun's variables)`);
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InputError(`expected ${name} to be a non-negative integer, got '${text}'`);
  return value;
}

/** torchrun's variables, read and checked; null when WORLD_SIZE is unset (not a distributed run). */
export function readLaunchEnv(env: NodeJS.ProcessEnv = process.env): LaunchEnv | null {
  if (env.WORLD_SIZE === undefined || env.WORLD_SIZE === '') return null;
  const worldSize = integer(env, 'WORLD_SIZE');
  const rank = integer(env, 'RANK');
  if (worldSize < 1 || rank >= worldSize) throw new InputError(`expected RANK in [0, ${worldSize - 1}] for WORLD_SIZE=${worldSize}, got ${rank}`);
  return {
    rank,
    worldSize,
    localRank: integer(env, 'LOCAL_RANK', rank),
    masterAddr: env.MASTER_ADDR || DEFAULT_MASTER_ADDR,
    masterPort: integer(env, 'MASTER_PORT', DEFAULT_MASTER_PORT),
  };
}

/** Seconds joining and each collective may wait for the other ranks (default: PyTorch's 30 minutes). */
export const TIMEOUT_VARIABLE = 'STRAND_DIST_TIMEOUT';

function timeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[TIMEOUT_VARIABLE];
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new InputError(`expected ${TIMEOUT_VARIABLE} to be a positive number of seconds, got '${text}'`);
  return seconds * 1000;
}

/**
 * Process-group options for a rank launched with torchrun's variables (GLOO_SOCKET_IFNAME picks
 * Gloo's interface, STRAND_DIST_TIMEOUT the timeout in seconds).
 */
export function groupOptionsFromEnv(launch: LaunchEnv, env: NodeJS.ProcessEnv = process.env, timeoutMs = timeoutFromEnv(env)): ProcessGroupOptions {
  return {
    rank: launch.rank,
    worldSize: launch.worldSize,
    store: env[STORE_FILE_VARIABLE]
      ? { kind: 'file', path: env[STORE_FILE_VARIABLE] }
      : { kind: 'tcp', host: launch.masterAddr, port: launch.masterPort, isServer: launch.rank === 0 },
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(env.GLOO_SOCKET_IFNAME ? { interface: env.GLOO_SOCKET_IFNAME } : {}),
  };
}

/** Joins the group torchrun's variables describe; throws when they are not set. */
export async function processGroupFromEnv(env: NodeJS.ProcessEnv = process.env, timeoutMs?: number): Promise<ProcessGroup> {
  const launch = readLaunchEnv(env);
  if (launch === null) throw new InputError('WORLD_SIZE is not set; a distributed run needs RANK, WORLD_SIZE and MASTER_PORT (torchrun\'s variables)');
  return ProcessGroup.create(groupOptionsFromEnv(launch, env, timeoutMs));
}
