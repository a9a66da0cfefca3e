/**
 * A saved model is a folder: `model.safetensors` (the weights, PyTorch state-dict names) and
 * `model.json` (architecture, input, outputs, training config, metrics). Loading never runs code.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, InputError, torchVersion } from '../core/index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Module } from '../nn/index.js';
import { loadModuleWeights, saveModuleWeights } from '../nn/safetensors.js';
import { createModel, modelInputs, type ModelInputs } from './registry.js';

export const MODEL_FORMAT = 'strand-model/1';

export interface ModelDescription {
  format: typeof MODEL_FORMAT;
  architecture: { name: string; options: Record<string, unknown> };
  input: { kind: ModelInputs; alphabet?: string; length?: number; features?: number };
  /** Task kind and the name of each output column (tasks, or classes for multiclass). */
  task: { kind: string; outputs: string[]; classes?: string[] };
  training?: unknown;
  metrics?: unknown;
  versions: { strand: string; libtorch: string };
  created: string;
}

export interface SavedModel {
  model: Module;
  description: ModelDescription;
}

const STRAND_VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

export function describeModel(fields: Omit<ModelDescription, 'format' | 'versions' | 'created'>): ModelDescription {
  return { format: MODEL_FORMAT, ...fields, versions: { strand: STRAND_VERSION, libtorch: torchVersion() }, created: new Date().toISOString() };
}

/** Writes `dir/model.safetensors` and `dir/model.json` (each atomically; the weights first), creating `dir`. */
export function saveModel(dir: string, model: Module, description: ModelDescription): void {
  mkdirSync(dir, { recursive: true });
  saveModuleWeights(join(dir, 'model.safetensors'), model, { format: MODEL_FORMAT });
  writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(description, null, 2)}\n`);
}

/** Reads `dir/model.json`, rebuilds the architecture and loads `dir/model.safetensors` (strict). */
export function loadModel(dir: string): SavedModel {
  const jsonPath = join(dir, 'model.json');
  const weightsPath = join(dir, 'model.safetensors');
  if (!existsSync(jsonPath) || !existsSync(weightsPath)) {
    throw new InputError(`${dir} is not a saved Strand model (expected model.json and model.safetensors)`);
  }
  let description: ModelDescription;
  try {
    description = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelDescription;
  } catch (err) {
    throw new FormatError(jsonPath, undefined, undefined, 'is not valid JSON', { cause: err });
  }
  if (description.format !== MODEL_FORMAT) {
    throw new FormatError(jsonPath, undefined, 'format', `expected '${MODEL_FORMAT}', got '${String(description.format)}'`);
  }
  const model = createModel(description.architecture.name, description.architecture.options, { path: `${jsonPath}: architecture` });
  try {
    loadModuleWeights(weightsPath, model);
  } catch (err) {
    model.dispose();
    throw err;
  }
  model.eval();
  return { model, description };
}

/** What forward takes for a saved model's architecture. */
export function savedModelInputs(description: ModelDescription): ModelInputs {
  return modelInputs(description.architecture.name, description.architecture.options);
}
