import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { resolveConfigPaths, trainConfigSchema } from '../../config/train.js';
import { dirname, resolve } from 'node:path';
import { InputError } from '../../core/index.js';
import { modelForward } from '../../train/build.js';
import { loadModel } from '../../models/saved-model.js';
import { evaluateBatches } from '../../train/evaluate.js';
import { prepareData, type PreparedData } from '../../train/prepare-data.js';
import { taskAdapter } from '../../train/task.js';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description("metrics of a saved model on the config's test split, as JSON on stdout")
    .requiredOption('--model <dir>', 'saved model folder')
    .requiredOption('--config <file>', 'run config naming the data and split')
    .action(async (o: { model: string; config: string }) => {
      const config = resolveConfigPaths(loadConfig(trainConfigSchema, o.config), dirname(o.config), resolve);
      const saved = loadModel(o.model);
      let data: PreparedData | undefined;
      try {
        data = await prepareData(config);
        const expected = saved.description.task.outputs;
        if (data.outputs.join('\t') !== expected.join('\t')) {
          throw new InputError(`the data's outputs (${data.outputs.join(', ')}) differ from the model's (${expected.join(', ')})`);
        }
        if (saved.description.input.length !== data.length) {
          throw new InputError(`the data's sequences are ${data.length} bp, the model takes ${saved.description.input.length} bp (set data.length)`);
        }
        const task = taskAdapter(config.task, data.outputs, data.trainTargets);
        const forward = modelForward(saved.model);
        const test = await evaluateBatches(saved.model, forward, data.test, task);
        process.stdout.write(`${JSON.stringify({ examples: data.test.size, loss: test.loss, ...test.report }, null, 2)}\n`);
      } finally {
        saved.model.dispose();
        await data?.close();
      }
    });
}
