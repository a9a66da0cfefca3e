/**
 * Losses against torch.nn.functional (and scipy.stats.multinomial for the profile NLL) on the
 * same random inputs, values and gradients, in one Python call; argument checks, masks and the
 * registry by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, InputError, liveTensorCount, manualSeed, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import {
  binaryCrossEntropy,
  countMse,
  crossEntropy,
  gaussianNll,
  klDivergence,
  lossConfigSchema,
  lossFor,
  meanSquaredError,
  multinomialNll,
  poissonNll,
  profileLoss,
  vaeLoss,
} from '../../src/train/losses.js';
import { assertClose } from '../helpers/assert-close.js';
import { runPython } from '../helpers/pytorch.js';

interface TensorJson {
  shape: number[];
  dtype: string;
  values: (number | null)[];
}

function json(t: Tensor): TensorJson {
  return { shape: t.shape, dtype: t.dtype, values: t.toArray().map((v) => (Number.isNaN(v) ? null : v)) };
}

interface Case {
  /** Python statements reading the case's tensors by name and assigning `loss` (a tensor or float). */
  py: string;
  tensors: Record<string, Tensor>;
  /** Tensors whose gradients are compared (they require grad on both sides). */
  grad: string[];
  /** Our loss from the same tensors. */
  ours: (x: Record<string, Tensor>) => Tensor;
  /** Python statements assigning `grads` ({name: tensor}) independently of autograd, instead of backward(). */
  pyGrad?: string;
  tol?: { atol?: number; rtol?: number };
}

/** Bernoulli 0/1 float targets with a fraction `missing` set to NaN. */
function binaryTargets(shape: number[], missing = 0): Tensor {
  const y = ops.rand(shape).lt(0.3).toDType('float32');
  if (missing === 0) return y;
  return y.maskedFill(ops.rand(shape).lt(missing), Number.NaN);
}

