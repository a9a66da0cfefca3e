/**
 * Step-indexed learning-rate schedules (closed forms of torch.optim.lr_scheduler's
 * StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, and LinearLR + SequentialLR as
 * LinearWarmup). `epoch` below is the number of `step()` calls so far.
 */
import { InputError } from '../core/index.js';
import { checkAtLeast, checkInteger } from './hyper-parameters.js';
import { checkKind, LrScheduler, type LrScheduleState, type ScheduledOptimizer } from './lr-scheduler.js';

function checkNumber(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`expected ${name} to be a finite number, got ${String(value)}`);
}

/** lr = base * gamma ^ floor(epoch / stepSize). */
export class StepLR extends LrScheduler<{ stepSize: number; gamma: number }> {
  /** @param options stepSize: steps between decays (integer >= 1); gamma: decay factor, default 0.1 */
  constructor(optimizer: ScheduledOptimizer, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }) {
    checkInteger('stepSize', stepSize, 1);
    checkNumber('gamma', gamma);
    super('StepLR', optimizer, { stepSize, gamma });
    this.apply();
  }

  lrAt(epoch: number, group: number): number {
    return this.baseLrs[group]! * this.options.gamma ** Math.floor(epoch / this.options.stepSize);
  }
}

/** lr = base * gamma ^ (number of milestones <= epoch); a repeated milestone decays repeatedly. */
export class MultiStepLR extends LrScheduler<{ milestones: readonly number[]; gamma: number }> {
  /** @param options milestones: step indices (integers >= 0); gamma: decay factor, default 0.1 */
  constructor(optimizer: ScheduledOptimizer, { milestones, gamma = 0.1 }: { milestones: readonly number[]; gamma?: number }) {
    if (!Array.isArray(milestones)) throw new InputError(`expected milestones to be an array of step indices, got ${String(milestones)}`);
    for (const m of milestones) checkInteger('every milestone', m, 0);
    checkNumber('gamma', gamma);
    super('MultiStepLR', optimizer, { milestones: [...milestones].sort((a, b) => a - b), gamma });
    this.apply();
  }

  lrAt(epoch: number, group: number): number {
    const passed = this.options.milestones.filter((m) => m <= epoch).length;
    return this.baseLrs[group]! * this.options.gamma ** passed;
  }
}

/** lr = base * gamma ^ epoch. */
export class ExponentialLR extends LrScheduler<{ gamma: number }> {
  /** @param options gamma: decay factor per step */
  constructor(optimizer: ScheduledOptimizer, { gamma }: { gamma: number }) {
    checkNumber('gamma', gamma);
    super('ExponentialLR', optimizer, { gamma });
    this.apply();
  }

  lrAt(epoch: number, group: number): number {
    return this.baseLrs[group]! * this.options.gamma ** epoch;
  }
}

/**
 * lr = etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2: from base down to
 * etaMin at step tMax, then (like PyTorch's) back up again over the next tMax steps.
 */
export class CosineAnnealingLR extends LrScheduler<{ tMax: number; etaMin: number }> {
  /** @param options tMax: steps of the half period (> 0); etaMin: the lowest lr, default 0 */
  constructor(optimizer: ScheduledOptimizer, { tMax, etaMin = 0 }: { tMax: number; etaMin?: number }) {
    if (typeof tMax !== 'number' || !(tMax > 0)) throw new InputError(`expected tMax > 0, got ${String(tMax)}`);
    checkNumber('etaMin', etaMin);
    super('CosineAnnealingLR', optimizer, { tMax, etaMin });
    this.apply();
  }

  lrAt(epoch: number, group: number): number {
    const { tMax, etaMin } = this.options;
    return etaMin + ((this.baseLrs[group]! - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
  }
}

export interface LinearWarmupOptions {
  /** Steps of the linear ramp (integer >= 0). */
  warmupSteps: number;
  /** Fraction of the target lr used at step 0, in [0, 1]. Default 0.1. */
  startFactor?: number;
  /**
   * The schedule that takes over at step `warmupSteps` (its step 0 lands there). Build it
   * on the same optimizer and step only the warmup. Default: hold the base lr.
   */
  after?: LrScheduler;
}

/**
 * Linear warmup: lr rises linearly from `startFactor * target` at step 0 to the target at
 * step `warmupSteps`, where `after` takes over (target = after's step-0 lr, else the base
 * lr, which is then held). Equals PyTorch's
 * SequentialLR([LinearLR(start_factor, total_iters=warmupSteps), after], milestones=[warmupSteps]).
 */
export class LinearWarmup extends LrScheduler<{ warmupSteps: number; startFactor: number; after: LrScheduler | null }> {
  constructor(optimizer: ScheduledOptimizer, { warmupSteps, startFactor = 0.1, after }: LinearWarmupOptions) {
    checkInteger('warmupSteps', warmupSteps, 0);
    checkAtLeast('start factor', 'startFactor', startFactor);
    if (startFactor > 1) throw new InputError(`Invalid start factor: expected 0 <= startFactor <= 1, got ${startFactor}`);
    if (after !== undefined) {
      if (!(after instanceof LrScheduler)) throw new InputError(`expected after to be a step-indexed schedule, got ${String(after)}`);
      if (after.optimizer !== optimizer) throw new InputError('expected after to schedule the same optimizer as the warmup');
      if (after.cyclesMomentum) throw new InputError(`expected after to be a schedule that does not set momentum, got ${after.kind}`);
    }
    super('LinearWarmup', optimizer, { warmupSteps, startFactor, after: after ?? null }, after?.baseLrs.slice());
    this.apply();
  }

  lrAt(epoch: number, group: number): number {
    const { warmupSteps, startFactor, after } = this.options;
    if (epoch >= warmupSteps) return after === null ? this.baseLrs[group]! : after.lrAt(epoch - warmupSteps, group);
    const target = after === null ? this.baseLrs[group]! : after.lrAt(0, group);
    return target * (startFactor + ((1 - startFactor) * epoch) / warmupSteps);
  }

  override stateDict(): LrScheduleState {
    const after = this.options.after;
    return { ...super.stateDict(), after: after === null ? null : after.stateDict() };
  }

  override loadStateDict(state: LrScheduleState): void {
    checkKind(this.kind, state);
    const after = this.options.after;
    if (after !== null) {
      if (state.after === null || typeof state.after !== 'object' || Array.isArray(state.after)) {
        throw new InputError(`expected the LinearWarmup state dict to hold the state of its after schedule, got ${JSON.stringify(state.after)}`);
      }
      after.loadStateDict(state.after as LrScheduleState);
    }
    super.loadStateDict(state);
  }
}
