import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor } from '../../src/core/index.js';
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  type LrSchedule,
  type Optimizer,
} from '../../src/optim/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { runPyTorch } from '../helpers/pytorch.js';

const STEPS = 30;

/** A dummy optimizer with two groups (lr 0.1 and 0.01); SGD has momentum, Adam betas. */
function dummyOptimizer(kind: 'SGD' | 'Adam'): Optimizer {
  const groups = [{ params: [tensor([0]).requiresGrad_()] }, { params: [tensor([0]).requiresGrad_()], lr: 0.01 }];
  return kind === 'SGD' ? new SGD(groups, { lr: 0.1, momentum: 0.9 }) : new Adam(groups, { lr: 0.1 });
}

interface ScheduleCase {
  optimizer: 'SGD' | 'Adam';
  /** PyTorch expression building the scheduler from `opt` (`L` = torch.optim.lr_scheduler). */
  torch: string;
  strand: (opt: Optimizer) => LrSchedule;
  steps?: number;
}

const scheduleCases: ScheduleCase[] = [
  { optimizer: 'SGD', torch: 'L.StepLR(opt, step_size=4, gamma=0.5)', strand: (o) => new StepLR(o, { stepSize: 4, gamma: 0.5 }) },
  { optimizer: 'SGD', torch: 'L.StepLR(opt, step_size=1)', strand: (o) => new StepLR(o, { stepSize: 1 }) },
  {
    optimizer: 'SGD',
    torch: 'L.MultiStepLR(opt, milestones=[8, 3, 8, 15], gamma=0.3)',
    strand: (o) => new MultiStepLR(o, { milestones: [8, 3, 8, 15], gamma: 0.3 }),
  },
  { optimizer: 'SGD', torch: 'L.ExponentialLR(opt, gamma=0.9)', strand: (o) => new ExponentialLR(o, { gamma: 0.9 }) },
  {
    optimizer: 'SGD',
    torch: 'L.CosineAnnealingLR(opt, T_max=10, eta_min=0.001)',
    strand: (o) => new CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }),
  },
  { optimizer: 'Adam', torch: 'L.CosineAnnealingLR(opt, T_max=7)', strand: (o) => new CosineAnnealingLR(o, { tMax: 7 }) },
  {
    optimizer: 'SGD',
    torch:
      'L.SequentialLR(opt, [L.LinearLR(opt, start_factor=0.1, total_iters=5), L.CosineAnnealingLR(opt, T_max=20, eta_min=1e-4)], milestones=[5])',
    strand: (o) => new LinearWarmup(o, { warmupSteps: 5, startFactor: 0.1, after: new CosineAnnealingLR(o, { tMax: 20, etaMin: 1e-4 }) }),
  },
  {
    optimizer: 'SGD',
    torch: 'L.SequentialLR(opt, [L.LinearLR(opt, start_factor=0.5, total_iters=3), L.StepLR(opt, step_size=5, gamma=0.5)], milestones=[3])',
    strand: (o) => new LinearWarmup(o, { warmupSteps: 3, startFactor: 0.5, after: new StepLR(o, { stepSize: 5, gamma: 0.5 }) }),
  },
  {
    optimizer: 'SGD',
    torch: 'L.LinearLR(opt, start_factor=0.25, total_iters=6)',
    strand: (o) => new LinearWarmup(o, { warmupSteps: 6, startFactor: 0.25 }),
  },
  {
    optimizer: 'SGD',
    torch: 'L.OneCycleLR(opt, max_lr=[1.0, 0.1], total_steps=30)',
    strand: (o) => new OneCycleLR(o, { maxLr: [1.0, 0.1], totalSteps: 30 }),
  },
  {
    optimizer: 'Adam',
    torch:
      "L.OneCycleLR(opt, max_lr=0.5, total_steps=31, pct_start=0.25, anneal_strategy='linear', three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9)",
    strand: (o) =>
      new OneCycleLR(o, {
        maxLr: 0.5, totalSteps: 31, pctStart: 0.25, annealStrategy: 'linear', threePhase: true,
        divFactor: 10, finalDivFactor: 100, baseMomentum: 0.8, maxMomentum: 0.9,
      }),
  },
];

/** A fixed metric sequence for ReduceLROnPlateau: improvements, plateaus and noise. */
const metrics = [
  1.0, 0.9, 0.85, 0.86, 0.849, 0.85, 0.85, 0.84, 0.845, 0.846, 0.9, 0.7, 0.7, 0.7, 0.7,
  0.7, 0.69, 0.695, 0.69, 0.689, 0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.4, 0.41, 0.42,
];

interface PlateauCase {
  torch: string;
  strand: (opt: Optimizer) => ReduceLROnPlateau;
  sign: 1 | -1;
}

