import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor, tidy, type Tensor } from '../../src/core/index.js';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  LinearWarmup,
  OneCycleLR,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
  type LrSchedule,
  type LrScheduleState,
  type Optimizer,
  type OptimizerMeta,
} from '../../src/optim/index.js';
import { backwardLoss, makeParams } from './problem.js';

interface Setup {
  name: string;
  optimizer: (params: Tensor[]) => Optimizer;
  schedule: (opt: Optimizer) => LrSchedule;
}

const setups: Setup[] = [
  {
    name: 'SGD nesterov + StepLR',
    optimizer: (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    schedule: (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }),
  },
  {
    name: 'Adam amsgrad + CosineAnnealingLR',
    optimizer: (p) => new Adam([{ params: [p[0]!] }, { params: [p[1]!], lr: 0.02 }], { lr: 0.1, amsgrad: true }),
    schedule: (o) => new CosineAnnealingLR(o, { tMax: 7, etaMin: 0.001 }),
  },
  {
    name: 'AdamW + LinearWarmup then cosine',
    optimizer: (p) => new AdamW(p, { lr: 0.1, weightDecay: 0.1 }),
    schedule: (o) => new LinearWarmup(o, { warmupSteps: 3, after: new CosineAnnealingLR(o, { tMax: 10 }) }),
  },
  {
    name: 'RMSprop centered momentum + ReduceLROnPlateau',
    optimizer: (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 }),
    schedule: (o) => new ReduceLROnPlateau(o, { patience: 0, factor: 0.5, threshold: 0.2 }),
  },
  {
    name: 'SGD + OneCycleLR (momentum cycling)',
    optimizer: (p) => new SGD(p, { lr: 0.1, momentum: 0.9 }),
    schedule: (o) => new OneCycleLR(o, { maxLr: 0.2, totalSteps: 10 }),
  },
];

/** `count` training steps: loss + backward, optimizer step, schedule step (with the loss as its metric). */
function train(w: Tensor, b: Tensor, opt: Optimizer, schedule: LrSchedule, count: number): void {
  for (let s = 0; s < count; s++) {
    tidy(() => {
      opt.zeroGrad();
      const loss = backwardLoss(w, b);
      opt.step();
      schedule.step(loss);
    });
  }
}

/** A tensor rebuilt from its bytes, as a checkpoint file would give it back. */
function roundTrip(t: Tensor): Tensor {
  return tensor(t.data(), t.shape);
}

for (const setup of setups) {
  test(`resuming from a state dict is bit-identical to an uninterrupted run: ${setup.name}`, () => {
    // Uninterrupted: 10 steps.
    const straight = makeParams();
    const opt = setup.optimizer([straight.w, straight.b]);
    const schedule = setup.schedule(opt);
    train(straight.w, straight.b, opt, schedule, 10);

    // Interrupted after 4 steps, checkpointed through plain bytes and JSON, resumed for 6.
    const first = makeParams();
    const opt1 = setup.optimizer([first.w, first.b]);
    const schedule1 = setup.schedule(opt1);
    train(first.w, first.b, opt1, schedule1, 4);
    const saved = opt1.stateDict();
    const state = Object.fromEntries(Object.entries(saved.state).map(([k, t]) => [k, roundTrip(t)]));
    const meta = JSON.parse(JSON.stringify(saved.meta)) as OptimizerMeta;
    const scheduleState = JSON.parse(JSON.stringify(schedule1.stateDict())) as LrScheduleState;
    const w = roundTrip(first.w).requiresGrad_();
    const b = roundTrip(first.b).requiresGrad_();
    for (const t of Object.values(saved.state)) t.dispose();
    opt1.dispose();
    first.w.dispose();
    first.b.dispose();

    const opt2 = setup.optimizer([w, b]);
    const schedule2 = setup.schedule(opt2);
    opt2.loadStateDict({ state, meta });
    schedule2.loadStateDict(scheduleState);
    for (const t of Object.values(state)) t.dispose(); // the optimizer made its own copies
    train(w, b, opt2, schedule2, 6);

    assert.deepEqual(Array.from(w.data() as Float32Array), Array.from(straight.w.data() as Float32Array));
    assert.deepEqual(Array.from(b.data() as Float32Array), Array.from(straight.b.data() as Float32Array));
    assert.deepEqual(opt2.paramGroups.map((g) => g.lr), opt.paramGroups.map((g) => g.lr));
    assert.deepEqual(schedule2.lastLr(), schedule.lastLr());
    opt.dispose();
    opt2.dispose();
  });
}

