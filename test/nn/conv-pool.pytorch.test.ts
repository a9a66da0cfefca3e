/** Linear, Conv1d, pooling, Flatten and activations give PyTorch's outputs (and input gradients) for the same weights and inputs. */
import { test } from 'node:test';
import { manualSeed, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import {
  AvgPool1d,
  Conv1d,
  ELU,
  Exp,
  Flatten,
  GELU,
  GlobalAvgPool1d,
  GlobalMaxPool1d,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool1d,
  ReLU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
  type TensorModule,
} from '../../src/nn/index.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { assertMatches, PY_HELPERS, stateJson, tensorJson, type TensorJson } from './torch-bridge.js';

interface Job {
  /** The PyTorch module, as a Python expression. */
  torch: string;
  ours: TensorModule;
  inputShape: number[];
}

const jobs: Record<string, Job> = {
  linear: { torch: 'nn.Linear(5, 3)', ours: new Linear(5, 3), inputShape: [2, 4, 5] },
  linearNoBias: { torch: 'nn.Linear(5, 3, bias=False)', ours: new Linear(5, 3, { bias: false }), inputShape: [4, 5] },
  convPadded: { torch: 'nn.Conv1d(4, 6, 5, padding=2)', ours: new Conv1d(4, 6, 5, { padding: 2 }), inputShape: [2, 4, 20] },
  convSame: { torch: "nn.Conv1d(4, 6, 4, padding='same')", ours: new Conv1d(4, 6, 4, { padding: 'same' }), inputShape: [2, 4, 17] },
  convSameDilated: {
    torch: "nn.Conv1d(4, 8, 3, padding='same', dilation=3, groups=4)",
    ours: new Conv1d(4, 8, 3, { padding: 'same', dilation: 3, groups: 4 }),
    inputShape: [2, 4, 17],
  },
  convValidStrided: {
    torch: "nn.Conv1d(4, 6, 5, padding='valid', stride=3, dilation=2, bias=False)",
    ours: new Conv1d(4, 6, 5, { padding: 'valid', stride: 3, dilation: 2, bias: false }),
    inputShape: [3, 4, 25],
  },
  convGroups: { torch: 'nn.Conv1d(6, 9, 3, groups=3, stride=2, padding=1)', ours: new Conv1d(6, 9, 3, { groups: 3, stride: 2, padding: 1 }), inputShape: [2, 6, 12] },
  convUnbatched: { torch: 'nn.Conv1d(4, 2, 3)', ours: new Conv1d(4, 2, 3), inputShape: [4, 10] },
  maxPool: { torch: 'nn.MaxPool1d(3)', ours: new MaxPool1d(3), inputShape: [2, 3, 20] },
  maxPoolCeil: {
    torch: 'nn.MaxPool1d(4, stride=3, padding=2, dilation=1, ceil_mode=True)',
    ours: new MaxPool1d(4, { stride: 3, padding: 2, ceilMode: true }),
    inputShape: [2, 3, 20],
  },
  maxPoolDilated: { torch: 'nn.MaxPool1d(3, stride=2, dilation=2)', ours: new MaxPool1d(3, { stride: 2, dilation: 2 }), inputShape: [2, 3, 20] },
  avgPool: { torch: 'nn.AvgPool1d(4)', ours: new AvgPool1d(4), inputShape: [2, 3, 21] },
  avgPoolPadded: {
    torch: 'nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)',
    ours: new AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    inputShape: [2, 3, 20],
  },
  avgPoolIncludePad: { torch: 'nn.AvgPool1d(3, stride=2, padding=1)', ours: new AvgPool1d(3, { stride: 2, padding: 1 }), inputShape: [2, 3, 20] },
  globalAvg: { torch: 'Lambda(lambda x: x.mean(2))', ours: new GlobalAvgPool1d(), inputShape: [2, 3, 20] },
  globalMax: { torch: 'Lambda(lambda x: x.amax(2))', ours: new GlobalMaxPool1d(), inputShape: [2, 3, 20] },
  flatten: { torch: 'nn.Flatten()', ours: new Flatten(), inputShape: [2, 3, 4] },
  flattenRange: { torch: 'nn.Flatten(0, 1)', ours: new Flatten(0, 1), inputShape: [2, 3, 4] },
  relu: { torch: 'nn.ReLU()', ours: new ReLU(), inputShape: [3, 7] },
  gelu: { torch: 'nn.GELU()', ours: new GELU(), inputShape: [3, 7] },
  geluTanh: { torch: "nn.GELU(approximate='tanh')", ours: new GELU({ approximate: 'tanh' }), inputShape: [3, 7] },
  sigmoid: { torch: 'nn.Sigmoid()', ours: new Sigmoid(), inputShape: [3, 7] },
  tanh: { torch: 'nn.Tanh()', ours: new Tanh(), inputShape: [3, 7] },
  softplus: { torch: 'nn.Softplus(beta=2, threshold=1)', ours: new Softplus({ beta: 2, threshold: 1 }), inputShape: [3, 7] },
  leakyRelu: { torch: 'nn.LeakyReLU(0.2)', ours: new LeakyReLU({ negativeSlope: 0.2 }), inputShape: [3, 7] },
  elu: { torch: 'nn.ELU(alpha=0.7)', ours: new ELU({ alpha: 0.7 }), inputShape: [3, 7] },
  silu: { torch: 'nn.SiLU()', ours: new SiLU(), inputShape: [3, 7] },
  softmax: { torch: 'nn.Softmax(dim=1)', ours: new Softmax(1), inputShape: [3, 7] },
  logSoftmax: { torch: 'nn.LogSoftmax(dim=0)', ours: new LogSoftmax(0), inputShape: [3, 7] },
  exp: { torch: 'Lambda(torch.exp)', ours: new Exp(), inputShape: [3, 7] },
};

test('forward outputs and input gradients equal PyTorch\'s', (t) => {
  manualSeed(7);
  const inputs: Record<string, { x: TensorJson; g: TensorJson; state: Record<string, TensorJson> }> = {};
  const outputs: Record<string, Tensor> = {};
  const inputGrads: Record<string, Tensor> = {};
  for (const [name, job] of Object.entries(jobs)) {
    const x = ops.randn(job.inputShape).mul(2).requiresGrad_();
    const y = job.ours.forward(x);
    const g = ops.randn(y.shape);
    tidy(() => y.backward(g));
    outputs[name] = y.detach();
    inputGrads[name] = x.grad!;
    inputs[name] = { x: tensorJson(x), g: tensorJson(g), state: stateJson(job.ours) };
  }
  const expected = runPyTorch<Record<string, { y: TensorJson; dx: TensorJson }>>(
    `${PY_HELPERS}
nn = torch.nn
class Lambda(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn
    def forward(self, x):
        return self.fn(x)
modules = {${Object.entries(jobs).map(([name, job]) => `'${name}': ${job.torch}`).join(', ')}}
result = {}
for name, m in modules.items():
    job = inputs[name]
    load(m, job['state'])
    x = T(job['x']).requires_grad_()
    y = m(x)
    y.backward(T(job['g']))
    result[name] = {'y': J(y), 'dx': J(x.grad)}
`,
    inputs,
  );
  if (expected === null) return t.skip('python3-torch not installed');
  for (const name of Object.keys(jobs)) {
    assertMatches(outputs[name]!, expected[name]!.y, { message: `${name} output` });
    assertMatches(inputGrads[name]!, expected[name]!.dx, { message: `${name} input gradient` });
  }
  for (const job of Object.values(jobs)) job.ours.dispose();
});
