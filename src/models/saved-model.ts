/**
 * A saved model is a folder: `model.safetensors` (the weights, PyTorch state-dict names) and
 * `model.json` (architecture, input, outputs, training config, metrics). Loading never runs code.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FormatError, InputError, torchVersion } from '../core/index.js';
import { tokenizerFromDescription } from '../genomics/tokenizers/description.js';
import type { SequenceTokenizer } from '../genomics/tokenizers/tokens.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Module } from '../nn/index.js';
import { loadModuleWeights, saveModuleWeights } from '../nn/safetensors.js';
import { MODEL_FORMAT, readModelDescription, type ModelDescription } from './model-description.js';
import { createModel, modelInputs, type ModelInputs } from './registry.js';
import { checkWeightsFit } from './weights-fit.js';

export { MODEL_FORMAT, type ModelDescription } from './model-description.js';

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

/** The architecture model.json declares, built; a bad option is a FormatError naming model.json and the field. */
function buildDescribedModel(description: ModelDescription, jsonPath: string): Module {
  try {
    return createModel(description.architecture.name, description.architecture.options, { path: 'architecture' });
  } catch (err) {
    if (err instanceof ConfigError) throw new FormatError(jsonPath, undefined, err.path || undefined, err.problem, { cause: err });
    throw err;
  }
}

/**
 * Reads `dir/model.json`, rebuilds the architecture and loads `dir/model.safetensors`. A folder
 * from anyone is checked before any weight is read: model.json against its strict schema and
 * the architecture's options, the weights' header against the safetensors format and against
 * the architecture (every tensor present, none extra, same dtype and shape). Each problem is
 * one FormatError naming the file and the field or tensor.
 */
export function loadModel(dir: string): SavedModel {
  const jsonPath = join(dir, 'model.json');
  const weightsPath = join(dir, 'model.safetensors');
  if (!existsSync(jsonPath) || !existsSync(weightsPath)) {
    throw new InputError(`${dir} is not a saved Strand model (expected model.json and model.safetensors)`);
  }
  const description = readModelDescription(jsonPath);
  const model = buildDescribedModel(description, jsonPath);
  try {
    checkWeightsFit(weightsPath, model, description.architecture.name);
    loadModuleWeights(weightsPath, model);
  } catch (err) {
    model.dispose();
    throw err;
  }
  model.eval();
  return { model, description };
}

/** The tokenizer a saved language model reads (single nucleotides when model.json names none). */
export function savedTokenizer(description: ModelDescription): SequenceTokenizer {
  return tokenizerFromDescription(description.tokenizer ?? { kind: 'nucleotide' }, { path: 'model.json tokenizer' });
}

/** Whether a saved model reads one token per base (what LLRs, LM logos and masked-LM ISM need). */
export function readsNucleotides(description: ModelDescription): boolean {
  return (description.tokenizer?.kind ?? 'nucleotide') === 'nucleotide';
}

/** What forward takes for a saved model's architecture. */
export function savedModelInputs(description: ModelDescription): ModelInputs {
  return modelInputs(description.architecture.name, description.architecture.options);
}
