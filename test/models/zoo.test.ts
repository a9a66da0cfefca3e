/**
 * Every architecture on small inputs: output shapes (expected from the architecture's
 * definition, worked out by hand here), gradient reaching every parameter, and eval-mode
 * determinism.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, manualSeed, noGrad, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import type { Module } from '../../src/nn/index.js';
import {
  Autoencoder,
  Basset,
  CustomModel,
  DanQ,
  DeepBind,
  DeepSEA,
  DilatedResidualCNN,
  MLP,
  MultiViewModel,
  SequenceTransformer,
  VAE,
} from '../../src/models/index.js';

type Outputs = Tensor | Record<string, Tensor>;

interface Case {
  name: string;
  make: () => Module;
  inputs: () => Tensor[];
  /** Expected output shapes: one shape, or one per named output. */
  expected: number[] | Record<string, number[]>;
}

const seq = (n: number, length: number): (() => Tensor[]) => () => [ops.randn([n, 4, length])];
const vec = (n: number, features: number): (() => Tensor[]) => () => [ops.randn([n, features])];
const tokens = (): Tensor[] => [tensor([[3, 7, 1, 2, 9, 0, 0], [5, 5, 6, 1, 2, 3, 4], [8, 0, 0, 0, 0, 0, 0]], undefined, 'int64')];

const run = (m: Module, inputs: Tensor[]): Outputs => (m as unknown as { forward: (...x: Tensor[]) => Outputs }).forward(...inputs);

const cases: Case[] = [
  // DeepBind: global pooling, so any length; pooled features feed the head.
  { name: 'deepbind', make: () => new DeepBind({ filters: 6, kernel: 5 }), inputs: seq(3, 30), expected: [3, 1] },
  { name: 'deepbind maxavg, no hidden, 4 tasks', make: () => new DeepBind({ filters: 6, kernel: 5, pooling: 'maxavg', hidden: 0, tasks: 4 }), inputs: seq(3, 30), expected: [3, 4] },
  { name: 'deepbind unpadded, shorter than kernel + padding', make: () => new DeepBind({ kernel: 24, padInput: false }), inputs: seq(2, 24), expected: [2, 1] },
  // DeepSEA at 200 bp: 200 -7 = 193 -> pool 4 = 48 -> -7 = 41 -> 10 -> -7 = 3 positions of 12 channels.
  {
    name: 'deepsea',
    make: () => new DeepSEA({ length: 200, tasks: 5, convolutions: [[6, 8], [8, 8], [12, 8]], hidden: 9 }),
    inputs: seq(2, 200),
    expected: [2, 5],
  },
  { name: 'basset', make: () => new Basset({ length: 100, tasks: 3, convolutions: [[6, 9], [6, 5], [6, 3]], pools: [2, 2, 2], hidden: [8] }), inputs: seq(3, 100), expected: [3, 3] },
  { name: 'danq', make: () => new DanQ({ length: 60, tasks: 3, filters: 6, kernel: 7, pool: 6, hidden: 4, dense: 8 }), inputs: seq(2, 60), expected: [2, 3] },
  // 'same' padding keeps 50 positions; crop 5 on each side leaves 40.
  {
    name: 'dilated residual cnn',
    make: () => new DilatedResidualCNN({ tasks: 2, filters: 8, layers: 3, stemKernel: 7, profileKernel: 11, crop: 5 }),
    inputs: seq(2, 50),
    expected: { profile: [2, 2, 40], counts: [2, 2] },
  },
  {
    name: 'dilated residual cnn, even kernels, gelu, dropout',
    make: () => new DilatedResidualCNN({ filters: 4, layers: 2, stemKernel: 6, kernel: 2, profileKernel: 10, activation: 'gelu', dropout: 0.1, dilationRate: 1.5 }),
    inputs: seq(2, 17),
    expected: { profile: [2, 1, 17], counts: [2, 1] },
  },
  { name: 'transformer one-hot cls', make: () => new SequenceTransformer({ dModel: 16, heads: 2, layers: 2, tasks: 3 }), inputs: seq(2, 12), expected: [2, 3] },
  {
    name: 'transformer one-hot conv mean post-norm learned',
    make: () => new SequenceTransformer({ dModel: 8, heads: 2, layers: 1, embedding: 'conv', embeddingKernel: 5, pooling: 'mean', norm: 'post', positional: 'learned', maxLength: 20 }),
    inputs: seq(2, 20),
    expected: [2, 1],
  },
  { name: 'transformer tokens cls', make: () => new SequenceTransformer({ input: 'tokens', vocabSize: 10, dModel: 8, heads: 2, layers: 2 }), inputs: tokens, expected: [3, 1] },
  {
    name: 'transformer tokens mean relu',
    make: () => new SequenceTransformer({ input: 'tokens', vocabSize: 10, dModel: 8, heads: 4, layers: 1, pooling: 'mean', activation: 'relu', tasks: 2 }),
    inputs: tokens,
    expected: [3, 2],
  },
  { name: 'mlp', make: () => new MLP({ features: 12, targets: 7, hidden: [10, 9] }), inputs: vec(4, 12), expected: [4, 7] },
  { name: 'mlp batch norm relu', make: () => new MLP({ features: 12, targets: 2, hidden: [5], batchNorm: true, activation: 'relu' }), inputs: vec(4, 12), expected: [4, 2] },
  { name: 'autoencoder', make: () => new Autoencoder({ features: 12, hidden: [8, 6], latent: 3 }), inputs: vec(4, 12), expected: { reconstruction: [4, 12], latent: [4, 3] } },
  {
    name: 'vae',
    make: () => new VAE({ features: 12, hidden: [8], latent: 2, outputActivation: 'sigmoid' }),
    inputs: vec(4, 12),
    expected: { reconstruction: [4, 12], mu: [4, 2], logvar: [4, 2], latent: [4, 2] },
  },
  { name: 'vae without hidden layers', make: () => new VAE({ features: 5, hidden: [], latent: 2 }), inputs: vec(3, 5), expected: { reconstruction: [3, 5], mu: [3, 2], logvar: [3, 2], latent: [3, 2] } },
  {
    name: 'multi-view conv branch',
    make: () => new MultiViewModel({ features: 6, length: 40, tasks: 2, convolutions: [[8, 5], [4, 3]], featureHidden: [5], hidden: [7] }),
    inputs: () => [ops.randn([3, 4, 40]), ops.randn([3, 6])],
    expected: [3, 2],
  },
  {
    name: 'multi-view with a DeepBind branch',
    make: () => new MultiViewModel({ features: 6, length: 40, sequenceBranch: new DeepBind({ filters: 4, kernel: 5, tasks: 10 }), featureHidden: [], hidden: [] }),
    inputs: () => [ops.randn([3, 4, 40]), ops.randn([3, 6])],
    expected: [3, 1],
  },
  {
    name: 'custom',
    make: () =>
      new CustomModel({
        length: 40,
        layers: [
          { type: 'conv1d', filters: 8, kernel: 5, padding: 'same' },
          { type: 'batchnorm' },
          { type: 'relu' },
          { type: 'maxpool', size: 4 },
          { type: 'gru', hidden: 3, bidirectional: true },
          { type: 'residual', layers: [{ type: 'conv1d', filters: 6, kernel: 3, padding: 1 }, { type: 'elu' }] },
          { type: 'dropout', p: 0.2 },
          { type: 'flatten' },
          { type: 'layernorm' },
          { type: 'linear', units: 4 },
        ],
      }),
    inputs: seq(3, 40),
    expected: [3, 4],
  },
];