const plateauCases: PlateauCase[] = [
  { torch: 'L.ReduceLROnPlateau(opt, patience=2, factor=0.5)', strand: (o) => new ReduceLROnPlateau(o, { patience: 2, factor: 0.5 }), sign: 1 },
  {
    torch: "L.ReduceLROnPlateau(opt, threshold_mode='abs', threshold=0.01, patience=1, cooldown=2, min_lr=[0.02, 0.001])",
    strand: (o) => new ReduceLROnPlateau(o, { thresholdMode: 'abs', threshold: 0.01, patience: 1, cooldown: 2, minLr: [0.02, 0.001] }),
    sign: 1,
  },
  {
    torch: "L.ReduceLROnPlateau(opt, mode='max', threshold=0.05, patience=0, factor=0.3)",
    strand: (o) => new ReduceLROnPlateau(o, { mode: 'max', threshold: 0.05, patience: 0, factor: 0.3 }),
    sign: -1,
  },
  {
    torch: "L.ReduceLROnPlateau(opt, mode='max', threshold_mode='abs', threshold=0.0, patience=3, min_lr=0.004, eps=0.003)",
    strand: (o) => new ReduceLROnPlateau(o, { mode: 'max', thresholdMode: 'abs', threshold: 0, patience: 3, minLr: 0.004, eps: 0.003 }),
    sign: 1,
  },
];

const python = `
import warnings
warnings.filterwarnings('ignore')
from torch.optim import lr_scheduler as L
def dummy(kind):
    groups = [{'params': [torch.zeros(1, requires_grad=True)]}, {'params': [torch.zeros(1, requires_grad=True)], 'lr': 0.01}]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9) if kind == 'SGD' else torch.optim.Adam(groups, lr=0.1)
def momenta(opt):
    return [g['betas'][0] if 'betas' in g else g['momentum'] for g in opt.param_groups]
schedules = []
for case in inputs['schedules']:
    opt = dummy(case['optimizer'])
    sched = eval(case['torch'], {'L': L, 'opt': opt})
    lrs = [[g['lr'] for g in opt.param_groups]]
    moms = [momenta(opt)]
    for _ in range(case['steps']):
        opt.step()
        sched.step()
        lrs.append([g['lr'] for g in opt.param_groups])
        moms.append(momenta(opt))
    schedules.append({'lr': lrs, 'momentum': moms})
plateaus = []
for case in inputs['plateaus']:
    opt = dummy('SGD')
    sched = eval(case['torch'], {'L': L, 'opt': opt})
    lrs = []
    for m in inputs['metrics']:
        opt.step()
        sched.step(case['sign'] * m)
        lrs.append([g['lr'] for g in opt.param_groups])
    plateaus.append(lrs)
result = {'schedules': schedules, 'plateaus': plateaus}
`;

interface Expected {
  schedules: { lr: number[][]; momentum: number[][] }[];
  plateaus: number[][][];
}

function momenta(opt: Optimizer): number[] {
  return opt.paramGroups.map((g) => {
    const group = g as unknown as { betas?: number[]; momentum?: number };
    return group.betas !== undefined ? group.betas[0]! : group.momentum!;
  });
}

test('lr (and momentum) sequences of every schedule match PyTorch over 30 steps', (t) => {
  const expected = runPyTorch<Expected>(python, {
    schedules: scheduleCases.map((c) => ({ optimizer: c.optimizer, torch: c.torch, steps: c.steps ?? STEPS })),
    plateaus: plateauCases.map((c) => ({ torch: c.torch, sign: c.sign })),
    metrics,
  });
  if (expected === null) return t.skip('PyTorch not installed');

  for (const [i, c] of scheduleCases.entries()) {
    const opt = dummyOptimizer(c.optimizer);
    const schedule = c.strand(opt);
    const lrs = [opt.paramGroups.map((g) => g.lr)];
    const moms = [momenta(opt)];
    for (let s = 0; s < (c.steps ?? STEPS); s++) {
      opt.step();
      schedule.step();
      lrs.push(opt.paramGroups.map((g) => g.lr));
      moms.push(momenta(opt));
      assert.deepEqual(schedule.lastLr(), lrs[lrs.length - 1]);
    }
    const want = expected.schedules[i]!;
    assertClose(lrs.flat(), want.lr.flat(), { atol: 1e-12, rtol: 1e-9, message: c.torch });
    assertClose(moms.flat(), want.momentum.flat(), { atol: 1e-12, rtol: 1e-9, message: `${c.torch} momentum` });
    opt.dispose();
  }

  for (const [i, c] of plateauCases.entries()) {
    const opt = dummyOptimizer('SGD');
    const schedule = c.strand(opt);
    const lrs = metrics.map((m) => {
      schedule.step(c.sign * m);
      return opt.paramGroups.map((g) => g.lr);
    });
    assertClose(lrs.flat(), expected.plateaus[i]!.flat(), { atol: 1e-15, rtol: 1e-12, message: c.torch });
    assert.ok(new Set(lrs.map((l) => l[0])).size > 1, `${c.torch}: the lr never changed`);
    opt.dispose();
  }
});

