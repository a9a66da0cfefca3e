import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { Adam, AdamW, RMSprop, SGD, type Optimizer } from '../../src/optim/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { backwardLoss, makeParams, problemInputs, pythonProblem } from './problem.js';

type Options = Record<string, number | boolean | number[]>;

interface Case {
  cls: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Options;
  /** Overrides for the second parameter group (b); w is in the first. */
  group2?: Options;
}

const cases: Case[] = [
  { cls: 'SGD', options: { lr: 0.1 } },
  { cls: 'SGD', options: { lr: 0.1, momentum: 0.9 } },
  { cls: 'SGD', options: { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 } },
  { cls: 'SGD', options: { lr: 0.1, momentum: 0.5, dampening: 0.3, weightDecay: 0.1 } },
  { cls: 'SGD', options: { lr: 0.01, momentum: 0.9, maximize: true } },
  { cls: 'SGD', options: { lr: 0.1, momentum: 0.9 }, group2: { lr: 0.01, weightDecay: 0.2 } },
  { cls: 'Adam', options: { lr: 0.1 } },
  { cls: 'Adam', options: { lr: 0.05, betas: [0.8, 0.99], weightDecay: 0.1 } },
  { cls: 'Adam', options: { lr: 0.1, amsgrad: true } },
  { cls: 'Adam', options: { lr: 0.05, maximize: true, eps: 1e-3 } },
  { cls: 'Adam', options: { lr: 0.1 }, group2: { lr: 0.01, betas: [0.5, 0.9], amsgrad: true } },
  { cls: 'AdamW', options: { lr: 0.1 } },
  { cls: 'AdamW', options: { lr: 0.1, weightDecay: 0.5, amsgrad: true } },
  { cls: 'RMSprop', options: { lr: 0.01 } },
  { cls: 'RMSprop', options: { lr: 0.01, momentum: 0.9 } },
  { cls: 'RMSprop', options: { lr: 0.01, centered: true } },
  { cls: 'RMSprop', options: { lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.1, alpha: 0.9 } },
  { cls: 'RMSprop', options: { lr: 0.01, maximize: true, eps: 1e-4 } },
];

const torchNames: Record<string, string> = { weightDecay: 'weight_decay' };
function toTorch(options: Options): Options {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [torchNames[k] ?? k, v]));
}

function build(c: Case, w: Tensor, b: Tensor): Optimizer {
  const groups = [{ params: [w] }, { params: [b], ...(c.group2 ?? {}) }];
  const o = c.options as never;
  switch (c.cls) {
    case 'SGD': return new SGD(groups as never, o);
    case 'Adam': return new Adam(groups as never, o);
    case 'AdamW': return new AdamW(groups as never, o);
    case 'RMSprop': return new RMSprop(groups as never, o);
  }
}

/** 10 optimizer steps on the shared problem; the (w, b) values after each step. */
function strandTrajectory(c: Case): number[][] {
  const { w, b } = makeParams();
  const opt = build(c, w, b);
  const trajectory: number[][] = [];
  for (let s = 0; s < 10; s++) {
    tidy(() => {
      opt.zeroGrad();
      backwardLoss(w, b);
      opt.step();
    });
    trajectory.push([...w.toArray(), ...b.toArray()]);
  }
  opt.dispose();
  return trajectory;
}

const pythonTrajectories = `${pythonProblem}
def tup(d):
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()}
result = []
for case in inputs['cases']:
    w, b = make_params()
    opt = getattr(torch.optim, case['cls'])([{'params': [w]}, {'params': [b], **tup(case['group2'])}], **tup(case['options']))
    trajectory = []
    for _ in range(10):
        opt.zero_grad()
        loss_of(w, b).backward()
        opt.step()
        trajectory.append(w.tolist() + b.tolist())
    result.append(trajectory)
`;

test('10-step trajectories of SGD, Adam, AdamW and RMSprop match PyTorch (option combinations, param groups)', (t) => {
  const expected = runPyTorch<number[][][]>(pythonTrajectories, {
    ...problemInputs,
    cases: cases.map((c) => ({ cls: c.cls, options: toTorch(c.options), group2: toTorch(c.group2 ?? {}) })),
  });
  if (expected === null) return t.skip('PyTorch not installed');
  for (const [i, c] of cases.entries()) {
    const actual = strandTrajectory(c);
    const label = `${c.cls} ${JSON.stringify(c.options)} ${JSON.stringify(c.group2 ?? {})}`;
    for (let s = 0; s < 10; s++) {
      assertClose(actual[s]!, expected[i]![s]!, { atol: 1e-5, rtol: 1e-5, message: `${label} step ${s + 1}` });
    }
    // The trajectory actually moves (the comparison is not vacuous).
    assert.ok(Math.abs(actual[9]![0]! - 0.2) > 1e-3, `${label}: w[0] did not move`);
  }
});

test('SGD with momentum: two hand-computed steps', () => {
  // p0 = [1, -2], g = [0.5, 1] both steps, lr 0.1, momentum 0.9, dampening 0.
  // step 1: buf = g = [0.5, 1];                     p = [1 - 0.05, -2 - 0.1]      = [0.95, -2.1]
  // step 2: buf = 0.9 * [0.5, 1] + [0.5, 1] = [0.95, 1.9]; p = [0.95 - 0.095, -2.1 - 0.19] = [0.855, -2.29]
  const p = tensor([1, -2]).requiresGrad_();
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = tensor([0.5, 1]);
  opt.step();
  assertClose(p, [0.95, -2.1], { atol: 1e-6 });
  assertClose(opt.paramState(p)!.tensors.get('momentum_buffer')!, [0.5, 1], { atol: 1e-7 });
  opt.step();
  assertClose(p, [0.855, -2.29], { atol: 1e-6 });
  assertClose(opt.paramState(p)!.tensors.get('momentum_buffer')!, [0.95, 1.9], { atol: 1e-6 });
  opt.dispose();
});

