/** Builders from config sections: the model (with its data-derived sizes), optimizer and schedule. */
import type { TrainConfig } from '../config/train.js';
import { ConfigError, noGrad, tidy, type Tensor } from '../core/index.js';
import type { ModelOutput } from './losses.js';
import type { TaskAdapter } from './task.js';
import * as ops from '../ops/index.js';
import type { Module } from '../nn/index.js';

import { loadSafetensors } from '../nn/safetensors.js';
import { readModelDescription } from '../models/model-description.js';
import { createModel, modelInputs, modelOptionKeys, type ModelInputs } from '../models/registry.js';
import { Adam, AdamW, CosineAnnealingLR, LinearWarmup, ReduceLROnPlateau, RMSprop, SGD, StepLR, type LrSchedule, type Optimizer } from '../optim/index.js';
import { join } from 'node:path';

/** What a data configuration gives a model: one-hot sequences, with numeric features (table featureColumns), or feature vectors (expression). */
export function dataInputs(data: TrainConfig['data']): ModelInputs {
  if (data.kind === 'expression') return 'features';
  return data.kind === 'table' && data.featureColumns !== undefined ? 'sequence+features' : 'sequence';
}

/** ConfigError at model.name unless model `name` (taking `inputs`) can use what the data gives. */
export function checkModelTakesData(name: string, inputs: ModelInputs, given: ModelInputs): void {
  if (inputs === given) return;
  const what: Record<ModelInputs, string> = {
    sequence: 'one-hot sequences',
    'sequence+features': 'one-hot sequences and numeric features (data.featureColumns)',
    features: 'feature vectors',
    tokens: 'token ids',
  };
  throw new ConfigError('model.name', `'${name}' takes ${inputs} input, but the data gives ${what[given]}`);
}

/** Model options with `tasks` and `length` filled in from the data when the model has them and the config does not. */
export function modelOptions(config: TrainConfig, outputs: number, length: number, features = 0): Record<string, unknown> {
  const keys = modelOptionKeys(config.model.name);
  const options: Record<string, unknown> = { ...config.model.options };
  if (keys.includes('tasks') && options.tasks === undefined) options.tasks = outputs;
  if (keys.includes('targets') && options.targets === undefined && config.task.kind !== 'reconstruction') options.targets = outputs;
  if (keys.includes('length') && options.length === undefined) options.length = length;
  if (keys.includes('features') && options.features === undefined && features > 0) options.features = features;
  if (config.model.name === 'lm-classifier' && config.init !== undefined) {
    const tokens = readModelDescription(join(config.init.from, 'model.json')).tokenizer;
    if (options.tokenizer === undefined && tokens !== undefined && tokens.kind !== 'nucleotide') options.tokenizer = tokens;
    else if (options.tokenizer !== undefined && JSON.stringify(options.tokenizer) !== JSON.stringify(tokens ?? { kind: 'nucleotide' })) {
      throw new ConfigError('model.options.tokenizer', `differs from the tokens of the pretrained model ${config.init.from}; leave it out to read its tokens`);
    }
  }
  return options;
}

/** forward(...inputs) of a model built by buildModel: sequences, sequences + features, or features. */
export function modelForward(model: Module): (inputs: readonly Tensor[]) => ModelOutput {
  const m = model as unknown as { forward(...x: Tensor[]): ModelOutput };
  return (inputs) => m.forward(...inputs);
}

/** What the data gives the model. */
export interface DataShape {
  inputKind: 'sequence' | 'features';
  length: number;
  features: number;
  outputs: number;
}

/**
 * Builds the configured model and checks, by a dry run on one zero example, that it takes
 * what the data gives (sequences, and features when there are any) and returns one output
 * per task or class.
 */