function cases(): Record<string, Case> {
  manualSeed(11);
  const x85 = ops.randn([8, 5]).mul(2);
  const pw = ops.rand([5]).mul(3).add(0.5);
  const mask85 = ops.rand([8, 5]).gt(0.25);
  const ce = ops.randn([10, 4]).mul(2);
  const ceTargets = ops.randint(4, [10], { dtype: 'int64' });
  const ceIgnored = ceTargets.maskedFill(ops.rand([10]).lt(0.3), -100);
  const classWeights = ops.rand([4]).add(0.2);
  const ce3 = ops.randn([3, 5, 6]);
  const ce3Targets = ops.randint(5, [3, 6], { dtype: 'int64' });
  const reg = ops.randn([7, 3]);
  const regTargets = ops.randn([7, 3]);
  const regNaN = regTargets.maskedFill(ops.rand([7, 3]).lt(0.3), Number.NaN);
  const counts73 = ops.randint(6, [7, 3], { dtype: 'int64' }).toDType('float32');
  const rates = ops.rand([7, 3]).mul(4).add(0.1);
  const variance = ops.rand([7, 3]).add(0.05);
  const variance1 = ops.rand([7, 1]).add(0.05);
  const logits = ops.randn([4, 2, 12], { dtype: 'float64' }).mul(1.5);
  const profileCounts = ops.randint(7, [4, 2, 12], { dtype: 'int64' }).toDType('float64');
  const logCounts = ops.randn([4, 2], { dtype: 'float64' }).add(3);
  const logCountsJoint = ops.randn([4, 1], { dtype: 'float64' }).add(4);
  const recon = ops.randn([6, 9]);
  const inputs69 = ops.randn([6, 9]);
  const mu = ops.randn([6, 3]);
  const logVar = ops.randn([6, 3]).mul(0.5);
  const decoderVar = ops.rand([6, 9]).add(0.1);

  const softmaxGrad = (joint: boolean) => `
k = counts.double().numpy(); z = logits.double().numpy()
if ${joint ? 'True' : 'False'}:
    k = k.reshape(k.shape[0], -1); z = z.reshape(z.shape[0], -1)
p = np.exp(z - z.max(-1, keepdims=True)); p /= p.sum(-1, keepdims=True)
g = (k.sum(-1, keepdims=True) * p - k) / (k.size // k.shape[-1])
grads = {'logits': torch.tensor(g.reshape(logits.shape))}
`;

  return {
    bce: {
      py: 'loss = F.binary_cross_entropy_with_logits(x, y)',
      tensors: { x: x85, y: binaryTargets([8, 5]) },
      grad: ['x'],
      ours: ({ x, y }) => binaryCrossEntropy(x!, y!),
    },
    bcePosWeight: {
      py: 'loss = F.binary_cross_entropy_with_logits(x, y, pos_weight=pw)',
      tensors: { x: x85, y: binaryTargets([8, 5]), pw },
      grad: ['x'],
      ours: ({ x, y, pw }) => binaryCrossEntropy(x!, y!, { posWeight: pw! }),
    },
    bcePosWeightArray: {
      py: 'loss = F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor([0.5, 1.0, 2.0, 4.0, 8.0]))',
      tensors: { x: x85, y: binaryTargets([8, 5]) },
      grad: ['x'],
      ours: ({ x, y }) => binaryCrossEntropy(x!, y!, { posWeight: [0.5, 1, 2, 4, 8] }),
    },
    bceMissingLabels: {
      // The observed entries alone, each with its task's positive weight.
      py: `m = ~torch.isnan(y)
loss = F.binary_cross_entropy_with_logits(x[m], y[m], pos_weight=pw.expand_as(x)[m])`,
      tensors: { x: x85, y: binaryTargets([8, 5], 0.3), pw },
      grad: ['x'],
      ours: ({ x, y, pw }) => binaryCrossEntropy(x!, y!, { posWeight: pw! }),
    },
    bceMaskAndMissing: {
      py: `m = ~torch.isnan(y) & mask
loss = F.binary_cross_entropy_with_logits(x[m], y[m])`,
      tensors: { x: x85, y: binaryTargets([8, 5], 0.2), mask: mask85 },
      grad: ['x'],
      ours: ({ x, y, mask }) => binaryCrossEntropy(x!, y!, { mask: mask! }),
    },
    bceSingleTask: {
      py: 'loss = F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor([3.0]))',
      tensors: { x: ops.randn([9]), y: binaryTargets([9]) },
      grad: ['x'],
      ours: ({ x, y }) => binaryCrossEntropy(x!, y!, { posWeight: [3] }),
    },
    crossEntropy: {
      py: 'loss = F.cross_entropy(x, t)',
      tensors: { x: ce, t: ceTargets },
      grad: ['x'],
      ours: ({ x, t }) => crossEntropy(x!, t!),
    },
    crossEntropyWeighted: {
      py: 'loss = F.cross_entropy(x, t, weight=w)',
      tensors: { x: ce, t: ceTargets, w: classWeights },
      grad: ['x'],
      ours: ({ x, t, w }) => crossEntropy(x!, t!, { classWeights: w! }),
    },
    crossEntropySmoothing: {
      py: 'loss = F.cross_entropy(x, t, label_smoothing=0.15)',
      tensors: { x: ce, t: ceTargets },
      grad: ['x'],
      ours: ({ x, t }) => crossEntropy(x!, t!, { labelSmoothing: 0.15 }),
    },
    crossEntropyWeightedSmoothingIgnored: {
      py: 'loss = F.cross_entropy(x, t, weight=w, label_smoothing=0.1, ignore_index=-100)',
      tensors: { x: ce, t: ceIgnored, w: classWeights },
      grad: ['x'],
      ours: ({ x, t, w }) => crossEntropy(x!, t!, { classWeights: w!, labelSmoothing: 0.1 }),
    },
    crossEntropyPerPosition: {
      py: 'loss = F.cross_entropy(x, t)',
      tensors: { x: ce3, t: ce3Targets },
      grad: ['x'],
      ours: ({ x, t }) => crossEntropy(x!, t!),
    },
    mse: {
      py: 'loss = F.mse_loss(p, y)',
      tensors: { p: reg, y: regTargets },
      grad: ['p'],
      ours: ({ p, y }) => meanSquaredError(p!, y!),
    },
    mseMissing: {
      py: 'm = ~torch.isnan(y)\nloss = F.mse_loss(p[m], y[m])',
      tensors: { p: reg, y: regNaN },
      grad: ['p'],
      ours: ({ p, y }) => meanSquaredError(p!, y!),
    },
    poisson: {
      py: 'loss = F.poisson_nll_loss(p, y)',
      tensors: { p: reg, y: counts73 },
      grad: ['p'],
      ours: ({ p, y }) => poissonNll(p!, y!),
    },
    poissonRatesFull: {
      py: 'loss = F.poisson_nll_loss(r, y, log_input=False, full=True)',
      tensors: { r: rates, y: counts73 },
      grad: ['r'],
      ours: ({ r, y }) => poissonNll(r!, y!, { logInput: false, full: true }),
    },
    poissonMissing: {
      py: 'y2 = y.clone(); y2[0, 1] = float("nan"); y2[3, 2] = float("nan")\nm = ~torch.isnan(y2)\nloss = F.poisson_nll_loss(p[m], y2[m])',
      tensors: { p: reg, y: counts73 },
      grad: ['p'],
      ours: ({ p, y }) => {
        const y2 = y!.clone();
        const missing = tensor(Uint8Array.from({ length: 21 }, (_, i) => (i === 1 || i === 11 ? 1 : 0)), [7, 3], 'bool');
        return poissonNll(p!, y2.maskedFill(missing, Number.NaN));
      },
    },
    gaussian: {
      py: 'loss = F.gaussian_nll_loss(p, y, v)',
      tensors: { p: reg, y: regTargets, v: variance },
      grad: ['p', 'v'],
      ours: ({ p, y, v }) => gaussianNll(p!, y!, v!),
    },
    gaussianPerExampleFull: {
      py: 'loss = F.gaussian_nll_loss(p, y, v, full=True)',
      tensors: { p: reg, y: regTargets, v: variance1 },
      grad: ['p', 'v'],
      ours: ({ p, y, v }) => gaussianNll(p!, y!, v!, { full: true }),
    },
    multinomialVsScipy: {
      py: `k = counts.numpy().astype(np.int64); z = logits.numpy()
lp = np.array([[scipy.stats.multinomial.logpmf(k[i, j], n=k[i, j].sum(), p=np.exp(z[i, j]) / np.exp(z[i, j]).sum())
                for j in range(k.shape[1])] for i in range(k.shape[0])])
loss = float(-lp.mean())`,
      tensors: { logits, counts: profileCounts },
      grad: ['logits'],
      pyGrad: softmaxGrad(false),
      ours: ({ logits, counts }) => multinomialNll(logits!, counts!),
      tol: { atol: 1e-9, rtol: 1e-9 },
    },
    multinomialJointVsScipy: {
      py: `k = counts.numpy().astype(np.int64).reshape(4, -1); z = logits.numpy().reshape(4, -1)
lp = np.array([scipy.stats.multinomial.logpmf(k[i], n=k[i].sum(), p=np.exp(z[i]) / np.exp(z[i]).sum()) for i in range(4)])
loss = float(-lp.mean())`,
      tensors: { logits, counts: profileCounts },
      grad: ['logits'],
      pyGrad: softmaxGrad(true),
      ours: ({ logits, counts }) => multinomialNll(logits!, counts!, { jointTracks: true }),
      tol: { atol: 1e-9, rtol: 1e-9 },
    },
    multinomialNoConstants: {
      py: 'loss = -(counts * F.log_softmax(logits, -1)).sum(-1).mean()',
      tensors: { logits: logits.toDType('float32'), counts: profileCounts.toDType('float32') },
      grad: ['logits'],
      ours: ({ logits, counts }) => multinomialNll(logits!, counts!, { includeConstants: false }),
    },
    countMse: {
      py: 'loss = F.mse_loss(c, torch.log(counts.sum(-1) + 1))',
      tensors: { c: logCounts, counts: profileCounts },
      grad: ['c'],
      ours: ({ c, counts }) => countMse(c!, counts!),
    },
    profileLoss: {
      py: `k = counts.numpy().astype(np.int64); z = logits.detach().numpy()
lp = np.array([[scipy.stats.multinomial.logpmf(k[i, j], n=k[i, j].sum(), p=np.exp(z[i, j]) / np.exp(z[i, j]).sum())
                for j in range(2)] for i in range(4)])
loss = -(counts * F.log_softmax(logits, -1)).sum(-1).mean() + (-lp.mean() + (counts * F.log_softmax(logits, -1)).sum(-1).mean().item()) \\
    + 7.5 * F.mse_loss(c, torch.log1p(counts.sum(-1)))`,
      tensors: { logits, counts: profileCounts, c: logCounts },
      grad: ['logits', 'c'],
      ours: ({ logits, counts, c }) => profileLoss({ profile: logits!, counts: c! }, counts!, { countWeight: 7.5 }),
      tol: { atol: 1e-9, rtol: 1e-9 },
    },
    profileLossJoint: {
      py: `k = counts.numpy().astype(np.int64).reshape(4, -1); z = logits.detach().numpy().reshape(4, -1)
lp = np.array([scipy.stats.multinomial.logpmf(k[i], n=k[i].sum(), p=np.exp(z[i]) / np.exp(z[i]).sum()) for i in range(4)])
flat = F.log_softmax(logits.reshape(4, -1), -1)
kk = counts.reshape(4, -1)
loss = -(kk * flat).sum(-1).mean() + (-lp.mean() + (kk * flat).sum(-1).mean().item()) + 0.5 * F.mse_loss(c, torch.log1p(counts.sum((1, 2))).reshape(4, 1))`,
      tensors: { logits, counts: profileCounts, c: logCountsJoint },
      grad: ['logits', 'c'],
      ours: ({ logits, counts, c }) => profileLoss({ profile: logits!, counts: c! }, counts!, { countWeight: 0.5, jointTracks: true }),
      tol: { atol: 1e-9, rtol: 1e-9 },
    },
    kl: {
      py: `from torch.distributions import Normal, kl_divergence
loss = kl_divergence(Normal(mu, torch.exp(0.5 * lv)), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1).mean()`,
      tensors: { mu, lv: logVar },
      grad: ['mu', 'lv'],
      ours: ({ mu, lv }) => klDivergence(mu!, lv!),
    },
    vaeMse: {
      py: `from torch.distributions import Normal, kl_divergence
kl = kl_divergence(Normal(mu, torch.exp(0.5 * lv)), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1).mean()
loss = F.mse_loss(r, x, reduction='sum') / x.shape[0] + 0.25 * kl`,
      tensors: { r: recon, x: inputs69, mu, lv: logVar },
      grad: ['r', 'mu', 'lv'],
      ours: ({ r, x, mu, lv }) => vaeLoss({ reconstruction: r!, mu: mu!, logvar: lv! }, x!, { beta: 0.25 }),
    },
    vaeGaussian: {
      py: `from torch.distributions import Normal, kl_divergence
kl = kl_divergence(Normal(mu, torch.exp(0.5 * lv)), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1).mean()
loss = F.gaussian_nll_loss(r, x, v, reduction='sum') / x.shape[0] + 2.0 * kl`,
      tensors: { r: recon, x: inputs69, mu, lv: logVar, v: decoderVar },
      grad: ['r', 'mu', 'lv', 'v'],
      ours: ({ r, x, mu, lv, v }) =>
        vaeLoss({ reconstruction: r!, mu: mu!, logvar: lv!, variance: v! }, x!, { beta: 2, reconstruction: 'gaussian' }),
    },
  };
}

