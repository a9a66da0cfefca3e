import type { Command } from 'commander';
import { loadTrainConfig } from '../../train/load-train-config.js';
import { setNumThreads } from '../../core/index.js';
import { saliencyExamples } from '../../interpret/explain.js';
import { trainFromConfig, type TrainRunOptions } from '../../train/run-training.js';
import { progressReporter } from '../progress.js';
import { positiveInt } from '../parse.js';
import { runRanked, trainingRank, type RankOptions } from '../ranks.js';

interface TrainArgs {
  config: string;
  out: string;
  resume?: boolean;
  threads?: number;
  plain?: boolean;
  nproc?: number;
}

async function train(o: TrainArgs, distributed: RankOptions | undefined): Promise<void> {
  const config = loadTrainConfig(o.config);
  if (o.threads !== undefined) setNumThreads(o.threads);
  const leader = distributed === undefined || distributed.rank === 0;
  const run: TrainRunOptions = {
    outDir: o.out,
    resume: o.resume === true,
    log: (line) => process.stderr.write(`${line}\n`),
    explainExamples: saliencyExamples,
    ...(leader ? { onEvent: progressReporter({ plain: o.plain === true }) } : {}),
    ...(distributed ? { distributed } : {}),
  };
  const result = await trainFromConfig(config, run);
  if (!leader) return;
  const mean = Object.entries(result.test.mean).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
  process.stdout.write(`test: ${mean}\nwrote ${result.outDir}/model.safetensors, model.json, metrics.json, test-predictions.tsv, log.jsonl, report.html\n`);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model from a YAML config; writes model, metrics, test predictions, log, held-out examples explained (examples/) and report.html into --out')
    .requiredOption('--config <file>', 'run config (YAML); `strand init` writes examples')
    .requiredOption('--out <dir>', 'output folder')
    .option('--resume', 'continue an interrupted run from <out>/checkpoint.safetensors')
    .option('--threads <n>', 'libtorch threads (per rank with --nproc; default 1 there)', positiveInt)
    .option('--plain', 'plain progress lines even on a terminal')
    .option('--nproc <n>', 'data-parallel training on n local processes (c10d with Gloo); under torchrun-style variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) this process is one rank', positiveInt)
    .action((o: TrainArgs) =>
      runRanked({
        processes: o.nproc,
        threads: o.threads,
        check: () => void loadTrainConfig(o.config),
        run: (group) => train(o, trainingRank(group)),
      }),
    );
}