export function buildModel(config: TrainConfig, options: Record<string, unknown>, data: DataShape, task: TaskAdapter): Module {
  const given = data.inputKind === 'features' ? 'features' : data.features > 0 ? 'sequence+features' : 'sequence';
  checkModelTakesData(config.model.name, modelInputs(config.model.name, options), given);
  const model = createModel(config.model.name, options);
  const shape = tidy(() =>
    noGrad(() => {
      model.eval();
      const dry =
        given === 'features' ? [ops.zeros([1, data.features])] : given === 'sequence' ? [ops.zeros([1, 4, data.length])] : [ops.zeros([1, 4, data.length]), ops.zeros([1, data.features])];
      try {
        return task.predict(modelForward(model)(dry)).shape;
      } catch {
        return null;
      }
    }),
  );
  model.train();
  const expected = task.kind === 'multiclass' ? 'class' : task.kind === 'reconstruction' ? 'feature' : 'task';
  if (shape === null || shape.length !== 2 || shape[1] !== data.outputs) {
    model.dispose();
    const got = shape === null ? 'outputs a task cannot use' : `an output of shape [${shape.join(', ')}] per example`;
    throw new ConfigError('model', `expected [1, ${data.outputs}] (one output per ${expected}) for one example, got ${got}`);
  }
  return model;
}

/**
 * Copies a saved model's weights into `model` where names and shapes agree (a replaced head
 * keeps its fresh initialisation), then freezes the configured prefixes. A pretrained language
 * model's weights go under `lm.` (the encoder of an lm-classifier). Returns what was copied.
 */
export function initialiseFrom(model: Module, init: NonNullable<TrainConfig['init']>): { copied: string[]; skipped: string[] } {
  const path = join(init.from, 'model.safetensors');
  const taskKind = readModelDescription(join(init.from, 'model.json')).task.kind;
  const prefix = taskKind === 'masked-lm' || taskKind === 'causal-lm' ? 'lm.' : '';
  const { tensors } = loadSafetensors(path);
  try {
    const own = model.stateDict();
    const usable: typeof tensors = {};
    const skipped: string[] = [];
    for (const [name, t] of Object.entries(tensors)) {
      const k = prefix + name;
      const target = own[k];
      if (target !== undefined && target.shape.join() === t.shape.join()) usable[k] = t;
      else skipped.push(name);
    }
    if (Object.keys(usable).length === 0) throw new ConfigError('init.from', `no weight of ${path} fits the model (different architecture?)`);
    model.loadStateDict(usable, { strict: false });
    if (init.freeze.length > 0) model.freeze(init.freeze);
    return { copied: Object.keys(usable), skipped };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

export function buildOptimizer(config: TrainConfig['train']['optimizer'], model: Module): Optimizer {
  const params = model.parameters().filter((p) => p.requiresGrad);
  const { lr, weightDecay } = config;
  switch (config.name) {
    case 'adam':
      return new Adam(params, { lr, weightDecay });
    case 'adamw':
      return new AdamW(params, { lr, weightDecay });
    case 'sgd':
      return new SGD(params, { lr, weightDecay, momentum: config.momentum ?? 0.9 });
    case 'rmsprop':
      return new RMSprop(params, { lr, weightDecay, momentum: config.momentum ?? 0 });
  }
}

/** The schedule and whether it steps per optimizer step or per epoch (on the monitored metric). */
export function buildSchedule(
  config: TrainConfig['train']['schedule'],
  optimizer: Optimizer,
  totalSteps: number,
  monitorMode: 'min' | 'max',
): { schedule?: LrSchedule; scheduleOn: 'step' | 'epoch' } {
  switch (config.name) {
    case 'constant':
      return { scheduleOn: 'step' };
    case 'step':
      return { schedule: new StepLR(optimizer, { stepSize: config.stepSize, gamma: config.gamma }), scheduleOn: 'epoch' };
    case 'cosine': {
      const cosineSteps = Math.max(1, totalSteps - config.warmupSteps);
      const cosine = new CosineAnnealingLR(optimizer, { tMax: cosineSteps, etaMin: config.minLr });
      const schedule = config.warmupSteps > 0 ? new LinearWarmup(optimizer, { warmupSteps: config.warmupSteps, after: cosine }) : cosine;
      return { schedule, scheduleOn: 'step' };
    }
    case 'plateau':
      return { schedule: new ReduceLROnPlateau(optimizer, { mode: monitorMode, factor: config.factor, patience: config.patience }), scheduleOn: 'epoch' };
  }
}
