/**
 * The architectures against the same models written in PyTorch (from the papers' layer
 * lists, in this file): parameter counts and state-dict shapes, and, with our weights
 * loaded into the PyTorch model, the same outputs in eval mode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, noGrad, tensor, type Tensor } from '../../src/core/index.js';
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
import { runPyTorch } from '../helpers/pytorch.js';
import { PY_MODELS } from './pytorch-zoo.js';
import { assertMatches, PY_HELPERS, randomizeParameters, stateJson, tensorJson, type TensorJson } from '../nn/torch-bridge.js';


interface Job {
  /** The PyTorch model, as a Python expression using PY_MODELS. */
  torch: string;
  ours: Module;
  inputs: Tensor[];
  /** Overwrite every parameter with N(0, 1) draws (exercises LayerNorm / BatchNorm affine parameters). */
  randomize?: boolean;
}

type Output = Tensor | Record<string, Tensor>;
type ExpectedOutput = { shape: number[]; values: number[] } | Record<string, { shape: number[]; values: number[] }>;

function makeJobs(): Record<string, Job> {
  const seq = (n: number, length: number): Tensor => ops.randn([n, 4, length]);
  return {
    deepbind: { torch: 'DeepBindRef(filters=6, kernel=5)', ours: new DeepBind({ filters: 6, kernel: 5 }), inputs: [seq(3, 30)] },
    deepbindMaxAvg: {
      torch: "DeepBindRef(tasks=3, filters=5, kernel=7, pooling='maxavg', hidden=0, pad=False)",
      ours: new DeepBind({ tasks: 3, filters: 5, kernel: 7, pooling: 'maxavg', hidden: 0, padInput: false }),
      inputs: [seq(3, 30)],
    },
    deepsea: {
      torch: 'DeepSEARef(length=200, tasks=5, convs=((6, 8), (8, 8), (12, 8)), hidden=9)',
      ours: new DeepSEA({ length: 200, tasks: 5, convolutions: [[6, 8], [8, 8], [12, 8]], hidden: 9 }),
      inputs: [seq(3, 200)],
    },
    bpnet: {
      torch: 'BPNetRef(tasks=2, f=8, stem=7, layers=3, pk=11, crop=5)',
      ours: new DilatedResidualCNN({ tasks: 2, filters: 8, stemKernel: 7, layers: 3, profileKernel: 11, crop: 5 }),
      inputs: [seq(2, 50)],
    },
    transformerOneHot: {
      torch: 'TransformerRef(d=16, heads=2, layers=2, max_len=64)',
      ours: new SequenceTransformer({ dModel: 16, heads: 2, layers: 2, maxLength: 64 }),
      inputs: [seq(2, 12)],
      randomize: true,
    },
    transformerConvPostLearnedMean: {
      torch: "TransformerRef(embedding='conv', ek=5, d=8, heads=2, layers=2, ff=12, act='relu', norm='post', positional='learned', max_len=20, pooling='mean', tasks=3)",
      ours: new SequenceTransformer({
        embedding: 'conv',
        embeddingKernel: 5,
        dModel: 8,
        heads: 2,
        layers: 2,
        dimFeedforward: 12,
        activation: 'relu',
        norm: 'post',
        positional: 'learned',
        maxLength: 20,
        pooling: 'mean',
        tasks: 3,
      }),
      inputs: [seq(2, 20)],
      randomize: true,
    },
    transformerTokensMean: {
      torch: "TransformerRef(input='tokens', vocab=10, d=8, heads=2, layers=2, max_len=32, pooling='mean', tasks=2)",
      ours: new SequenceTransformer({ input: 'tokens', vocabSize: 10, dModel: 8, heads: 2, layers: 2, maxLength: 32, pooling: 'mean', tasks: 2 }),
      inputs: [tensor([[3, 7, 1, 2, 9, 0, 0], [5, 5, 6, 1, 2, 3, 4], [8, 0, 0, 0, 0, 0, 0]], undefined, 'int64')],
      randomize: true,
    },
    transformerTokensCls: {
      torch: "TransformerRef(input='tokens', vocab=10, d=8, heads=4, layers=1, max_len=32)",
      ours: new SequenceTransformer({ input: 'tokens', vocabSize: 10, dModel: 8, heads: 4, layers: 1, maxLength: 32 }),
      inputs: [tensor([[1, 7, 4, 2, 9, 0], [1, 5, 6, 3, 2, 3]], undefined, 'int64')],
      randomize: true,
    },
    mlp: { torch: 'MLPRef(12, 7, [10, 9], 0.1)', ours: new MLP({ features: 12, targets: 7, hidden: [10, 9] }), inputs: [ops.randn([4, 12])] },
    autoencoder: { torch: 'AutoencoderRef(12, [8, 6], 3)', ours: new Autoencoder({ features: 12, hidden: [8, 6], latent: 3 }), inputs: [ops.randn([4, 12])] },
    vae: { torch: 'VAERef(12, [8], 2)', ours: new VAE({ features: 12, hidden: [8], latent: 2 }), inputs: [ops.randn([4, 12])] },
    multiView: {
      torch: 'MultiViewRef(6, 2, [(8, 5), (4, 3)], 4, [5], [7], 0.2)',
      ours: new MultiViewModel({ features: 6, length: 40, tasks: 2, convolutions: [[8, 5], [4, 3]], featureHidden: [5], hidden: [7] }),
      inputs: [seq(3, 40), ops.randn([3, 6])],
    },
    custom: {
      torch: 'CustomRef()',
      ours: new CustomModel({
        length: 40,
        layers: [
          { type: 'conv1d', filters: 8, kernel: 5, padding: 'same' },
          { type: 'batchnorm' },
          { type: 'relu' },
          { type: 'maxpool', size: 4 },
          { type: 'lstm', hidden: 3, bidirectional: true },
          { type: 'residual', layers: [{ type: 'conv1d', filters: 6, kernel: 3, padding: 1 }, { type: 'elu' }] },
          { type: 'dropout', p: 0.2 },
          { type: 'flatten' },
          { type: 'layernorm' },
          { type: 'linear', units: 4 },
        ],
      }),
      inputs: [seq(3, 40)],
      randomize: true,
    },
    customLastState: {
      torch: 'CustomLastRef()',
      ours: new CustomModel({
        length: 15,
        layers: [{ type: 'conv1d', filters: 6, kernel: 3 }, 'gelu', { type: 'gru', hidden: 3, layers: 2, bidirectional: true, output: 'last' }, { type: 'linear', units: 2 }, 'logsoftmax'],
      }),
      inputs: [seq(3, 15)],
    },
  };
}