test('Adam: hand-computed first step', () => {
  // p0 = [1, 3], g = [0.5, -2], lr 0.01, betas (0.9, 0.999), eps 1e-8, t = 1.
  // m = 0.1 g = [0.05, -0.2];   v = 0.001 g^2 = [0.00025, 0.004]
  // bias corrections: 1 - 0.9 = 0.1, 1 - 0.999 = 0.001 -> step size = 0.01 / 0.1 = 0.1
  // denom = sqrt(v) / sqrt(0.001) + eps = |g| + 1e-8 = [0.5 + 1e-8, 2 + 1e-8]
  // p = p0 - 0.1 * m / denom = [1 - 0.1 * 0.05 / 0.5, 3 + 0.1 * 0.2 / 2] = [0.99, 3.01]
  const p = tensor([1, 3]).requiresGrad_();
  const opt = new Adam([p], { lr: 0.01 });
  p.grad = tensor([0.5, -2]);
  opt.step();
  assertClose(p, [0.99, 3.01], { atol: 1e-6 });
  const state = opt.paramState(p)!;
  assert.equal(state.step, 1);
  assertClose(state.tensors.get('exp_avg')!, [0.05, -0.2], { atol: 1e-7 });
  assertClose(state.tensors.get('exp_avg_sq')!, [0.00025, 0.004], { atol: 1e-8 });
  opt.dispose();
});

test('AdamW: decoupled weight decay shrinks the parameter before the Adam step', () => {
  // p0 = [2], g = [0], lr 0.1, weightDecay 0.5: p <- 2 * (1 - 0.05) = 1.9; m = v = 0 -> no Adam move.
  const p = tensor([2]).requiresGrad_();
  const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
  p.grad = tensor([0]);
  opt.step();
  assertClose(p, [1.9], { atol: 1e-6 });
  opt.dispose();
});

test('step() skips parameters without a gradient and zeroGrad clears or zeroes gradients', () => {
  const a = tensor([1, 1]).requiresGrad_();
  const b = tensor([5]).requiresGrad_();
  const opt = new SGD([a, b], { lr: 1 });
  a.grad = tensor([0.25, -0.5]);
  opt.step();
  assertClose(a, [0.75, 1.5]);
  assertClose(b, [5]);
  assert.equal(opt.paramState(b), undefined);
  opt.zeroGrad({ setToNone: false });
  assertClose(a.grad!, [0, 0]);
  opt.zeroGrad();
  assert.equal(a.grad, null);
  opt.step(); // no gradients: nothing moves
  assertClose(a, [0.75, 1.5]);
  opt.dispose();
});

test('group hyper-parameters are per group and lr is writable between steps', () => {
  const a = tensor([0]).requiresGrad_();
  const b = tensor([0]).requiresGrad_();
  const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
  assert.equal(opt.paramGroups[0]!.lr, 0.1);
  assert.equal(opt.paramGroups[1]!.lr, 0.5);
  assert.equal(opt.paramGroups[1]!.momentum, 0);
  a.grad = tensor([1]);
  b.grad = tensor([1]);
  opt.step();
  opt.paramGroups[0]!.lr = 1;
  opt.step();
  assertClose(a, [-1.1], { atol: 1e-6 });
  assertClose(b, [-1], { atol: 1e-6 });
  opt.dispose();
});

test('invalid hyper-parameters and parameters throw InputError naming the problem', () => {
  const p = tensor([1]).requiresGrad_();
  const cases: [() => unknown, RegExp][] = [
    [() => new SGD([p], { lr: -1 }), /Invalid learning rate: expected lr >= 0, got -1/],
    [() => new SGD([p], { lr: 0.1, momentum: -0.5 }), /Invalid momentum value/],
    [() => new SGD([p], { lr: 0.1, weightDecay: -1 }), /Invalid weight_decay value/],
    [() => new SGD([p], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/],
    [() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /zero dampening/],
    [() => new SGD([p], {} as { lr: number }), /Invalid learning rate/],
    [() => new Adam([p], { betas: [1, 0.999] }), /Invalid beta parameter at index 0: expected 0 <= betas\[0\] < 1, got 1/],
    [() => new Adam([p], { betas: [0.9, -0.1] }), /Invalid beta parameter at index 1/],
    [() => new Adam([p], { eps: -1e-8 }), /Invalid epsilon value/],
    [() => new AdamW([p], { lr: Number.NaN }), /Invalid learning rate/],
    [() => new RMSprop([p], { alpha: -0.1 }), /Invalid alpha value/],
    [() => new RMSprop([{ params: [p], momentum: -1 }]), /Invalid momentum value/],
    [() => new Adam([]), /expected a non-empty list of parameters/],
    [() => new Adam([p, p]), /appears twice/],
    [() => new Adam([{ params: [p] }, { params: [p] }]), /appears twice/],
    [() => new Adam([{ params: [p], weight_decay: 0.1 } as never]), /unknown parameter-group option 'weight_decay'/],
    [() => new Adam([ops.mul(tensor([1]).requiresGrad_(), 2)]), /leaf/],
    [() => new Adam([1 as unknown as Tensor]), /expected a parameter group/],
  ];
  for (const [fn, message] of cases) {
    assert.throws(fn, (err: unknown) => err instanceof InputError && message.test(err.message), `expected ${message}`);
  }
  const opt = new SGD([p], { lr: 0.1 });
  opt.dispose();
  assert.throws(() => opt.step(), InputError);
});