function outputsOf(y: Outputs): [string, Tensor][] {
  return y instanceof Object && 'shape' in y && 'dtype' in y ? [['output', y as Tensor]] : Object.entries(y as Record<string, Tensor>);
}

test('every model gives the expected output shapes', () => {
  manualSeed(1);
  for (const c of cases) {
    const m = c.make();
    tidy(() => {
      const y = noGrad(() => run(m, c.inputs()));
      if (Array.isArray(c.expected)) {
        assert.deepEqual((y as Tensor).shape, c.expected, c.name);
      } else {
        const got = Object.fromEntries(outputsOf(y).map(([k, t]) => [k, t.shape]));
        assert.deepEqual(got, c.expected, c.name);
      }
    });
    m.dispose();
  }
});

test('the gradient of the summed outputs reaches every parameter', () => {
  manualSeed(2);
  for (const c of cases) {
    const m = c.make().train();
    tidy(() => {
      const y = run(m, c.inputs());
      outputsOf(y).map(([, t]) => t.sum()).reduce((a, b) => a.add(b)).backward();
    });
    for (const [name, p] of m.namedParameters()) {
      const g = p.grad;
      assert.ok(g !== null, `${c.name}: no gradient for ${name}`);
      assert.deepEqual(g.shape, p.shape, `${c.name}: gradient shape of ${name}`);
      assert.ok(g.toArray().every(Number.isFinite), `${c.name}: non-finite gradient for ${name}`);
      g.dispose();
    }
    m.dispose();
  }
});

