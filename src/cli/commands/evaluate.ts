import type { Command } from 'commander';
import { loadTrainConfig } from '../../train/load-train-config.js';
import { writeEvaluationOutput } from '../../io/run-folder.js';
import { loadModel } from '../../models/saved-model.js';
import { writeFolderReport } from '../../report/folder-report.js';
import { evaluateSavedModel } from '../../train/evaluate-saved-model.js';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description("metrics of a saved model on the config's test split, as JSON on stdout")
    .requiredOption('--model <dir>', 'saved model folder')
    .requiredOption('--config <file>', 'run config naming the data and split')
    .option('--out <dir>', 'also write metrics.json, test-predictions.tsv and report.html (metrics, ROC / PR curves per task) into this folder')
    .action(async (o: { model: string; config: string; out?: string }) => {
      const config = loadTrainConfig(o.config);
      const saved = loadModel(o.model);
      try {
        const test = await evaluateSavedModel(saved, config);
        const metrics = { examples: test.examples, loss: test.loss, ...test.report };
        process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
        if (o.out !== undefined) {
          writeEvaluationOutput(
            o.out,
            { model: o.model, config: o.config, task: { kind: test.kind, outputs: test.outputs }, test: metrics },
            { targetNames: test.targetNames, outputNames: test.outputs, targets: test.targets, predictions: test.predictions },
          );
          process.stderr.write(`wrote ${o.out}/metrics.json, test-predictions.tsv, ${await writeFolderReport(o.out)}\n`);
        }
      } finally {
        saved.model.dispose();
      }
    });
}