function flatOutputs(y: Output): [string, Tensor][] {
  return 'shape' in y && 'dtype' in y ? [['', y as Tensor]] : Object.entries(y as Record<string, Tensor>);
}

test('every architecture has PyTorch\'s parameter count and gives PyTorch\'s outputs for the same weights', (t) => {
  manualSeed(21);
  const jobs = makeJobs();
  const inputs: Record<string, { x: TensorJson[]; state: Record<string, TensorJson> }> = {};
  const outputs: Record<string, Output> = {};
  for (const [name, job] of Object.entries(jobs)) {
    if (job.randomize === true) randomizeParameters(job.ours);
    job.ours.eval();
    outputs[name] = noGrad(() => (job.ours as unknown as { forward: (...x: Tensor[]) => Output }).forward(...job.inputs));
    inputs[name] = { x: job.inputs.map(tensorJson), state: stateJson(job.ours) };
  }
  const expected = runPyTorch<Record<string, { count: number; y: ExpectedOutput }>>(
    `${PY_HELPERS}
${PY_MODELS}
jobs = {${Object.entries(jobs).map(([name, job]) => `'${name}': lambda: ${job.torch}`).join(', ')}}
result = {}
for name, make in jobs.items():
    torch.manual_seed(0)
    m = make()
    job = inputs[name]
    load(m, job['state'])
    m.eval()
    with torch.no_grad():
        y = m(*[T(x) for x in job['x']])
    result[name] = {'count': sum(p.numel() for p in m.parameters()),
                    'y': {k: J(v) for k, v in y.items()} if isinstance(y, dict) else J(y)}
`,
    inputs,
  );
  if (expected === null) return t.skip('python3-torch not installed');
  for (const [name, job] of Object.entries(jobs)) {
    const e: { count: number; y: ExpectedOutput } = expected[name]!;
    assert.equal(job.ours.numParameters(), e.count, `${name}: parameter count`);
    for (const [key, y] of flatOutputs(outputs[name]!)) {
      const want = key === '' ? (e.y as { shape: number[]; values: number[] }) : (e.y as Record<string, { shape: number[]; values: number[] }>)[key]!;
      assert.ok(want !== undefined, `${name}: PyTorch has no output ${key}`);
      assertMatches(y, want, { message: `${name} ${key}`, atol: 1e-4, rtol: 1e-4 });
    }
    job.ours.dispose();
  }
});

test('DeepSEA and DeepBind at the papers\' sizes have the PyTorch models\' parameter shapes and counts', (t) => {
  const ours = { deepsea: new DeepSEA(), deepbind: new DeepBind() };
  const expected = runPyTorch<Record<string, { count: number; shapes: Record<string, number[]> }>>(
    `${PY_MODELS}
result = {}
for name, m in {'deepsea': DeepSEARef(), 'deepbind': DeepBindRef()}.items():
    result[name] = {'count': sum(p.numel() for p in m.parameters()), 'shapes': {k: list(v.shape) for k, v in m.state_dict().items()}}
`,
  );
  if (expected === null) return t.skip('python3-torch not installed');
  for (const [name, m] of Object.entries(ours)) {
    const shapes = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape]));
    assert.deepEqual(shapes, expected[name]!.shapes, `${name}: state dict shapes`);
    assert.equal(m.numParameters(), expected[name]!.count, `${name}: parameter count`);
  }
  // By hand: at 1000 bp, (1000 - 7) / 4 -> 248, (248 - 7) / 4 -> 60, 60 - 7 = 53 positions of 960 channels.
  assert.deepEqual(ours.deepsea.stateDict()['classifier.1.weight']!.shape, [925, 53 * 960]);
  // DeepBind: conv 16 x 4 x 24 + 16, hidden 16 x 32 + 32, output 32 + 1.
  assert.equal(ours.deepbind.numParameters(), 16 * 4 * 24 + 16 + 16 * 32 + 32 + 32 + 1);
  ours.deepsea.dispose();
  ours.deepbind.dispose();
});
