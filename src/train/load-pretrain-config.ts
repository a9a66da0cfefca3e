/** Reads a `strand pretrain` config file, validated whole before any data is read. */
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError } from '../core/index.js';
import { loadConfig } from '../config/load.js';
import { pretrainConfigSchema, resolvePretrainPaths, type PretrainConfig } from '../config/pretrain.js';
import { checkModelOptions } from '../models/registry.js';
import { NUCLEOTIDE_VOCAB_SIZE } from '../genomics/nucleotide-bytes.js';

/** The model and the files of a pretraining config, checked without reading data. */
export function checkPretrainConfig(config: PretrainConfig): void {
  const { name, options } = config.model;
  if (name !== 'conv-lm' && name !== 'transformer-lm') throw new ConfigError('model.name', `expected conv-lm or transformer-lm for pretraining, got '${name}'`);
  checkModelOptions(name, { vocabSize: NUCLEOTIDE_VOCAB_SIZE, ...options });
  const c = config.corpus;
  const files = c.kind === 'genome' ? [['corpus.path', c.path] as const] : c.paths.map((p, i) => [`corpus.paths.${i}`, p] as const);
  for (const [field, path] of files) if (!existsSync(path)) throw new ConfigError(field, `no such file: ${path}`);
}

/** The config in `path` with its file paths resolved against the config's folder. */
export function loadPretrainConfig(path: string): PretrainConfig {
  const resolved = (config: PretrainConfig): PretrainConfig => resolvePretrainPaths(config, dirname(path), resolve);
  return resolved(loadConfig(pretrainConfigSchema, path, (config) => checkPretrainConfig(resolved(config))));
}
