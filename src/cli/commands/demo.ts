import type { Command } from 'commander';
import { parseConfig } from '../../config/load.js';
import { demoConfigText } from '../../config/examples.js';
import { trainConfigSchema } from '../../config/train.js';
import { setNumThreads } from '../../core/index.js';
import { trainFromConfig } from '../../train/run-training.js';
import { nonNegativeInt, positiveInt } from '../parse.js';
import { progressReporter } from '../progress.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job on a built-in default: generate planted-motif data, train, evaluate, write a report')
    .option('--out <dir>', 'output folder', 'strand-demo')
    .option('--seed <n>', 'random seed', nonNegativeInt, 1)
    .option('--epochs <n>', 'training epochs', positiveInt, 8)
    .option('--threads <n>', 'libtorch threads', positiveInt)
    .option('--plain', 'plain progress lines even on a terminal')
    .action(async (o: { out: string; seed: number; epochs: number; threads?: number; plain?: boolean }) => {
      if (o.threads !== undefined) setNumThreads(o.threads);
      const config = parseConfig(trainConfigSchema, demoConfigText(o.seed, o.epochs), 'built-in demo config');
      const result = await trainFromConfig(config, {
        outDir: o.out,
        onEvent: progressReporter({ plain: o.plain === true }),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      for (const [task, m] of Object.entries(result.test.perTask)) process.stdout.write(`held-out AUROC ${task}: ${m.auroc!.toFixed(4)}\n`);
      process.stdout.write(`held-out AUROC ${result.test.mean.auroc!.toFixed(4)}\n`);
      process.stdout.write(`report: ${o.out}/report.html\n`);
    });
}
