/** The model registry: every model by name, options validated with messages naming the field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, InputError, liveTensorCount, manualSeed, noGrad, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { Linear, type Module } from '../../src/nn/index.js';
import {
  Autoencoder,
  Basset,
  ConvLm,
  createModel,
  LmClassifier,
  CustomModel,
  DanQ,
  DeepBind,
  DeepSEA,
  DilatedResidualCNN,
  MLP,
  modelEntry,
  modelInputs,
  modelNames,
  modelOptionKeys,
  modelOptionsSchema,
  MultiViewModel,
  registerModel,
  SequenceTransformer,
  TransformerLm,
  VAE,
  type ModelInputs,
} from '../../src/models/index.js';

/** Small options for every registered model, the class it must build, and inputs for one forward pass. */
const small: Record<string, { options: unknown; cls: abstract new (...args: never[]) => Module; inputs: () => Tensor[] }> = {
  autoencoder: { options: { features: 6, hidden: [4], latent: 2 }, cls: Autoencoder, inputs: () => [ops.randn([2, 6])] },
  basset: { options: { length: 60, tasks: 2, convolutions: [[4, 5], [4, 3], [4, 3]], pools: [2, 2, 2], hidden: [5] }, cls: Basset, inputs: () => [ops.randn([2, 4, 60])] },
  bpnet: { options: { filters: 4, layers: 2, stemKernel: 5, profileKernel: 5, tasks: 2 }, cls: DilatedResidualCNN, inputs: () => [ops.randn([2, 4, 30])] },
  custom: { options: { length: 20, layers: [{ type: 'conv1d', filters: 4, kernel: 5 }, 'relu', { type: 'globalmaxpool' }, { type: 'linear', units: 2 }] }, cls: CustomModel, inputs: () => [ops.randn([2, 4, 20])] },
  danq: { options: { length: 60, tasks: 2, filters: 4, kernel: 7, pool: 6, hidden: 3, dense: 5 }, cls: DanQ, inputs: () => [ops.randn([2, 4, 60])] },
  deepbind: { options: { filters: 4, kernel: 6, tasks: 2 }, cls: DeepBind, inputs: () => [ops.randn([2, 4, 30])] },
  deepsea: { options: { length: 120, tasks: 2, convolutions: [[4, 8], [4, 8], [4, 8]], pools: [2, 2, 1], hidden: 5 }, cls: DeepSEA, inputs: () => [ops.randn([2, 4, 120])] },
  mlp: { options: { features: 6, targets: 3, hidden: [5] }, cls: MLP, inputs: () => [ops.randn([2, 6])] },
  'multi-view': { options: { features: 3, length: 30, convolutions: [[4, 5]] }, cls: MultiViewModel, inputs: () => [ops.randn([2, 4, 30]), ops.randn([2, 3])] },
  transformer: { options: { input: 'tokens', vocabSize: 9, dModel: 8, heads: 2, layers: 1 }, cls: SequenceTransformer, inputs: () => [tensor([[1, 2, 3], [4, 5, 0]], undefined, 'int64')] },
  vae: { options: { features: 6, hidden: [4], latent: 2 }, cls: VAE, inputs: () => [ops.randn([2, 6])] },
  'conv-lm': { options: { vocabSize: 9, dim: 8, dilations: [1, 2] }, cls: ConvLm, inputs: () => [tensor([[5, 6, 7], [8, 4, 5]], undefined, 'int64')] },
  'lm-classifier': { options: { lm: 'transformer-lm', encoder: { dim: 8, heads: 2, layers: 1 }, tasks: 2 }, cls: LmClassifier, inputs: () => [ops.randn([2, 4, 12]).softmax(1)] },
  'transformer-lm': { options: { vocabSize: 9, dim: 8, heads: 2, layers: 1, positions: 'alibi' }, cls: TransformerLm, inputs: () => [tensor([[5, 6, 7], [8, 4, 5]], undefined, 'int64')] },
};

test('every architecture is registered, builds from validated options, and declares its outputs', () => {
  manualSeed(3);
  assert.deepEqual(modelNames(), ['autoencoder', 'basset', 'bpnet', 'conv-lm', 'custom', 'danq', 'deepbind', 'deepsea', 'lm-classifier', 'mlp', 'multi-view', 'transformer', 'transformer-lm', 'vae']);
  for (const [name, { options, cls, inputs }] of Object.entries(small)) {
    const m = createModel(name, options);
    assert.ok(m instanceof cls, `${name} builds a ${cls.name}`);
    const declared = modelEntry(name).outputs;
    tidy(() => {
      const y = noGrad(() => (m.eval() as unknown as { forward: (...x: Tensor[]) => unknown }).forward(...inputs()));
      const keys = y !== null && typeof y === 'object' && 'dtype' in y ? null : Object.keys(y as object);
      assert.deepEqual(keys, declared === null ? null : [...declared], `${name} outputs`);
    });
    assert.ok(modelEntry(name).description.length > 0);
    m.dispose();
  }
});

