/**
 * The multi-process contract shared by the commands (`--nproc` for training, `--workers` for
 * inference): without torchrun-style variables and with a count > 1, this process launches
 * its own command line once per local rank (one libtorch thread each unless --threads says
 * otherwise) and waits; under the variables it is one rank of that group; otherwise it runs
 * alone.
 */
import { DataParallel, launchLocalRanks, processGroupFromEnv, readLaunchEnv, type PartShard, type ProcessGroup } from '../distributed/index.js';
import type { Module } from '../nn/index.js';
import type { DistributedTraining } from '../train/fit.js';

export interface RankedRun {
  /** Local processes to launch (--nproc / --workers). */
  processes?: number | undefined;
  /** The --threads given, if any; ranks launched here default to 1. */
  threads?: number | undefined;
  /** Checks the inputs once before launching ranks, so a bad one fails once. */
  check: () => void;
  /** The group is undefined when this process runs alone. */
  run: (group: ProcessGroup | undefined) => Promise<void>;
}

/** What a training rank passes to trainFromConfig / pretrainFromConfig. */
export interface RankOptions {
  rank: number;
  worldSize: number;
  parallel: (model: Module) => DistributedTraining;
}

export function trainingRank(group: ProcessGroup | undefined): RankOptions | undefined {
  return group && { rank: group.rank, worldSize: group.worldSize, parallel: (model) => new DataParallel(group, model) };
}

export function partShard(group: ProcessGroup | undefined): PartShard | undefined {
  return group && { rank: group.rank, worldSize: group.worldSize };
}

export async function runRanked(o: RankedRun): Promise<void> {
  const launch = readLaunchEnv();
  if (launch === null && o.processes !== undefined && o.processes > 1) {
    o.check();
    // The same command line for every rank: under the launch variables it does not launch again.
    const args = [process.argv[1]!, ...process.argv.slice(2), ...(o.threads === undefined ? ['--threads', '1'] : [])];
    process.exitCode = await launchLocalRanks({ nproc: o.processes, args });
    return;
  }
  const group = launch !== null && launch.worldSize > 1 ? await processGroupFromEnv() : undefined;
  try {
    await o.run(group);
  } finally {
    group?.destroy();
  }
}

export const WORKERS_HELP =
  'split the work over n local processes (c10d with Gloo; output identical to one process); under torchrun-style variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) this process is one rank';