const PY = `
import torch.nn.functional as F
def T(j):
    vals = [float('nan') if v is None else v for v in j['values']]
    return torch.tensor(vals, dtype=getattr(torch, j['dtype'])).reshape(j['shape'])
result = {}
for name, case in inputs.items():
    env = {k: T(v) for k, v in case['tensors'].items()}
    if 'pyGrad' not in case:
        for k in case['grad']:
            env[k].requires_grad_(True)
    scope = {'F': F, 'torch': torch, 'np': np, 'scipy': scipy}
    scope.update(env)
    exec(case['py'], scope)
    loss = scope['loss']
    if 'pyGrad' in case:
        exec(case['pyGrad'], scope)
        grads = scope['grads']
    else:
        loss.backward()
        grads = {k: env[k].grad for k in case['grad']}
    result[name] = {'loss': float(loss), 'grads': {k: g.double().flatten().tolist() for k, g in grads.items()}}
`;

test('every loss and its gradients equal torch.nn.functional / scipy.stats on the same inputs', (t) => {
  const all = cases();
  const ours: Record<string, { loss: number; grads: Record<string, number[]> }> = {};
  for (const [name, c] of Object.entries(all)) {
    tidy(() => {
      const leaves = Object.fromEntries(
        Object.entries(c.tensors).map(([k, v]) => [k, c.grad.includes(k) ? v.detach().clone().requiresGrad_() : v]),
      );
      const loss = c.ours(leaves);
      assert.deepEqual(loss.shape, [], `${name}: scalar loss`);
      loss.backward();
      ours[name] = {
        loss: loss.item(),
        grads: Object.fromEntries(c.grad.map((k) => [k, leaves[k]!.grad!.toArray()])),
      };
    });
  }
  for (const [name, o] of Object.entries(ours)) {
    assert.ok(Number.isFinite(o.loss), `${name}: finite loss`);
    for (const [k, g] of Object.entries(o.grads)) assert.ok(g.every(Number.isFinite), `${name}: finite gradient of ${k}`);
  }
  const jobs = Object.fromEntries(
    Object.entries(all).map(([name, c]) => [
      name,
      {
        py: c.py,
        grad: c.grad,
        tensors: Object.fromEntries(Object.entries(c.tensors).map(([k, v]) => [k, json(v)])),
        ...(c.pyGrad === undefined ? {} : { pyGrad: c.pyGrad }),
      },
    ]),
  );
  const expected = runPython<Record<string, { loss: number; grads: Record<string, number[]> }>>(PY, jobs, [
    'torch',
    'numpy',
    'scipy.stats',
  ]);
  if (expected === null) return t.skip('python3-torch / scipy not installed');
  for (const [name, c] of Object.entries(all)) {
    const tol = c.tol ?? {};
    const e = expected[name]!;
    assertClose([ours[name]!.loss], [e.loss], { ...tol, message: `${name} loss` });
    for (const k of c.grad) assertClose(ours[name]!.grads[k]!, e.grads[k]!, { ...tol, message: `${name} gradient of ${k}` });
  }
});

