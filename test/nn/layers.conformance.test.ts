/** Runs the shared conformance suite (test/nn/conformance.ts) against every layer. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tensor, type DType, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import {
  AvgPool1d,
  BatchNorm1d,
  Conv1d,
  Dropout,
  ELU,
  Embedding,
  Exp,
  Flatten,
  GELU,
  GlobalAvgPool1d,
  GlobalMaxPool1d,
  GRU,
  LayerNorm,
  LeakyReLU,
  LearnedPositionalEncoding,
  Linear,
  LogSoftmax,
  LSTM,
  MaxPool1d,
  Module,
  MultiheadAttention,
  ReLU,
  Residual,
  Sequential,
  Sigmoid,
  SiLU,
  SinusoidalPositionalEncoding,
  Softmax,
  Softplus,
  Tanh,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TensorModule,
} from '../../src/nn/index.js';
import {
  checkFloat64Conversion,
  checkGradients,
  checkNoLeaks,
  checkStateDictRoundTrip,
  checkTrainEval,
  layerCase,
  type LayerCase,
} from './conformance.js';

const randn = (shape: number[], dtype: DType): Tensor => ops.randn(shape, { dtype });
const flat = (...ts: Tensor[]): Tensor => ops.cat(ts.map((t) => t.reshape([-1])));

/** A one-tensor-in, one-tensor-out layer on a random input of `shape`. */
function simple(name: string, make: () => TensorModule, shape: number[], extra: { evalMode?: boolean } = {}): LayerCase {
  return layerCase({ name, make, inputs: (dtype) => [randn(shape, dtype)], run: (m, [x]) => m.forward(x!), ...extra });
}

/** 2 sequences of 4 keys: the last key of the second is padding. */
const keyPadding = (): Tensor => tensor(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1]), [2, 4], 'bool');

