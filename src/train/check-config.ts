/**
 * Checks of a training config that its schema cannot make, run when the config is loaded,
 * before any data is read: the model (name, options, and that it takes what the data kind
 * gives), the monitored metric, and the files the config names. Each problem is a ConfigError
 * at the field's dotted path, which the config loader turns into `file: line N: field: ...`.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../config/train.js';
import { ConfigError, didYouMean } from '../core/index.js';
import { checkModelOptions } from '../models/registry.js';
import { checkModelTakesData, dataInputs, modelOptions } from './build.js';
import { metricNames } from './metric-registry.js';
import { METRIC_KIND_OF_TASK } from './task.js';

/**
 * The model name and options, checked as createModel will check them once the data is read.
 * Options the data fills in (tasks, targets, length, features: see `modelOptions`) are not
 * required here; they stand in as 1 when the config leaves them out.
 */
function checkModel(config: TrainConfig): void {
  const given = dataInputs(config.data);
  const options = modelOptions(config, 1, 1, given === 'sequence' ? 0 : 1);
  const inputs = checkModelOptions(config.model.name, options);
  checkModelTakesData(config.model.name, inputs, given);
}

/** train.earlyStopping.metric must be one the validation reports for the task kind. */
function checkMonitoredMetric(config: TrainConfig): void {
  const metric = config.train.earlyStopping?.metric;
  if (metric === undefined) return;
  const known = ['loss', ...metricNames(METRIC_KIND_OF_TASK[config.task.kind])];
  if (!known.includes(metric)) {
    throw new ConfigError('train.earlyStopping.metric', `expected one of ${known.join(', ')} for a ${config.task.kind} task, got '${metric}'${didYouMean(metric, known)}`);
  }
}

/** The files a config names, each with its dotted field path. */
function configFiles(config: TrainConfig): { field: string; file: string }[] {
  const d = config.data;
  const files: { field: string; file: string | undefined }[] = [];
  switch (d.kind) {
    case 'table':
      files.push({ field: 'data.path', file: d.path }, { field: 'data.testPath', file: d.testPath });
      break;
    case 'fasta':
      files.push({ field: 'data.fasta', file: d.fasta }, { field: 'data.labels', file: d.labels });
      break;
    case 'expression':
      files.push({ field: 'data.path', file: d.path }, { field: 'data.testPath', file: d.testPath }, { field: 'data.labels.path', file: d.labels?.path });
      break;
    case 'intervals':
      files.push({ field: 'data.genome', file: d.genome });
      d.tasks.forEach((t, i) => files.push({ field: `data.tasks.${i}.peaks`, file: t.peaks }));
      files.push({ field: 'data.negatives.blacklist', file: d.negatives.blacklist });
      d.tracks?.forEach((t, i) => files.push({ field: `data.tracks.${i}.path`, file: t.path }));
      break;
    case 'planted':
      break;
  }
  return files.filter((f): f is { field: string; file: string } => f.file !== undefined);
}

function checkFilesExist(config: TrainConfig): void {
  for (const { field, file } of configFiles(config)) {
    if (!existsSync(file)) throw new ConfigError(field, `no such file: ${file}`);
    if (!statSync(file).isFile()) throw new ConfigError(field, `expected a file, got a folder: ${file}`);
  }
  const from = config.init?.from;
  if (from !== undefined && !(existsSync(join(from, 'model.json')) && existsSync(join(from, 'model.safetensors')))) {
    throw new ConfigError('init.from', `${from} is not a saved Strand model (expected model.json and model.safetensors)`);
  }
}

/**
 * Checks a schema-valid training config whose file paths are resolved (`resolveConfigPaths`):
 * first the model and the monitored metric, then the files. Throws the first problem as a
 * ConfigError at its field's path.
 */
export function checkTrainConfig(config: TrainConfig): void {
  checkModel(config);
  checkMonitoredMetric(config);
  checkFilesExist(config);
}
