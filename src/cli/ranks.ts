/**
 * The --nproc contract shared by `strand train` and `strand pretrain`: without torchrun-style
 * variables and with --nproc > 1, this process launches the same command once per local rank
 * (one libtorch thread each unless --threads says otherwise) and waits; under the variables it
 * is one rank of that group; otherwise it runs alone.
 */
import { DataParallel, launchLocalRanks, processGroupFromEnv, readLaunchEnv, type ProcessGroup } from '../distributed/index.js';
import type { Module } from '../nn/index.js';
import type { DistributedTraining } from '../train/fit.js';

export interface RankedRun {
  /** The command's own arguments, without --nproc and --threads. */
  args: string[];
  threads?: number | undefined;
  nproc?: number | undefined;
  /** Checks the config once before launching ranks, so a bad one fails once. */
  check: () => void;
  run: (distributed: RankOptions | undefined) => Promise<void>;
}

/** What a rank passes to trainFromConfig / pretrainFromConfig. */
export interface RankOptions {
  rank: number;
  worldSize: number;
  parallel: (model: Module) => DistributedTraining;
}

export async function runRanked(o: RankedRun): Promise<void> {
  const launch = readLaunchEnv();
  if (launch === null && o.nproc !== undefined && o.nproc > 1) {
    o.check();
    process.exitCode = await launchLocalRanks({ nproc: o.nproc, args: [process.argv[1]!, ...o.args, '--threads', String(o.threads ?? 1)] });
    return;
  }
  const group: ProcessGroup | undefined = launch !== null && launch.worldSize > 1 ? await processGroupFromEnv() : undefined;
  try {
    await o.run(group && { rank: group.rank, worldSize: group.worldSize, parallel: (model) => new DataParallel(group, model) });
  } finally {
    group?.destroy();
  }
}
