import type { Command } from 'commander';
import { setNumThreads } from '../../core/index.js';
import { loadPretrainConfig } from '../../train/load-pretrain-config.js';
import { pretrainFromConfig } from '../../train/pretrain.js';
import { progressReporter } from '../progress.js';
import { positiveInt } from '../parse.js';
import { runRanked, trainingRank, type RankOptions } from '../ranks.js';

interface PretrainArgs {
  config: string;
  out: string;
  resume?: boolean;
  threads?: number;
  plain?: boolean;
  nproc?: number;
}

async function pretrain(o: PretrainArgs, distributed: RankOptions | undefined): Promise<void> {
  const config = loadPretrainConfig(o.config);
  if (o.threads !== undefined) setNumThreads(o.threads);
  const leader = distributed === undefined || distributed.rank === 0;
  const result = await pretrainFromConfig(config, {
    outDir: o.out,
    resume: o.resume === true,
    log: (line) => process.stderr.write(`${line}\n`),
    ...(leader ? { onEvent: progressReporter({ plain: o.plain === true }) } : {}),
    ...(distributed ? { distributed } : {}),
  });
  if (!leader) return;
  const v = result.validation;
  process.stdout.write(
    `held-out: ${v.bitsPerBase.toFixed(4)} bits per masked base, accuracy ${v.accuracy.toFixed(4)} (${v.tokens} scored bases; best epoch ${result.bestEpoch})\n` +
      `wrote ${result.outDir}/model.safetensors, model.json, metrics.json, log.jsonl, report.html\n`,
  );
}

export function registerPretrain(program: Command): void {
  program
    .command('pretrain')
    .description('pretrain a genomic language model (masked or causal) on a genome or unlabelled sequences; writes model, metrics, log and report.html into --out')
    .requiredOption('--config <file>', 'pretraining config (YAML); `strand init lm` writes an example')
    .requiredOption('--out <dir>', 'output folder')
    .option('--resume', 'continue an interrupted run from <out>/checkpoint.safetensors')
    .option('--threads <n>', 'libtorch threads (per rank with --nproc; default 1 there)', positiveInt)
    .option('--plain', 'plain progress lines even on a terminal')
    .option('--nproc <n>', 'data-parallel pretraining on n local processes (c10d with Gloo); under torchrun-style variables this process is one rank', positiveInt)
    .action((o: PretrainArgs) =>
      runRanked({
        processes: o.nproc,
        threads: o.threads,
        check: () => void loadPretrainConfig(o.config),
        run: (group) => pretrain(o, trainingRank(group)),
      }),
    );
}