test('eval mode is deterministic (dropout off, VAE latent = mu)', () => {
  manualSeed(3);
  for (const c of cases) {
    const m = c.make().eval();
    tidy(() => {
      const inputs = c.inputs();
      const a = outputsOf(noGrad(() => run(m, inputs)));
      const b = outputsOf(noGrad(() => run(m, inputs)));
      a.forEach(([k, t], i) => assert.deepEqual(t.toArray(), b[i]![1].toArray(), `${c.name}: ${k}`));
    });
    m.dispose();
  }
});

test('padding tokens do not change token-transformer outputs', () => {
  manualSeed(4);
  for (const pooling of ['cls', 'mean'] as const) {
    const m = new SequenceTransformer({ input: 'tokens', vocabSize: 12, dModel: 8, heads: 2, layers: 2, pooling }).eval();
    tidy(() => {
      const short = tensor([[4, 9, 2, 11], [1, 3, 3, 7]], undefined, 'int64');
      const padded = tensor([[4, 9, 2, 11, 0, 0, 0], [1, 3, 3, 7, 0, 0, 0]], undefined, 'int64');
      const a = noGrad(() => m.forward(short)).toArray();
      const b = noGrad(() => m.forward(padded)).toArray();
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `${pooling}: ${v} vs ${b[i]}`));
    });
    m.dispose();
  }
});

test('the profile head is cropped symmetrically: cropping equals slicing the uncropped profile', () => {
  manualSeed(5);
  const full = new DilatedResidualCNN({ filters: 4, layers: 2, stemKernel: 5, profileKernel: 7 }).eval();
  const cropped = new DilatedResidualCNN({ filters: 4, layers: 2, stemKernel: 5, profileKernel: 7, crop: 3 }).eval();
  cropped.loadStateDict(full.stateDict());
  tidy(() => {
    const x = ops.randn([2, 4, 20]);
    const a = noGrad(() => full.forward(x));
    const b = noGrad(() => cropped.forward(x));
    assert.deepEqual(b.profile.toArray(), a.profile.narrow(2, 3, 14).contiguous().toArray());
    assert.deepEqual(b.counts.toArray(), a.counts.toArray());
  });
  assert.deepEqual(full.dilations, [2, 4]);
  assert.deepEqual(new DilatedResidualCNN().dilations, [2, 4, 8, 16, 32, 64, 128, 256, 512]);
  full.dispose();
  cropped.dispose();
});

test('wrong inputs are InputErrors that say what was expected', () => {
  const deepsea = new DeepSEA({ length: 200, tasks: 2, convolutions: [[4, 8], [4, 8], [4, 8]], hidden: 4 });
  assert.throws(() => deepsea.forward(ops.zeros([2, 200, 4])), (e: unknown) => e instanceof InputError && /expected a \[N, 4, 200\] float tensor for DeepSEA input, got \[2, 200, 4\]/.test(e.message));
  assert.throws(() => deepsea.forward(ops.zeros([2, 4, 100])), InputError);
  const transformer = new SequenceTransformer({ input: 'tokens', vocabSize: 5, dModel: 8, heads: 2, layers: 1, maxLength: 6 });
  assert.throws(() => transformer.forward(ops.zeros([2, 4, 6])), /expected a \[N, L\] int64 tensor of token ids/);
  assert.throws(() => transformer.forward(ops.zeros([2, 7], { dtype: 'int64' })), /maxLength 6/);
  const mv = new MultiViewModel({ features: 3, length: 20, convolutions: [[4, 3]] });
  assert.throws(() => mv.forward(ops.zeros([2, 4, 20]), ops.zeros([3, 3])), /expected as many feature rows as sequences \(2\), got 3/);
  assert.throws(() => mv.forward(ops.zeros([2, 4, 20]), ops.zeros([2, 4])), /expected a \[N, 3\] float tensor for MultiViewModel features/);
  assert.throws(() => new DeepSEA({ length: 50 }), /too short/);
  assert.throws(() => new SequenceTransformer({ input: 'tokens' }), /expected vocabSize with input 'tokens'/);
  assert.throws(() => new SequenceTransformer({ dModel: 10, heads: 3 }), /divisible by heads 3/);
  assert.throws(() => new DilatedResidualCNN({ crop: 10, length: 20 }), /above 2 \* crop = 20/);
  assert.throws(() => new MultiViewModel({ features: 3, length: 20, sequenceBranch: new DeepSEA({ length: 100, convolutions: [[2, 8], [2, 8], [2, 8]], pools: [1, 1, 1], hidden: 2 }) }), /does not accept \[N, 4, 20\] input/);
  assert.throws(() => new MultiViewModel({ features: 3, length: 20, sequenceBranch: new DilatedResidualCNN({ filters: 2, layers: 1 }) as never }), /one tensor output/);
  for (const m of [deepsea, transformer, mv]) m.dispose();
});