test('missing labels: all-NaN targets give a zero loss and zero gradients; NaN never leaks', () => {
  tidy(() => {
    const x = ops.randn([4, 3]).requiresGrad_();
    const y = ops.full([4, 3], Number.NaN);
    for (const loss of [binaryCrossEntropy(x, y), meanSquaredError(x, y), poissonNll(x, y)]) {
      assert.equal(loss.item(), 0);
      loss.backward();
    }
    assert.ok(x.grad!.toArray().every((v) => v === 0));
    const logits = ops.randn([5, 3]).requiresGrad_();
    const ignored = ops.full([5], -100, { dtype: 'int64' });
    const ce = crossEntropy(logits, ignored);
    assert.equal(ce.item(), 0);
    ce.backward();
    assert.ok(logits.grad!.toArray().every((v) => v === 0));
  });
});

test('masked entries contribute nothing: hand-computed BCE and MSE', () => {
  tidy(() => {
    // BCE of logit 0 is log 2 whatever the label; logit 0 observed, logit 100 masked (label 0 => loss 100).
    const x = tensor([[0, 100], [0, 0]]);
    const y = tensor([[1, 0], [0, Number.NaN]]);
    assertClose(binaryCrossEntropy(x, y, { mask: tensor([[1, 0], [1, 1]]) }), [Math.log(2)]);
    // posWeight 3 multiplies the positive term only: (3 log 2 + log 2) / 2.
    assertClose(binaryCrossEntropy(tensor([[0], [0]]), tensor([[1], [0]]), { posWeight: [3] }), [2 * Math.log(2)]);
    // MSE over observed: ((1-0)^2 + (2-4)^2) / 2.
    assertClose(meanSquaredError(tensor([1, 2, 3]), tensor([0, 4, Number.NaN])), [2.5]);
  });
});

