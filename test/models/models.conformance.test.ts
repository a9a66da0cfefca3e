/**
 * The shared layer conformance suite (test/nn/conformance.ts) run against every architecture,
 * at tiny sizes: finite-difference gradients of inputs and every parameter (float64),
 * float64 conversion, train / eval switching, state dict round trip, no leaked tensors.
 */
import { describe, test } from 'node:test';
import { tensor, type DType, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import type { Module } from '../../src/nn/index.js';
import {
  Autoencoder,
  CustomModel,
  DeepBind,
  DeepSEA,
  DilatedResidualCNN,
  MLP,
  MultiViewModel,
  SequenceTransformer,
  VAE,
} from '../../src/models/index.js';
import {
  checkFloat64Conversion,
  checkGradients,
  checkNoLeaks,
  checkStateDictRoundTrip,
  checkTrainEval,
  layerCase,
  type LayerCase,
} from '../nn/conformance.js';

type Forward = (...x: Tensor[]) => Tensor | Record<string, Tensor>;

/** Every output flattened and concatenated into one tensor. */
function joined(m: Module, inputs: Tensor[]): Tensor {
  const y = (m as unknown as { forward: Forward }).forward(...inputs);
  const parts = 'dtype' in y && 'shape' in y ? [y as Tensor] : Object.values(y as Record<string, Tensor>);
  return ops.cat(parts.map((t) => t.reshape([-1])));
}

function modelCase(name: string, make: () => Module, inputs: (dtype: DType) => Tensor[], extra: { evalMode?: boolean } = {}): LayerCase {
  return layerCase({ name, make, inputs, run: joined, ...extra });
}

const seq = (n: number, length: number) => (dtype: DType): Tensor[] => [ops.randn([n, 4, length], { dtype })];
const vec = (n: number, features: number) => (dtype: DType): Tensor[] => [ops.randn([n, features], { dtype })];

const cases: LayerCase[] = [
  modelCase('DeepBind', () => new DeepBind({ filters: 3, kernel: 4, hidden: 5, dropout: 0.3 }), seq(2, 9)),
  modelCase('DeepBind maxavg', () => new DeepBind({ filters: 3, kernel: 4, hidden: 0, pooling: 'maxavg', tasks: 2 }), seq(2, 9)),
  modelCase('DeepSEA', () => new DeepSEA({ length: 30, tasks: 2, convolutions: [[3, 3], [3, 3], [4, 3]], pools: [2, 2, 1], hidden: 5 }), seq(2, 30)),
  modelCase('DilatedResidualCNN', () => new DilatedResidualCNN({ filters: 3, layers: 2, stemKernel: 3, profileKernel: 5, crop: 2, tasks: 2 }), seq(2, 12)),
  modelCase('SequenceTransformer one-hot', () => new SequenceTransformer({ dModel: 4, heads: 2, layers: 1, dimFeedforward: 6, maxLength: 8 }), seq(2, 5)),
  modelCase(
    'SequenceTransformer tokens mean',
    () => new SequenceTransformer({ input: 'tokens', vocabSize: 6, dModel: 4, heads: 2, layers: 1, dimFeedforward: 6, maxLength: 8, pooling: 'mean', norm: 'post' }),
    () => [tensor([[1, 2, 3, 0], [5, 4, 3, 2]], undefined, 'int64')],
  ),
  modelCase('MLP', () => new MLP({ features: 5, targets: 2, hidden: [4, 3] }), vec(3, 5)),
  modelCase('Autoencoder', () => new Autoencoder({ features: 5, hidden: [4], latent: 2 }), vec(3, 5)),
  modelCase('VAE', () => new VAE({ features: 5, hidden: [4], latent: 2 }), vec(3, 5)),
  modelCase(
    'MultiViewModel',
    () => new MultiViewModel({ features: 3, length: 12, convolutions: [[3, 3]], pool: 2, featureHidden: [4], hidden: [4] }),
    (dtype) => [ops.randn([2, 4, 12], { dtype }), ops.randn([2, 3], { dtype })],
  ),
  modelCase(
    'CustomModel',
    () =>
      new CustomModel({
        length: 12,
        layers: [
          { type: 'conv1d', filters: 3, kernel: 3, padding: 'same' },
          'tanh',
          { type: 'avgpool', size: 2 },
          { type: 'gru', hidden: 2, bidirectional: true },
          { type: 'residual', layers: [{ type: 'conv1d', filters: 4, kernel: 3, padding: 1 }, 'silu'] },
          'flatten',
          { type: 'linear', units: 2 },
        ],
      }),
    seq(2, 12),
  ),
];

for (const c of cases) {
  describe(c.name, () => {
    test('autograd gradients match central differences (float64)', () => checkGradients(c));
    test('converts to float64', () => checkFloat64Conversion(c));
    test('train / eval switching', () => checkTrainEval(c));
    test('state dict round trip', () => checkStateDictRoundTrip(c));
    test('no tensors left behind by tidy()', () => checkNoLeaks(c));
  });
}
