/** Reads a `strand train` config file: validated whole (schema, model, metric, files) before any data is read. */
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { resolveConfigPaths, trainConfigSchema, type TrainConfig } from '../config/train.js';
import { checkTrainConfig } from './check-config.js';

/**
 * The config in `path` with its file paths resolved against the config's folder. Every problem
 * is one ConfigError `path: line N: field: what is wrong`, raised before any data file is opened.
 */
export function loadTrainConfig(path: string): TrainConfig {
  const resolved = (config: TrainConfig): TrainConfig => resolveConfigPaths(config, dirname(path), resolve);
  return resolved(loadConfig(trainConfigSchema, path, (config) => checkTrainConfig(resolved(config))));
}