test('multinomial NLL by hand: uniform logits over 2 positions, counts (1, 1)', () => {
  tidy(() => {
    // P = 2!/(1!1!) * 0.25 = 0.5 -> NLL log 2; without the coefficient: 2 log 2.
    const logits = tensor([[[0, 0]]]);
    const counts = tensor([[[1, 1]]]);
    assertClose(multinomialNll(logits, counts), [Math.log(2)]);
    assertClose(multinomialNll(logits, counts, { includeConstants: false }), [2 * Math.log(2)]);
    // Count loss: log(1 + 2) predicted exactly -> 0.
    assertClose(countMse(tensor([[Math.log(3)]]), counts), [0], { atol: 1e-6 });
  });
});

test('argument checks name the expected shapes', () => {
  tidy(() => {
    const x = ops.randn([4, 3]);
    assert.throws(() => binaryCrossEntropy(x, ops.randn([4, 2])), (e: Error) => e instanceof InputError && /same shape as logits \(4, 3\)/.test(e.message));
    assert.throws(() => binaryCrossEntropy(ops.randn([2, 3, 4]), ops.randn([2, 3, 4])), /expected a \(N, T\) or \(N\) float tensor for logits, got \(2, 3, 4\) float32/);
    assert.throws(() => binaryCrossEntropy(x, ops.zeros([4, 3]), { posWeight: [1, 2] }), /posWeight of shape \(T\) = \(3\), got \(2\)/);
    assert.throws(() => crossEntropy(x, ops.zeros([4])), /int64 class indices of shape \(4\) for targets, got \(4\) float32/);
    assert.throws(() => crossEntropy(x, tensor(new BigInt64Array([0n, 1n, 3n, 2n]))), /class indices in \[0, 3\) or ignoreIndex -100, got 3/);
    assert.throws(() => crossEntropy(x, ops.zeros([4], { dtype: 'int64' }), { classWeights: [1] }), /classWeights of shape \(C\) = \(3\)/);
    assert.throws(() => crossEntropy(x, ops.zeros([4], { dtype: 'int64' }), { labelSmoothing: 1.5 }), /labelSmoothing in \[0, 1\]/);
    assert.throws(() => multinomialNll(ops.randn([2, 10]), ops.randn([2, 10])), /\(N, T, L\) float tensor for profile logits, got \(2, 10\)/);
    assert.throws(() => countMse(ops.randn([2, 3]), ops.zeros([2, 2, 10])), /\(2, 2\) float tensor for log counts, got \(2, 3\)/);
    assert.throws(() => gaussianNll(x, x, ops.ones([4, 2])), /\(4, 3\) or \(4, 1\) float tensor for variance/);
    assert.throws(() => klDivergence(ops.randn([4, 2]), ops.randn([4, 3])), /same shape as latent mean \(4, 2\)/);
  });
});

