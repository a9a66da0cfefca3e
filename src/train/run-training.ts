/**
 * `strand train`: config -> data -> model -> fit() -> best model evaluated on the test split.
 * Writes into the output folder (each file atomically):
 *   model.safetensors, model.json   the best model by the monitored validation metric
 *   metrics.json                    validation and test metrics
 *   test-predictions.tsv            the test split's targets and predictions (io/prediction-table.ts)
 *   log.jsonl                       one JSON record per epoch (and every `logEvery` steps)
 *   examples/                       held-out examples explained (with `explainExamples`): top-scoring positives, or the highest predictions
 *   report.html                     learning curves, ROC / PR curves, metrics (built from the files above)
 *   checkpoint.safetensors          the last checkpoint (for --resume)
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../config/train.js';
import { manualSeed, setNumThreads } from '../core/index.js';
import { TrainingLog } from './training-log.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { loadModuleWeights } from '../nn/safetensors.js';
import { describeModel, saveModel } from '../models/saved-model.js';
import { buildModel, buildOptimizer, buildSchedule, initialiseFrom, modelForward, modelOptions } from './build.js';
import { evaluateBatches, type Evaluation } from './evaluate.js';
import { fit, type DistributedTraining, type FitEvent } from './fit.js';
import type { Module } from '../nn/index.js';
import { higherIsBetter, type MetricReport } from './metric-registry.js';
import { prepareData, type PreparedData } from './prepare-data.js';
import { taskAdapter } from './task.js';
import { writePredictionTable } from '../io/prediction-table.js';
import { RUN_FILES } from '../io/run-folder.js';
import { writeFolderReport } from '../report/folder-report.js';
import { HeldOutExampleCollector, removeHeldOutExamples, writeHeldOutExamples, type ExampleExplainer } from './held-out-examples.js';

export interface TrainRunOptions {
  outDir: string;
  /** Continue from outDir/checkpoint.safetensors when present. */
  resume?: boolean;
  onEvent?: (event: FitEvent) => void;
  log?: (line: string) => void;
  /**
   * Explains a few held-out examples for the report (sequence models: the top-scoring positives of
   * classifiers, the highest predictions of regression and profile models), e.g. saliency from
   * src/interpret; without it the report has no examples.
   */
  explainExamples?: ExampleExplainer;
  /**
   * Data-parallel training: this process is rank `rank` of `worldSize` (all ranks run
   * trainFromConfig with the same config and outDir), training on its shard of every epoch;
   * `parallel(model)` gives fit() its hooks (src/distributed's DataParallel). Only rank 0 logs,
   * evaluates and writes; on the other ranks the result's validation and test are empty.
   */
  distributed?: { rank: number; worldSize: number; parallel: (model: Module) => DistributedTraining };
}

export interface TrainRunResult {
  outDir: string;
  history: Record<string, number>[];
  bestEpoch: number | null;
  monitor: string;
  validation: MetricReport;
  test: MetricReport;
  testLoss: number;
}

function flatMetrics(evaluation: Evaluation): Record<string, number> {
  return { loss: evaluation.loss, ...evaluation.report.mean };
}

