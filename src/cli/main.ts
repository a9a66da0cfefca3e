#!/usr/bin/env node
/** The `strand` command: argv -> validated options -> one library call per command. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { reportError } from './errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command()
  .name('strand')
  .description('Deep learning on genomic data, on libtorch')
  .version(pkg.version)
  .option('--debug', 'print stack traces on errors')
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({
    outputError: (text, write) => write(`strand: error: ${text.replace(/^error: /, '').trim()}\n`),
  });

program
  .command('demo')
  .description('train a CNN on a generated planted-motif data set and print held-out AUROC')
  .option('--seed <n>', 'random seed', nonNegativeInt, 1)
  .option('--epochs <n>', 'training epochs', positiveInt, 6)
  .option('--threads <n>', 'libtorch threads', positiveInt)
  .action(async (options: { seed: number; epochs: number; threads?: number }) => {
    const { runPlantedMotifDemo } = await import('../train/planted-motif-demo.js');
    const result = await runPlantedMotifDemo({
      ...options,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`held-out AUROC ${result.testAuroc.toFixed(4)}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportError(err, program.opts<{ debug?: boolean }>().debug === true);
  }
}