test('lossFor: each task through the uniform signature equals the direct call', () => {
  tidy(() => {
    manualSeed(5);
    const x = ops.randn([6, 3]);
    const y = ops.rand([6, 3]).lt(0.5).toDType('float32');
    assertClose(lossFor('binary', { posWeight: [1, 2, 3] })(x, y), binaryCrossEntropy(x, y, { posWeight: [1, 2, 3] }).toArray());
    const t = ops.randint(3, [6], { dtype: 'int64' });
    assertClose(lossFor('multiclass', { labelSmoothing: 0.2 })(x, t), crossEntropy(x, t, { labelSmoothing: 0.2 }).toArray());
    assertClose(lossFor('regression')(x, y), meanSquaredError(x, y).toArray());
    assertClose(lossFor('poisson')(x, y), poissonNll(x, y).toArray());
    assertClose(lossFor('reconstruction')(x, y), meanSquaredError(x, y).toArray());
    const profile = ops.randn([2, 3, 8]);
    const counts = ops.randint(4, [2, 3, 8]).toDType('float32');
    const logCounts = ops.randn([2, 3]);
    assertClose(
      lossFor('profile', { countWeight: 10 })({ profile, counts: logCounts }, counts),
      profileLoss({ profile, counts: logCounts }, counts, { countWeight: 10 }).toArray(),
    );
    const mean = ops.randn([6, 2]);
    const logVar = ops.randn([6, 2]);
    assertClose(
      lossFor('vae', { beta: 0.5 })({ reconstruction: x, mu: mean, logvar: logVar, latent: mean }, y),
      vaeLoss({ reconstruction: x, mu: mean, logvar: logVar }, y, { beta: 0.5 }).toArray(),
    );
    assert.throws(() => lossFor('profile')(profile, counts), /head 'profile' for a profile loss, got a single tensor/);
    assert.throws(() => lossFor('binary')({ profile }, y), /one output tensor for a binary loss/);
  });
});

