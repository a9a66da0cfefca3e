import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor, type Tensor } from '../../src/core/index.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { runPyTorch } from '../helpers/pytorch.js';

/** Gradients of three parameters (a [2, 3] matrix, a [4] vector, a 0-d scalar); a fourth has none. */
const grads: { shape: number[]; values: number[] }[] = [
  { shape: [2, 3], values: [0.5, -1.25, 2, 0.1, -0.3, 1.7] },
  { shape: [4], values: [-2.5, 0.25, 0.75, -0.05] },
  { shape: [], values: [1.5] },
];

function makeParams(): Tensor[] {
  const params = grads.map((g) => {
    const p = tensor(new Float32Array(g.values.length), g.shape).requiresGrad_();
    p.grad = tensor(new Float32Array(g.values), g.shape);
    return p;
  });
  params.push(tensor([1, 2]).requiresGrad_()); // no gradient: ignored
  return params;
}

const normCases: { maxNorm: number; normType: number }[] = [
  { maxNorm: 1, normType: 2 },
  { maxNorm: 100, normType: 2 },
  { maxNorm: 0.5, normType: Infinity },
  { maxNorm: 10, normType: Infinity },
  { maxNorm: 3, normType: 1 },
  { maxNorm: 0.7, normType: 3 },
];

const python = `
def make_params():
    params = []
    for g in inputs['grads']:
        p = torch.zeros(g['shape'], requires_grad=True)
        p.grad = torch.tensor(g['values'], dtype=torch.float32).reshape(g['shape'])
        params.append(p)
    params.append(torch.tensor([1.0, 2.0], requires_grad=True))
    return params
norms = []
for case in inputs['cases']:
    params = make_params()
    norm_type = float('inf') if case['normType'] == 'inf' else case['normType']
    total = torch.nn.utils.clip_grad_norm_(params, case['maxNorm'], norm_type)
    norms.append({'total': total.item(), 'grads': [p.grad.flatten().tolist() for p in params[:3]]})
params = make_params()
torch.nn.utils.clip_grad_value_(params, 0.6)
result = {'norms': norms, 'value': [p.grad.flatten().tolist() for p in params[:3]]}
`;

test('clipGradNorm (1-, 2-, 3- and inf-norm) and clipGradValue match torch.nn.utils', (t) => {
  const expected = runPyTorch<{ norms: { total: number; grads: number[][] }[]; value: number[][] }>(python, {
    grads,
    cases: normCases.map((c) => ({ maxNorm: c.maxNorm, normType: c.normType === Infinity ? 'inf' : c.normType })),
  });
  if (expected === null) return t.skip('PyTorch not installed');
  for (const [i, c] of normCases.entries()) {
    const params = makeParams();
    const total = clipGradNorm(params, c.maxNorm, c.normType);
    const want = expected.norms[i]!;
    assertClose([total], [want.total], { atol: 1e-6, rtol: 1e-6, message: `norm ${c.normType}` });
    for (const [j, p] of params.slice(0, 3).entries()) {
      assertClose(p.grad!, want.grads[j]!, { atol: 1e-7, rtol: 1e-6, message: `norm ${c.normType} max ${c.maxNorm} grad ${j}` });
    }
    assert.equal(params[3]!.grad, null);
  }
  const params = makeParams();
  clipGradValue(params, 0.6);
  for (const [j, p] of params.slice(0, 3).entries()) assertClose(p.grad!, expected.value[j]!, { atol: 0, rtol: 0 });
});

test('clipGradNorm: hand-computed 2-norm and inf-norm', () => {
  // grads [3, 4] and [0]: 2-norm = sqrt(9 + 16) = 5; maxNorm 1 -> scale 1 / (5 + 1e-6)
  const a = tensor([0, 0]).requiresGrad_();
  const b = tensor([0]).requiresGrad_();
  a.grad = tensor([3, 4]);
  b.grad = tensor([0]);
  assertClose([clipGradNorm([a, b], 1)], [5], { atol: 1e-6 });
  assertClose(a.grad!, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], { atol: 1e-6 });
  // inf-norm of [3, -4] and [1] = 4; maxNorm 8 -> scale clamped to 1: unchanged
  a.grad = tensor([3, -4]);
  b.grad = tensor([1]);
  assert.equal(clipGradNorm([a, b], 8, Infinity), 4);
  assertClose(a.grad!, [3, -4], { atol: 0, rtol: 0 });
  // no gradients at all: total norm 0
  assert.equal(clipGradNorm([tensor([1]).requiresGrad_()], 1), 0);
});

test('clipGradNorm and clipGradValue validate their arguments', () => {
  const p = tensor([1]).requiresGrad_();
  p.grad = tensor([Number.NaN]);
  assert.throws(() => clipGradNorm([p], 1, 2, { errorIfNonfinite: true }), (e: unknown) => e instanceof InputError && /non-finite/.test(e.message));
  assert.ok(Number.isNaN(clipGradNorm([p], 1)));
  assert.throws(() => clipGradNorm([p], 1, 0), /expected normType > 0/);
  assert.throws(() => clipGradNorm([p], Number.NaN), /expected maxNorm to be a number/);
  assert.throws(() => clipGradNorm(p as unknown as Tensor[], 1), /expected an array of parameter Tensors/);
  assert.throws(() => clipGradValue([p], -1), /expected clipValue >= 0, got -1/);
});
