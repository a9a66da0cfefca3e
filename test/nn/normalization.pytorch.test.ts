/** BatchNorm1d (training and eval, running statistics), LayerNorm and Embedding against PyTorch. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { BatchNorm1d, Embedding, LayerNorm } from '../../src/nn/index.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { assertMatches, PY_HELPERS, randomizeParameters, stateJson, tensorJson, type TensorJson } from './torch-bridge.js';

interface BatchNormCase {
  torch: string;
  make: () => BatchNorm1d;
  shape: number[];
}

const batchNormCases: Record<string, BatchNormCase> = {
  ncl: { torch: 'nn.BatchNorm1d(4)', make: () => new BatchNorm1d(4), shape: [5, 4, 7] },
  nc: { torch: 'nn.BatchNorm1d(4, eps=1e-3, momentum=0.3)', make: () => new BatchNorm1d(4, { eps: 1e-3, momentum: 0.3 }), shape: [6, 4] },
  cumulative: { torch: 'nn.BatchNorm1d(4, momentum=None)', make: () => new BatchNorm1d(4, { momentum: null }), shape: [3, 4, 5] },
  plain: {
    torch: 'nn.BatchNorm1d(4, affine=False, track_running_stats=False)',
    make: () => new BatchNorm1d(4, { affine: false, trackRunningStats: false }),
    shape: [3, 4, 5],
  },
};

interface BatchNormResult {
  train1: TensorJson;
  train2: TensorJson;
  eval: TensorJson;
  state: Record<string, TensorJson>;
}

test('BatchNorm1d training steps, running statistics and eval outputs equal PyTorch\'s', (t) => {
  manualSeed(3);
  const inputs: Record<string, { state: Record<string, TensorJson>; xs: TensorJson[] }> = {};
  const ours: Record<string, { outputs: Tensor[]; bn: BatchNorm1d }> = {};
  for (const [name, c] of Object.entries(batchNormCases)) {
    const bn = c.make();
    randomizeParameters(bn);
    const state = stateJson(bn);
    const xs = [0, 1, 2].map((i) => ops.randn(c.shape).mul(i + 1).add(i));
    bn.train();
    const outputs = [bn.forward(xs[0]!), bn.forward(xs[1]!)];
    bn.eval();
    outputs.push(bn.forward(xs[2]!));
    inputs[name] = { state, xs: xs.map(tensorJson) };
    ours[name] = { outputs, bn };
  }
  const expected = runPyTorch<Record<string, BatchNormResult>>(
    `${PY_HELPERS}
nn = torch.nn
modules = {${Object.entries(batchNormCases).map(([name, c]) => `'${name}': ${c.torch}`).join(', ')}}
result = {}
for name, m in modules.items():
    job = inputs[name]
    load(m, job['state'])
    xs = [T(x) for x in job['xs']]
    m.train()
    y1 = m(xs[0]); y2 = m(xs[1])
    m.eval()
    y3 = m(xs[2])
    result[name] = {'train1': J(y1), 'train2': J(y2), 'eval': J(y3),
                    'state': {k: J(v) for k, v in m.state_dict().items()}}
`,
    inputs,
  );
  if (expected === null) return t.skip('python3-torch not installed');
  for (const [name, { outputs, bn }] of Object.entries(ours)) {
    const e: BatchNormResult = expected[name]!;
    assertMatches(outputs[0]!, e.train1, { message: `${name} first training step` });
    assertMatches(outputs[1]!, e.train2, { message: `${name} second training step` });
    assertMatches(outputs[2]!, e.eval, { message: `${name} eval` });
    const state = bn.stateDict();
    assert.deepEqual(Object.keys(state), Object.keys(e.state), `${name} state keys`);
    for (const [k, v] of Object.entries(state)) assertMatches(v, e.state[k]!, { message: `${name} ${k}` });
    bn.dispose();
  }
});

test('LayerNorm and Embedding equal PyTorch\'s, with gradients (no gradient to the padding row)', (t) => {
  manualSeed(4);
  const ln = new LayerNorm([3, 5], { eps: 1e-3 });
  const emb = new Embedding(7, 4, { paddingIdx: 2 });
  randomizeParameters(ln);
  const x = ops.randn([2, 4, 3, 5]).mul(3).requiresGrad_();
  const indices = tensor([[0, 2, 6, 2], [1, 1, 3, 2]], undefined, 'int64');
  const y = ln.forward(x);
  const e = emb.forward(indices);
  const gy = ops.randn(y.shape);
  const ge = ops.randn(e.shape);
  tidy(() => {
    y.backward(gy);
    e.backward(ge);
  });
  const expected = runPyTorch<Record<string, TensorJson>>(
    `${PY_HELPERS}
nn = torch.nn
ln = load(nn.LayerNorm([3, 5], eps=1e-3), inputs['ln'])
emb = load(nn.Embedding(7, 4, padding_idx=2), inputs['emb'])
x = T(inputs['x']).requires_grad_()
y = ln(x)
y.backward(T(inputs['gy']))
e = emb(T(inputs['indices']))
e.backward(T(inputs['ge']))
result = {'y': J(y), 'dx': J(x.grad), 'dw': J(ln.weight.grad), 'db': J(ln.bias.grad), 'e': J(e), 'de': J(emb.weight.grad)}
`,
    {
      ln: stateJson(ln),
      emb: stateJson(emb),
      x: tensorJson(x),
      gy: tensorJson(gy),
      indices: tensorJson(indices),
      ge: tensorJson(ge),
    },
  );
  if (expected === null) return t.skip('python3-torch not installed');
  tidy(() => {
    assertMatches(y, expected.y!, { message: 'LayerNorm output' });
    assertMatches(x.grad!, expected.dx!, { message: 'LayerNorm input gradient' });
    assertMatches(ln.weight!.grad!, expected.dw!, { message: 'LayerNorm weight gradient' });
    assertMatches(ln.bias!.grad!, expected.db!, { message: 'LayerNorm bias gradient' });
    assertMatches(e, expected.e!, { message: 'Embedding output' });
    const de = emb.weight.grad!;
    assertMatches(de, expected.de!, { message: 'Embedding weight gradient' });
    assert.deepEqual(de.select(0, 2).toArray(), [0, 0, 0, 0]);
  });
  ln.dispose();
  emb.dispose();
});
