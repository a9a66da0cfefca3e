/** The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR): lr up then down, momentum down then up. */
import { InputError } from '../core/index.js';
import { checkBoolean, checkInteger } from './hyper-parameters.js';
import { checkOptimizer, LrScheduler, type ScheduledGroup, type ScheduledOptimizer } from './lr-scheduler.js';

export interface OneCycleOptions {
  /** Peak lr, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Length of the cycle in steps (integer >= 1); stepping past it is an error. */
  totalSteps: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD / RMSprop `momentum`, Adam `betas[0]`) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** Lowest momentum (at the lr peak). Default 0.85. */
  baseMomentum?: number;
  /** Highest momentum (at the start and end). Default 0.95. */
  maxMomentum?: number;
  /** Initial lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Final lr = initial lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Use a third phase that anneals from the initial to the final lr (fastai-style off). Default false. */
  threePhase?: boolean;
}

type Anchor = 'initial' | 'max' | 'min';
type MomentumAnchor = 'maxMomentum' | 'baseMomentum';
interface Phase {
  endStep: number;
  startLr: Anchor;
  endLr: Anchor;
  startMomentum: MomentumAnchor;
  endMomentum: MomentumAnchor;
}

interface ResolvedOptions {
  totalSteps: number;
  phases: readonly Phase[];
  cosine: boolean;
  cycleMomentum: boolean;
  baseMomentum: number;
  maxMomentum: number;
  maxLrs: readonly number[];
  initialLrs: readonly number[];
  minLrs: readonly number[];
}

function hasMomentum(group: ScheduledGroup): group is ScheduledGroup & { momentum: number } {
  return typeof (group as { momentum?: unknown }).momentum === 'number';
}

function hasBetas(group: ScheduledGroup): group is ScheduledGroup & { betas: readonly [number, number] } {
  const betas = (group as { betas?: unknown }).betas;
  return Array.isArray(betas) && betas.length === 2;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new InputError(`expected ${name} to be a positive number, got ${String(value)}`);
  }
  return value;
}

/**
 * Per group, with anchors initial = maxLr / divFactor, min = initial / finalDivFactor:
 * two phases (initial -> max over the first pctStart of the cycle, max -> min after), or
 * three (initial -> max -> initial -> min). `cos` annealing: end + (start - end)(1 + cos(pi pct)) / 2.
 * The momentum follows maxMomentum -> baseMomentum -> maxMomentum. Values match PyTorch's.
 */
export class OneCycleLR extends LrScheduler<ResolvedOptions> {
  override readonly cyclesMomentum: boolean;

  constructor(optimizer: ScheduledOptimizer, options: OneCycleOptions) {
    const {
      maxLr, totalSteps, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false,
    } = options ?? ({} as OneCycleOptions);
    checkOptimizer('OneCycleLR', optimizer);
    const groups = optimizer.paramGroups;
    checkInteger('totalSteps', totalSteps, 1);
    if (typeof pctStart !== 'number' || !(pctStart >= 0 && pctStart <= 1)) {
      throw new InputError(`expected pctStart between 0 and 1, got ${String(pctStart)}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new InputError(`expected annealStrategy 'cos' or 'linear', got ${String(annealStrategy)}`);
    }
    checkBoolean('cycleMomentum', cycleMomentum);
    checkBoolean('threePhase', threePhase);
    positive('divFactor', divFactor);
    positive('finalDivFactor', finalDivFactor);
    const maxLrs = typeof maxLr === 'number' ? groups.map(() => maxLr) : [...(maxLr ?? [])];
    if (maxLrs.length !== groups.length) {
      throw new InputError(`expected ${groups.length} values for maxLr (one per parameter group), got ${maxLrs.length}`);
    }
    maxLrs.forEach((lr, i) => positive(`maxLr[${i}]`, lr));
    if (cycleMomentum) {
      for (const [i, group] of groups.entries()) {
        if (!hasMomentum(group) && !hasBetas(group)) {
          throw new InputError(`OneCycleLR with cycleMomentum: expected parameter group ${i} to have momentum or betas, got neither`);
        }
      }
      if (typeof baseMomentum !== 'number' || typeof maxMomentum !== 'number') {
        throw new InputError(`expected numbers for baseMomentum and maxMomentum, got ${String(baseMomentum)} and ${String(maxMomentum)}`);
      }
    }
    const initialLrs = maxLrs.map((lr) => lr / divFactor);
    const minLrs = initialLrs.map((lr) => lr / finalDivFactor);
    const phases: Phase[] = threePhase
      ? [
          { endStep: pctStart * totalSteps - 1, startLr: 'initial', endLr: 'max', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * totalSteps - 2, startLr: 'max', endLr: 'initial', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: totalSteps - 1, startLr: 'initial', endLr: 'min', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * totalSteps - 1, startLr: 'initial', endLr: 'max', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: totalSteps - 1, startLr: 'max', endLr: 'min', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    const resolved: ResolvedOptions = {
      totalSteps, phases, cosine: annealStrategy === 'cos', cycleMomentum, baseMomentum, maxMomentum, maxLrs, initialLrs, minLrs,
    };
    super('OneCycleLR', optimizer, resolved, [...initialLrs]);
    this.cyclesMomentum = cycleMomentum;
    this.apply();
  }

  lrAt(epoch: number, group: number): number {
    const o = this.options;
    const lrs: Record<Anchor, number> = { initial: this.baseLrs[group]!, max: o.maxLrs[group]!, min: o.minLrs[group]! };
    const { phase, pct } = this.#locate(epoch);
    return this.#anneal(lrs[phase.startLr], lrs[phase.endLr], pct);
  }

  /** The momentum (or beta1) of every group after `epoch` steps. */
  momentumAt(epoch: number): number {
    const { phase, pct } = this.#locate(epoch);
    return this.#anneal(this.options[phase.startMomentum], this.options[phase.endMomentum], pct);
  }

  protected override apply(): void {
    super.apply();
    if (!this.options.cycleMomentum) return;
    const momentum = this.momentumAt(this.lastEpoch);
    for (const group of this.optimizer.paramGroups) {
      if (hasBetas(group)) group.betas = [momentum, group.betas[1]];
      else if (hasMomentum(group)) group.momentum = momentum;
    }
  }

  #locate(epoch: number): { phase: Phase; pct: number } {
    const { phases, totalSteps } = this.options;
    if (epoch > totalSteps) {
      throw new InputError(`OneCycleLR: tried to step ${epoch + 1} times, but the cycle has totalSteps ${totalSteps}`);
    }
    let start = 0;
    for (const [i, phase] of phases.entries()) {
      if (epoch <= phase.endStep || i === phases.length - 1) return { phase, pct: (epoch - start) / (phase.endStep - start) };
      start = phase.endStep;
    }
    throw new Error('unreachable: OneCycleLR has at least one phase');
  }

  #anneal(start: number, end: number, pct: number): number {
    return this.options.cosine ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }
}