test('loading the state dict before building the schedule also resumes exactly', () => {
  const straight = makeParams();
  const opt = new Adam([straight.w, straight.b], { lr: 0.05 });
  const schedule = new StepLR(opt, { stepSize: 2, gamma: 0.7 });
  train(straight.w, straight.b, opt, schedule, 7);

  const first = makeParams();
  const opt1 = new Adam([first.w, first.b], { lr: 0.05 });
  const schedule1 = new StepLR(opt1, { stepSize: 2, gamma: 0.7 });
  train(first.w, first.b, opt1, schedule1, 3);
  const saved = opt1.stateDict();
  const opt2 = new Adam([first.w, first.b], { lr: 0.05 });
  opt2.loadStateDict(saved);
  assert.equal(opt2.paramGroups[0]!.lr, 0.05 * 0.7); // the lr travels with the optimizer state
  const schedule2 = new StepLR(opt2, { stepSize: 2, gamma: 0.7 });
  schedule2.loadStateDict(schedule1.stateDict());
  opt1.dispose();
  train(first.w, first.b, opt2, schedule2, 4);
  assert.deepEqual(first.w.toArray(), straight.w.toArray());
  assert.deepEqual(opt2.paramGroups.map((g) => g.lr), opt.paramGroups.map((g) => g.lr));
});

test('stateDict returns copies with PyTorch state names, step counts and group hyper-parameters', () => {
  const { w, b } = makeParams();
  const opt = new Adam([{ params: [w] }, { params: [b], lr: 0.5, amsgrad: true }], { lr: 0.1 });
  tidy(() => {
    backwardLoss(w, b);
    opt.step();
    opt.step();
  });
  const dict = opt.stateDict();
  assert.deepEqual(Object.keys(dict.state).sort(), ['0.exp_avg', '0.exp_avg_sq', '1.exp_avg', '1.exp_avg_sq', '1.max_exp_avg_sq']);
  assert.deepEqual(dict.meta.steps, { 0: 2, 1: 2 });
  assert.equal(dict.meta.optimizer, 'Adam');
  assert.deepEqual(dict.meta.groups, [
    { params: [0], options: { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false } },
    { params: [1], options: { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false } },
  ]);
  const live = opt.paramState(w)!.tensors.get('exp_avg')!;
  const before = live.toArray();
  dict.state['0.exp_avg']!.fill_(123);
  for (const t of Object.values(dict.state)) t.dispose();
  assert.deepEqual(live.toArray(), before);
  assert.equal(live.isDisposed, false);
  opt.dispose();
  assert.equal(live.isDisposed, true);
});

test('loadStateDict rejects mismatched checkpoints and leaves the optimizer unchanged', () => {
  const { w, b } = makeParams();
  const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
  tidy(() => {
    backwardLoss(w, b);
    opt.step();
  });
  const good = opt.stateDict();
  const buffer = opt.paramState(w)!.tensors.get('momentum_buffer')!.toArray();
  const bad: [unknown, RegExp][] = [
    [{ state: {}, meta: { ...good.meta, optimizer: 'Adam' } }, /expected a state dict of a SGD optimizer, got one of Adam/],
    [{ state: {}, meta: { ...good.meta, groups: [...good.meta.groups, good.meta.groups[0]] } }, /expected a state dict with 1 parameter groups, got 2/],
    [{ state: {}, meta: { ...good.meta, groups: [{ params: [0], options: {} }] } }, /to hold 2 parameters, got 1/],
    [{ state: { '0.momentum_buffer': tensor([1, 2]) }, meta: good.meta }, /expected state '0.momentum_buffer' of shape \[3\], got \[2\]/],
    [{ state: { '7.momentum_buffer': tensor([1]) }, meta: good.meta }, /param index below 2/],
    [{ state: {}, meta: { ...good.meta, groups: [{ params: [0, 1], options: { lr: -1 } }] } }, /Invalid learning rate/],
    [{ state: {}, meta: { ...good.meta, groups: [{ params: [0, 1], options: { weight_decay: 1 } }] } }, /unknown option 'weight_decay'/],
    [{ state: {}, meta: { ...good.meta, steps: { 0: -1 } } }, /integer >= 0/],
    [null, /expected an optimizer state dict/],
  ];
  for (const [dict, message] of bad) {
    assert.throws(() => opt.loadStateDict(dict as never), (err: unknown) => err instanceof InputError && message.test(err.message), String(message));
  }
  assert.deepEqual(opt.paramState(w)!.tensors.get('momentum_buffer')!.toArray(), buffer);
  assert.equal(opt.paramGroups[0]!.lr, 0.1);
  for (const t of Object.values(good.state)) t.dispose();
  opt.dispose();
});