test('options reach the model: createModel gives the same model as the constructor', () => {
  const m = createModel('deepsea', { length: 120, tasks: 3, convolutions: [[4, 8], [5, 8], [6, 8]], pools: [2, 2, 1], hidden: 7 }) as DeepSEA;
  const direct = new DeepSEA({ length: 120, tasks: 3, convolutions: [[4, 8], [5, 8], [6, 8]], pools: [2, 2, 1], hidden: 7 });
  const shapes = (x: Module): Record<string, number[]> => Object.fromEntries(Object.entries(x.stateDict()).map(([k, t]) => [k, t.shape]));
  assert.deepEqual(shapes(m), shapes(direct));
  assert.equal(m.featureLength, Math.floor((Math.floor((120 - 7) / 2) - 7) / 2) - 7);
  m.dispose();
  direct.dispose();
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('no error');
}

test('bad configs are ConfigErrors whose path names the field', () => {
  const cases: [() => unknown, string, string][] = [
    [() => createModel('resnet'), 'model.name', "expected one of autoencoder, basset, bpnet, conv-lm, custom, danq, deepbind, deepsea, lm-classifier, mlp, multi-view, transformer, transformer-lm, vae, got 'resnet'"],
    [() => createModel(42 as unknown as string), 'model.name', 'expected one of autoencoder, basset, bpnet, conv-lm, custom, danq, deepbind, deepsea, lm-classifier, mlp, multi-view, transformer, transformer-lm, vae, got 42'],
    [() => createModel('deepbind', { filters: 0 }), 'model.options.filters', 'expected a positive integer, got 0'],
    [() => createModel('deepbind', { filter: 8 }), 'model.options.filter', 'unknown field (expected one of tasks, filters, kernel, pooling, hidden, dropout, padInput)'],
    [() => createModel('deepbind', { pooling: 'avg' }), 'model.options.pooling', "expected one of 'max', 'maxavg', got 'avg'"],
    [() => createModel('deepbind', 'big'), 'model.options', "expected an object of options, got 'big'"],
    [() => createModel('deepsea', { convolutions: [[320, 8], [480, 0]] }), 'model.options.convolutions.1.1', 'expected a positive integer, got 0'],
    [() => createModel('deepsea', { convolutions: [[320, 8, 1]] }), 'model.options.convolutions.0', 'expected a [filters, kernel] pair, got [320,8,1]'],
    [() => createModel('deepsea', { pools: [4, 4] }), 'model.options.pools', 'expected one entry per convolution (3), got 2'],
    [() => createModel('deepsea', { dropouts: [0.2, 0.2, 1.5] }), 'model.options.dropouts.2', 'expected a number in [0, 1), got 1.5'],
    [() => createModel('deepsea', { length: 40 }), 'model.options', 'input length 40 is too short for the convolutions and pools (0 bp left before convolution 2 of width 8)'],
    [() => createModel('transformer', { input: 'tokens' }), 'model.options.vocabSize', "required with input 'tokens'"],
    [() => createModel('transformer', { heads: 6 }), 'model.options.heads', 'expected a divisor of dModel 128, got 6'],
    [() => createModel('mlp', { hidden: [100, 0] }, { path: 'models.2' }), 'models.2.options.hidden.1', 'expected a positive integer, got 0'],
    [() => createModel('mlp', { activation: 'swish' }), 'model.options.activation', "expected one of 'relu', 'gelu', 'tanh', 'sigmoid', 'softplus', 'elu', 'leakyrelu', 'silu', got 'swish'"],
    [() => createModel('vae', {}), 'model.options.features', 'expected a positive integer, got nothing'],
    [() => createModel('bpnet', { dilationRate: 0.5 }), 'model.options.dilationRate', 'expected a number of at least 1, got 0.5'],
    [() => createModel('custom', { length: 50, layers: [{ type: 'conv1d', filters: 8, kernel: 9 }, 'relu', { type: 'maxpool', size: 4 }, { type: 'conv1d', filters: 8, kernel: 0 }] }), 'model.options.layers.3.kernel', 'expected a positive integer, got 0'],
    [() => createModel('custom', { length: 50 }), 'model.options.layers', 'expected a list of layer specs, got nothing'],
    [() => createModel('multi-view', { features: 3, sequence: { model: 'bpnet' } }), 'model.options.sequence.model', "expected a model with one tensor output, got 'bpnet' (outputs profile, counts)"],
    [() => createModel('multi-view', { features: 3, sequence: { model: 'mlp' } }), 'model.options.sequence.model', "expected a model of one-hot sequences, got 'mlp' (input features)"],
    [() => createModel('multi-view', { features: 3, sequence: { model: 'resnet' } }), 'model.options.sequence.model', "expected one of autoencoder, basset, bpnet, conv-lm, custom, danq, deepbind, deepsea, lm-classifier, mlp, multi-view, transformer, transformer-lm, vae, got 'resnet'"],
    [() => createModel('multi-view', { features: 3, sequence: { model: 'deepbind', options: { kernel: -1 } } }), 'model.options.sequence.options.kernel', 'expected a positive integer, got -1'],
    [() => createModel('multi-view', { features: 3, sequence: { model: 'deepbind', option: {} } }), 'model.options.sequence.option', 'unknown field (expected one of model, options)'],
  ];
  for (const [fn, path, problem] of cases) {
    const err = configError(fn);
    assert.equal(err.message, `${path}: ${problem}`);
    assert.equal(err.path, path);
  }
});

test('a multi-view model takes a registered sequence model as its branch, at its own length unless set', () => {
  manualSeed(4);
  const m = createModel('multi-view', {
    features: 3,
    length: 120,
    sequence: { model: 'deepsea', options: { tasks: 8, convolutions: [[4, 8], [4, 8], [4, 8]], pools: [2, 2, 1], hidden: 5 } },
  }) as MultiViewModel;
  assert.ok(m.sequence instanceof DeepSEA);
  assert.equal((m.sequence as DeepSEA).length, 120);
  assert.equal(m.sequenceFeatures, 8);
  assert.equal((m.head.at(0) as Linear).inFeatures, 8 + 64);
  tidy(() => assert.deepEqual(noGrad(() => m.eval().forward(ops.randn([2, 4, 120]), ops.randn([2, 3]))).shape, [2, 1]));
  m.dispose();
});

test('modelInputs says what forward takes; schemas are available by name; names are unique', () => {
  const cases: [string, unknown, ModelInputs][] = [
    ['deepsea', {}, 'sequence'],
    ['transformer', {}, 'sequence'],
    ['transformer', { input: 'tokens', vocabSize: 65 }, 'tokens'],
    ['mlp', {}, 'features'],
    ['vae', { features: 10 }, 'features'],
    ['multi-view', { features: 10 }, 'sequence+features'],
    ['custom', { layers: ['relu'] }, 'sequence'],
    ['custom', { features: 5, layers: ['relu'] }, 'features'],
  ];
  for (const [name, options, inputs] of cases) assert.equal(modelInputs(name, options), inputs, `${name} ${JSON.stringify(options)}`);
  assert.deepEqual(modelOptionKeys('deepbind'), ['tasks', 'filters', 'kernel', 'pooling', 'hidden', 'dropout', 'padInput']);
  assert.deepEqual(
    modelNames().filter((n) => modelOptionKeys(n).includes('length')),
    ['basset', 'bpnet', 'custom', 'danq', 'deepsea', 'multi-view'],
  );
  assert.equal(modelOptionsSchema('deepbind').safeParse({ filters: 8, kernel: 12 }).success, true);
  assert.equal(modelOptionsSchema('deepbind').safeParse({ filters: -8 }).success, false);
  assert.throws(() => modelOptionsSchema('nope'), ConfigError);
  assert.throws(() => registerModel({ ...modelEntry('mlp') }), (e: unknown) => e instanceof InputError && /already registered/.test(e.message));
  assert.throws(() => registerModel({ ...modelEntry('mlp'), name: 'My Model' }), /lower-case model name/);
});

test('a config rejected half-way through building leaves no tensor behind', () => {
  const before = liveTensorCount();
  configError(() => createModel('custom', { length: 30, layers: [{ type: 'conv1d', filters: 4, kernel: 5 }, { type: 'linear', units: 3 }, 'flatten', { type: 'maxpool', size: 2 }] }));
  configError(() => createModel('multi-view', { features: 3, length: 20, sequence: { model: 'custom', options: { length: 10, layers: [{ type: 'conv1d', filters: 2, kernel: 3 }] } } }));
  configError(() => createModel('multi-view', { features: 3, length: 20, convolutions: [[4, 3]], pool: 30 }));
  configError(() => createModel('deepsea', { length: 40 }));
  assert.equal(liveTensorCount(), before);
});