export async function trainFromConfig(config: TrainConfig, options: TrainRunOptions): Promise<TrainRunResult> {
  const { distributed } = options;
  const leader = distributed === undefined || distributed.rank === 0;
  const { outDir } = options;
  const log = leader ? (options.log ?? (() => {})) : () => {};
  mkdirSync(outDir, { recursive: true });
  if (config.train.threads !== undefined) setNumThreads(config.train.threads);

  const shard = distributed && { rank: distributed.rank, worldSize: distributed.worldSize };
  const data: PreparedData = await prepareData(config, shard ? { shard } : {});
  for (const line of data.summary) log(line);
  const task = taskAdapter(config.task, data.outputs, data.trainTargets);
  const monitor = config.train.earlyStopping?.metric ?? task.defaultMetric;
  const mode = higherIsBetter(monitor) ? 'max' : 'min';

  manualSeed(config.seed);
  const options_ = modelOptions(config, data.outputs.length, data.length, data.features);
  const model = buildModel(config, options_, { inputKind: data.inputKind, length: data.length, features: data.features, outputs: data.outputs.length }, task);
  if (config.init) {
    const { copied, skipped } = initialiseFrom(model, config.init);
    log(`init: ${copied.length} tensors from ${config.init.from}${skipped.length ? `, ${skipped.length} not matching kept fresh (${skipped.slice(0, 4).join(', ')})` : ''}`);
  }
  const optimizer = buildOptimizer(config.train.optimizer, model);
  const batches = data.train;
  const accumulate = config.train.accumulateSteps ?? 1;
  const optimizerSteps = Math.ceil(batches.batchesPerEpoch / accumulate) * config.train.epochs;
  const { schedule, scheduleOn } = buildSchedule(config.train.schedule, optimizer, optimizerSteps, mode);
  const forward = modelForward(model);

  const checkpointPath = join(outDir, 'checkpoint.safetensors');
  const bestPath = join(outDir, '.best.safetensors');
  const trainingLog = new TrainingLog(join(outDir, 'log.jsonl'), options.resume === true);
  if (!options.resume) trainingLog.truncate(0, 0);
  const logEvery = config.train.logEvery;
  // The validation evaluation of the latest and of the best epoch (reused instead of evaluating again).
  let latestValidation: Evaluation | undefined;
  let bestValidation: Evaluation | undefined;

  try {
    const result = await fit({
      model,
      forward,
      loss: (out, y) => task.loss(out, y),
      optimizer,
      ...(schedule ? { schedule, scheduleOn } : {}),
      train: batches,
      evaluate: async () => {
        latestValidation = await evaluateBatches(model, forward, data.validation, task);
        return flatMetrics(latestValidation);
      },
      epochs: config.train.epochs,
      monitor: { metric: monitor, mode, ...(config.train.earlyStopping ? { patience: config.train.earlyStopping.patience } : {}) },
      checkpointPath,
      bestWeightsPath: bestPath,
      ...(config.train.checkpointEvery ? { checkpointEvery: config.train.checkpointEvery } : {}),
      resume: options.resume === true,
      ...(config.train.clipGradNorm ? { clipGradNorm: config.train.clipGradNorm } : {}),
      ...(accumulate > 1 ? { accumulateSteps: accumulate } : {}),
      ...(distributed ? { distributed: distributed.parallel(model) } : {}),
      onEvent: (event) => {
        if (event.type === 'resume') trainingLog.truncate(event.epoch, event.step);
        if (event.type === 'step' && logEvery !== undefined && event.step % logEvery === 0) {
          trainingLog.add({ type: 'step', epoch: event.epoch, step: event.step, loss: event.loss, lr: event.lr });
        }
        if (event.type === 'epoch-end') {
          trainingLog.add({ type: 'epoch', ...event.record });
          if (event.improved) bestValidation = latestValidation;
        }
        if (event.type === 'checkpoint' || event.type === 'epoch-end') trainingLog.flush();
        options.onEvent?.(event);
      },
    });

    if (!leader) {
      const empty = { perTask: {}, mean: {}, skipped: {} };
      return { outDir, history: result.history, bestEpoch: result.best?.epoch ?? null, monitor, validation: empty, test: empty, testLoss: Number.NaN };
    }
    // The best epoch's weights, evaluated on validation and test.
    if (existsSync(bestPath)) loadModuleWeights(bestPath, model);
    // After a resume the best epoch may predate this process: evaluate it again then.
    const validation = bestValidation ?? (await evaluateBatches(model, forward, data.validation, task));
    const exampleKind = task.kind === 'binary' || task.kind === 'multiclass' ? task.kind : task.kind === 'regression' || task.kind === 'profile' ? 'regression' : undefined;
    const collector =
      options.explainExamples && data.inputKind === 'sequence' && data.features === 0 && exampleKind !== undefined ? new HeldOutExampleCollector(exampleKind, data.outputs) : undefined;
    const test = await evaluateBatches(model, forward, data.test, task, collector && ((batch) => collector.observe(batch)));
    const metrics = {
      monitor,
      bestEpoch: result.best?.epoch ?? null,
      stoppedEarly: result.stoppedEarly,
      validation: { loss: validation.loss, ...validation.report },
      test: { loss: test.loss, ...test.report },
    };
    const description = describeModel({
      architecture: { name: config.model.name, options: options_ },
      input:
        data.inputKind === 'features'
          ? { kind: 'features', features: data.features }
          : { kind: data.features > 0 ? 'sequence+features' : 'sequence', alphabet: 'ACGT', length: data.length, ...(data.features > 0 ? { features: data.features } : {}) },
      task: { kind: config.task.kind, outputs: data.outputs, ...(data.classes ? { classes: data.classes } : {}) },
      training: config,
      metrics: { validation: flatMetrics(validation), test: flatMetrics(test) },
    });
    saveModel(outDir, model, description);
    writeFileAtomic(join(outDir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    writePredictionTable(join(outDir, RUN_FILES.testPredictions), { targetNames: task.metricTasks, outputNames: data.outputs, targets: test.targets, predictions: test.predictions });
    const examples = collector?.examples() ?? [];
    if (options.explainExamples && examples.length > 0) writeHeldOutExamples(outDir, { model, description }, examples, options.explainExamples);
    else removeHeldOutExamples(outDir);
    await writeFolderReport(outDir);
    rmSync(bestPath, { force: true });
    return {
      outDir,
      history: result.history,
      bestEpoch: result.best?.epoch ?? null,
      monitor,
      validation: validation.report,
      test: test.report,
      testLoss: test.loss,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    await data.close();
  }
}
