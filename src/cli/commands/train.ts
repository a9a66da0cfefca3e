import type { Command } from 'commander';
import { loadTrainConfig } from '../../train/load-train-config.js';
import { setNumThreads } from '../../core/index.js';
import { saliencyExamples } from '../../interpret/explain.js';
import { trainFromConfig } from '../../train/run-training.js';
import { progressReporter } from '../progress.js';
import { positiveInt } from '../parse.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model from a YAML config; writes model, metrics, test predictions, log, held-out examples explained (examples/) and report.html into --out')
    .requiredOption('--config <file>', 'run config (YAML); `strand init` writes examples')
    .requiredOption('--out <dir>', 'output folder')
    .option('--resume', 'continue an interrupted run from <out>/checkpoint.safetensors')
    .option('--threads <n>', 'libtorch threads', positiveInt)
    .option('--plain', 'plain progress lines even on a terminal')
    .action(async (o: { config: string; out: string; resume?: boolean; threads?: number; plain?: boolean }) => {
      const config = loadTrainConfig(o.config);
      if (o.threads !== undefined) setNumThreads(o.threads);
      const result = await trainFromConfig(config, {
        outDir: o.out,
        resume: o.resume === true,
        onEvent: progressReporter({ plain: o.plain === true }),
        log: (line) => process.stderr.write(`${line}\n`),
        explainExamples: saliencyExamples,
      });
      const mean = Object.entries(result.test.mean).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
      process.stdout.write(`test: ${mean}\nwrote ${result.outDir}/model.safetensors, model.json, metrics.json, test-predictions.tsv, log.jsonl, report.html\n`);
    });
}
