#!/usr/bin/env node
/** The `strand` command: argv -> validated options -> one library call per command. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerDesign } from './commands/design.js';
import { registerExport } from './commands/export.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExplain } from './commands/explain.js';
import { registerMotifs } from './commands/motifs.js';
import { registerInit } from './commands/init.js';
import { registerPredict } from './commands/predict.js';
import { registerEmbed } from './commands/embed.js';
import { registerPretrain } from './commands/pretrain.js';
import { registerReport } from './commands/report.js';
import { registerScoreVariants } from './commands/score-variants.js';
import { registerServe } from './commands/serve.js';
import { registerTokenizer } from './commands/tokenizer.js';
import { registerTrain } from './commands/train.js';
import { reportError } from './errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

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

for (const register of [registerDemo, registerTrain, registerEvaluate, registerPredict, registerScoreVariants, registerExplain, registerMotifs, registerReport, registerServe, registerInit, registerTokenizer, registerPretrain, registerEmbed, registerDesign, registerExport]) register(program);
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportError(err, program.opts<{ debug?: boolean }>().debug === true);
  }
}