const cases: LayerCase[] = [
  simple('Linear', () => new Linear(5, 3), [4, 5]),
  simple('Linear without bias, 3-d input', () => new Linear(5, 3, { bias: false }), [2, 3, 5]),
  simple('Conv1d padding 1', () => new Conv1d(4, 6, 3, { padding: 1 }), [2, 4, 9]),
  simple('Conv1d same, even kernel, dilation 2, groups 2', () => new Conv1d(4, 6, 4, { padding: 'same', dilation: 2, groups: 2 }), [2, 4, 9]),
  simple('Conv1d valid, stride 2, no bias', () => new Conv1d(3, 2, 3, { padding: 'valid', stride: 2, bias: false }), [2, 3, 10]),
  simple('MaxPool1d', () => new MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true }), [2, 3, 10]),
  simple('MaxPool1d dilation 2', () => new MaxPool1d(2, { dilation: 2 }), [2, 3, 9]),
  simple('AvgPool1d', () => new AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }), [2, 3, 10]),
  simple('GlobalAvgPool1d', () => new GlobalAvgPool1d(), [2, 3, 7]),
  simple('GlobalMaxPool1d', () => new GlobalMaxPool1d(), [2, 3, 7]),
  simple('BatchNorm1d [N, C, L] training', () => new BatchNorm1d(4), [5, 4, 6]),
  simple('BatchNorm1d [N, C] training', () => new BatchNorm1d(4, { momentum: null }), [6, 4]),
  simple('BatchNorm1d eval', () => new BatchNorm1d(4), [3, 4, 5], { evalMode: true }),
  simple('BatchNorm1d without affine or running stats', () => new BatchNorm1d(4, { affine: false, trackRunningStats: false }), [3, 4, 5]),
  simple('LayerNorm', () => new LayerNorm(6), [3, 4, 6]),
  simple('LayerNorm over 2 dims', () => new LayerNorm([4, 6]), [3, 4, 6]),
  simple('Dropout', () => new Dropout(0.3), [4, 5]),
  layerCase({
    name: 'Embedding with padding index',
    make: () => new Embedding(10, 4, { paddingIdx: 0 }),
    inputs: () => [ops.randintLow(1, 10, [3, 5])],
    run: (m, [indices]) => m.forward(indices!),
  }),
  simple('Flatten', () => new Flatten(), [2, 3, 4]),
  simple('ReLU', () => new ReLU(), [3, 5]),
  simple('GELU', () => new GELU(), [3, 5]),
  simple('GELU tanh', () => new GELU({ approximate: 'tanh' }), [3, 5]),
  simple('Sigmoid', () => new Sigmoid(), [3, 5]),
  simple('Tanh', () => new Tanh(), [3, 5]),
  simple('Softplus', () => new Softplus({ beta: 2 }), [3, 5]),
  simple('LeakyReLU', () => new LeakyReLU({ negativeSlope: 0.1 }), [3, 5]),
  simple('ELU', () => new ELU({ alpha: 0.5 }), [3, 5]),
  simple('SiLU', () => new SiLU(), [3, 5]),
  simple('Softmax', () => new Softmax(1), [3, 5]),
  simple('LogSoftmax', () => new LogSoftmax(-1), [3, 5]),
  simple('Exp', () => new Exp(), [3, 5]),
  layerCase({
    name: 'LSTM 2 layers, bidirectional, batch first, dropout',
    make: () => new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.2 }),
    inputs: (dtype) => [randn([2, 5, 3], dtype)],
    run: (m, [x]) => {
      const { output, h, c } = m.forward(x!);
      return flat(output, h, c);
    },
  }),
  layerCase({
    name: 'LSTM with initial state',
    make: () => new LSTM(3, 4),
    inputs: (dtype) => [randn([5, 2, 3], dtype), randn([1, 2, 4], dtype), randn([1, 2, 4], dtype)],
    run: (m, [x, h, c]) => {
      const out = m.forward(x!, { h: h!, c: c! });
      return flat(out.output, out.h, out.c);
    },
  }),
  layerCase({
    name: 'GRU 2 layers, bidirectional',
    make: () => new GRU(3, 4, { numLayers: 2, bidirectional: true }),
    inputs: (dtype) => [randn([5, 2, 3], dtype), randn([4, 2, 4], dtype)],
    run: (m, [x, h]) => {
      const out = m.forward(x!, h!);
      return flat(out.output, out.h);
    },
  }),
  layerCase({
    name: 'MultiheadAttention, key padding mask, dropout, batch first',
    make: () => new MultiheadAttention(8, 2, { dropout: 0.1, batchFirst: true }),
    inputs: (dtype) => [randn([2, 3, 8], dtype), randn([2, 4, 8], dtype), randn([2, 4, 8], dtype), keyPadding()],
    run: (m, [q, k, v, mask]) => {
      const { output, weights } = m.forward(q!, k!, v!, { keyPaddingMask: mask! });
      return flat(output, weights!);
    },
  }),
  layerCase({
    name: 'MultiheadAttention self-attention, causal mask, per-head weights',
    make: () => new MultiheadAttention(6, 3, { bias: false }),
    inputs: (dtype) => [randn([4, 2, 6], dtype), ops.triu(ops.ones([4, 4], { dtype: 'bool' }), { diagonal: 1 })],
    run: (m, [x, causal]) => {
      const { output, weights } = m.forward(x!, x!, x!, { attnMask: causal!, averageAttnWeights: false });
      return flat(output, weights!);
    },
  }),
  layerCase({
    name: 'TransformerEncoderLayer post-norm',
    make: () => new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1 }),
    inputs: (dtype) => [randn([4, 2, 8], dtype), keyPadding()],
    run: (m, [x, mask]) => m.forward(x!, { srcKeyPaddingMask: mask! }),
  }),
  simple(
    'TransformerEncoderLayer pre-norm, gelu, batch first',
    () => new TransformerEncoderLayer(8, 4, { dimFeedforward: 12, dropout: 0.1, activation: 'gelu', normFirst: true, batchFirst: true }),
    [2, 5, 8],
  ),
  simple(
    'TransformerEncoder 2 layers with final norm',
    () => new TransformerEncoder(() => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }), 2, { norm: new LayerNorm(4) }),
    [3, 2, 4],
  ),
  simple('SinusoidalPositionalEncoding', () => new SinusoidalPositionalEncoding(6, { maxLen: 20 }), [5, 2, 6]),
  simple('LearnedPositionalEncoding', () => new LearnedPositionalEncoding(6, { maxLen: 10, batchFirst: true }), [2, 5, 6]),
  simple(
    'Sequential conv block',
    () => new Sequential(new Conv1d(4, 5, 3), new BatchNorm1d(5), new ReLU(), new MaxPool1d(2), new Flatten(), new Dropout(0.2), new Linear(15, 2)),
    [4, 4, 8],
  ),
  simple('Residual', () => new Residual(new Sequential(new Conv1d(3, 3, 3, { padding: 'same' }), new ReLU())), [2, 3, 6]),
  simple('Residual with projection', () => new Residual(new Conv1d(3, 5, 3, { padding: 1 }), { projection: new Conv1d(3, 5, 1) }), [2, 3, 6]),
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

/** A layer whose weight is cut from the graph: autograd gives no weight gradient, so the check must fail. */
class DetachedScale extends Module {
  constructor() {
    super();
    this.registerParameter('weight', ops.randn([5]));
  }

  forward(x: Tensor): Tensor {
    return x.mul(this.getParameter('weight').detach());
  }
}

test('the gradient check catches a wrong gradient', () => {
  assert.throws(() => checkGradients(simple('DetachedScale', () => new DetachedScale(), [3, 5])), /d loss \/ d weight\[0\]: autograd 0/);
});