test('hand-computed values: StepLR, cosine end points, linear warmup', () => {
  const opt = dummyOptimizer('SGD');
  const step = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  // base 0.1: steps 0,1 -> 0.1; 2,3 -> 0.05; 4 -> 0.025
  assert.deepEqual([0, 1, 2, 3, 4].map((e) => step.lrAt(e, 0)), [0.1, 0.1, 0.05, 0.05, 0.025]);
  const cosine = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.02 });
  // the groups now hold 0.1 / 0.01 again (StepLR at step 0): base 0.1 -> 0.02 + 0.08 * (1 + cos(pi / 2)) / 2 = 0.06 at step 2
  assertClose([cosine.lrAt(0, 0), cosine.lrAt(2, 0), cosine.lrAt(4, 0)], [0.1, 0.06, 0.02], { atol: 1e-15 });
  const warm = new LinearWarmup(opt, { warmupSteps: 4, startFactor: 0 });
  // 0, 1/4, 2/4, 3/4 of 0.1, then held
  assertClose([0, 1, 2, 3, 4, 9].map((e) => warm.lrAt(e, 0)), [0, 0.025, 0.05, 0.075, 0.1, 0.1], { atol: 1e-15 });
  assert.equal(opt.paramGroups[0]!.lr, 0);
  warm.step();
  assert.deepEqual(warm.lastLr(), [0.025, 0.0025]);
  opt.dispose();
});

test('schedule state dicts are plain JSON and restore progress', () => {
  const opt = dummyOptimizer('SGD');
  const a = new ExponentialLR(opt, { gamma: 0.5 });
  a.step();
  a.step();
  const state = JSON.parse(JSON.stringify(a.stateDict()));
  assert.deepEqual(state, { kind: 'ExponentialLR', lastEpoch: 2, baseLrs: [0.1, 0.01], lastLr: [0.025, 0.0025] });
  opt.paramGroups[0]!.lr = 7;
  const b = new ExponentialLR(opt, { gamma: 0.5 });
  b.loadStateDict(state);
  assert.equal(b.lastEpoch, 2);
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.025, 0.0025]);
  assert.throws(() => b.loadStateDict({ ...state, kind: 'StepLR' }), /expected a ExponentialLR state dict/);

  const plateau = new ReduceLROnPlateau(opt, { patience: 0 });
  const fresh = JSON.parse(JSON.stringify(plateau.stateDict()));
  assert.equal(fresh.best, 'Infinity');
  plateau.step(1);
  plateau.step(2);
  const saved = JSON.parse(JSON.stringify(plateau.stateDict()));
  assert.deepEqual(saved, { kind: 'ReduceLROnPlateau', best: 1, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 2, lastLr: [0.025 * 0.1, 0.0025 * 0.1] });
  const again = new ReduceLROnPlateau(opt, { patience: 0 });
  again.loadStateDict(fresh);
  assert.equal(again.best, Infinity);
  opt.dispose();
});

test('schedules validate their arguments with InputError', () => {
  const opt = dummyOptimizer('SGD');
  const cases: [() => unknown, RegExp][] = [
    [() => new StepLR(opt, { stepSize: 0 }), /stepSize to be an integer >= 1, got 0/],
    [() => new MultiStepLR(opt, { milestones: [1.5] }), /every milestone to be an integer/],
    [() => new CosineAnnealingLR(opt, { tMax: 0 }), /expected tMax > 0, got 0/],
    [() => new LinearWarmup(opt, { warmupSteps: 3, startFactor: 2 }), /startFactor <= 1/],
    [() => new LinearWarmup(opt, { warmupSteps: 3, after: new OneCycleLR(opt, { maxLr: 1, totalSteps: 5 }) }), /does not set momentum/],
    [() => new OneCycleLR({ paramGroups: [{ lr: 0.1 }] }, { maxLr: 1, totalSteps: 5 }), /to have momentum or betas/],
    [() => new OneCycleLR(opt, { maxLr: [1], totalSteps: 5 }), /expected 2 values for maxLr/],
    [() => new ReduceLROnPlateau(opt, { factor: 1 }), /Invalid factor: expected 0 <= factor < 1, got 1/],
    [() => new ReduceLROnPlateau(opt, { mode: 'up' as 'min' }), /expected mode 'min' or 'max'/],
    [() => new ReduceLROnPlateau(opt).step(), /expected a metric number/],
    [() => new StepLR({ paramGroups: [] }, { stepSize: 1 }), /expected an optimizer with parameter groups/],
  ];
  for (const [fn, message] of cases) {
    assert.throws(fn, (err: unknown) => err instanceof InputError && message.test(err.message), String(message));
  }
  const cycle = new OneCycleLR(opt, { maxLr: 1, totalSteps: 2 });
  cycle.step();
  cycle.step();
  assert.throws(() => cycle.step(), /tried to step 4 times, but the cycle has totalSteps 2/);
  opt.dispose();
});