test('losses free their intermediate tensors: only the returned loss outlives the call', () => {
  manualSeed(2);
  const x = ops.randn([6, 3]).requiresGrad_();
  const y = ops.rand([6, 3]).lt(0.5).toDType('float32').maskedFill(ops.rand([6, 3]).lt(0.2), Number.NaN);
  const t = ops.randint(3, [6], { dtype: 'int64' });
  const profile = ops.randn([6, 3, 5]).requiresGrad_();
  const counts = ops.randint(4, [6, 3, 5]).toDType('float32');
  const variance = ops.rand([6, 3]).add(0.1);
  const outOfRange = t.add(3);
  const calls = [
    () => binaryCrossEntropy(x, y, { posWeight: [1, 2, 3] }),
    () => crossEntropy(x, t, { classWeights: [1, 2, 3], labelSmoothing: 0.1 }),
    () => meanSquaredError(x, y),
    () => poissonNll(x, y),
    () => gaussianNll(x, y, variance),
    () => profileLoss({ profile, counts: x }, counts),
    () => vaeLoss({ reconstruction: x, mu: x, logvar: x, variance }, y, { reconstruction: 'gaussian' }),
    () => vaeLoss({ reconstruction: x, mu: x, logvar: x }, y, { reconstruction: 'gaussian' }),
    () => crossEntropy(x, outOfRange),
  ];
  for (const [i, call] of calls.entries()) {
    const before = liveTensorCount();
    let loss: Tensor;
    try {
      loss = call();
    } catch (e) {
      // Input errors (a 'gaussian' VAE without a variance, out-of-range classes) must not leak either.
      assert.ok(e instanceof InputError, String(e));
      assert.equal(liveTensorCount(), before, `call ${i} leaked on error`);
      continue;
    }
    assert.equal(liveTensorCount(), before + 1, `call ${i} left intermediates alive`);
    loss.backward();
    loss.dispose();
    for (const p of [x, profile]) {
      const g = p.grad;
      g?.dispose();
      p.grad = null;
    }
    assert.equal(liveTensorCount(), before, `call ${i}`);
  }
});

test('lossFor and lossConfigSchema reject bad options naming the field', () => {
  assert.throws(() => lossFor('binary', { posWeight: [1, -2] }), (e: Error) => e instanceof ConfigError && e.message.startsWith('posWeight.1:'));
  assert.throws(() => lossFor('multiclass', { labelSmoothing: 2 }), (e: Error) => e instanceof ConfigError && e.message.startsWith('labelSmoothing:'));
  assert.throws(() => lossFor('vae', { beta: 1, reconstruction: 'l1' as 'mse' }), /^ConfigError: reconstruction:|reconstruction:/);
  assert.throws(() => lossFor('regression', { lambda: 1 } as never), (e: Error) => e instanceof ConfigError);
  assert.throws(() => lossFor('nope' as 'binary'), (e: Error) => e instanceof ConfigError && /task: expected one of binary/.test(e.message));
  const parsed = lossConfigSchema.parse({ task: 'profile', countWeight: 20 });
  assert.deepEqual(parsed, { task: 'profile', countWeight: 20, includeConstants: true, jointTracks: false });
  assert.equal(lossConfigSchema.safeParse({ task: 'profile', countWeight: -1 }).success, false);
});
