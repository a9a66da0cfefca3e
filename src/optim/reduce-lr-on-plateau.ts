/** Lowers the lr when a monitored metric stops improving (torch.optim.lr_scheduler.ReduceLROnPlateau). */
import { InputError } from '../core/index.js';
import { checkAtLeast, checkInteger } from './hyper-parameters.js';
import { checkKind, checkLrList, checkOptimizer, type LrSchedule, type LrScheduleState, type ScheduledOptimizer } from './lr-scheduler.js';

export interface ReduceLrOnPlateauOptions {
  /** 'min' (default): lower is better (a loss); 'max': higher is better (an accuracy, AUROC). */
  mode?: 'min' | 'max';
  /** lr <- lr * factor on a reduction; must be < 1. Default 0.1. */
  factor?: number;
  /** Non-improving steps tolerated before a reduction. Default 10. */
  patience?: number;
  /** What counts as an improvement (see thresholdMode). Default 1e-4. */
  threshold?: number;
  /** 'rel' (default): better than best * (1 -/+ threshold); 'abs': better than best -/+ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps after a reduction during which bad steps are not counted. Default 0. */
  cooldown?: number;
  /** Lower bound of the lr, one for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped. Default 1e-8. */
  eps?: number;
}

/** JSON has no infinities: they are stored as strings. */
function encode(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function decode(name: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity' || value === '-Infinity' || value === 'NaN') return Number(value);
  throw new InputError(`expected ${name} to be a number, got ${JSON.stringify(value)}`);
}

/**
 * Call `step(metric)` once per evaluation. A metric is an improvement when it beats the
 * best so far by the threshold; after more than `patience` non-improving steps (not
 * counting cooldown) every group's lr becomes max(lr * factor, minLr).
 */
export class ReduceLROnPlateau implements LrSchedule {
  readonly optimizer: ScheduledOptimizer;
  readonly kind = 'ReduceLROnPlateau';
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: readonly number[];
  readonly eps: number;
  /** The best metric so far (+Infinity / -Infinity before the first step). */
  best: number;
  /** Consecutive non-improving steps. */
  numBadEpochs = 0;
  /** Remaining cooldown steps. */
  cooldownCounter = 0;
  /** Number of `step()` calls so far. */
  lastEpoch = 0;
  #lastLr: number[];

  constructor(optimizer: ScheduledOptimizer, options: ReduceLrOnPlateauOptions = {}) {
    checkOptimizer('ReduceLROnPlateau', optimizer);
    const {
      mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8,
    } = options ?? {};
    if (mode !== 'min' && mode !== 'max') throw new InputError(`expected mode 'min' or 'max', got ${String(mode)}`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new InputError(`expected thresholdMode 'rel' or 'abs', got ${String(thresholdMode)}`);
    }
    if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) {
      throw new InputError(`Invalid factor: expected 0 <= factor < 1, got ${String(factor)}`);
    }
    checkInteger('patience', patience, 0);
    checkInteger('cooldown', cooldown, 0);
    checkAtLeast('threshold', 'threshold', threshold);
    checkAtLeast('epsilon value', 'eps', eps);
    const groups = optimizer.paramGroups.length;
    const minLrs = typeof minLr === 'number' ? Array.from({ length: groups }, () => minLr) : [...(minLr ?? [])];
    if (minLrs.length !== groups) throw new InputError(`expected ${groups} minLr values (one per parameter group), got ${minLrs.length}`);
    minLrs.forEach((v, i) => checkAtLeast('minimum lr', `minLr[${i}]`, v));
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = minLrs;
    this.eps = eps;
    this.best = this.#worst();
    this.#lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Records `metric` (e.g. the validation loss) and lowers the lr if it has plateaued. */
  step(metric?: number): void {
    if (typeof metric !== 'number') throw new InputError(`ReduceLROnPlateau.step expected a metric number, got ${String(metric)}`);
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.#reduce();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.#lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** True when `a` beats `best` by the threshold in this mode. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  lastLr(): number[] {
    return [...this.#lastLr];
  }

  stateDict(): LrScheduleState {
    return {
      kind: this.kind,
      best: encode(this.best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: this.lastLr(),
    };
  }

  /** Restores the counters and the best metric, and sets the groups' lr to the saved lastLr. */
  loadStateDict(state: LrScheduleState): void {
    checkKind(this.kind, state);
    const best = decode('best', state.best);
    checkInteger('numBadEpochs', state.numBadEpochs, 0);
    checkInteger('cooldownCounter', state.cooldownCounter, 0);
    checkInteger('lastEpoch', state.lastEpoch, 0);
    const lastLr = checkLrList('lastLr', state.lastLr, this.optimizer.paramGroups.length);
    this.best = best;
    this.numBadEpochs = state.numBadEpochs as number;
    this.cooldownCounter = state.cooldownCounter as number;
    this.lastEpoch = state.lastEpoch as number;
    for (const [i, group] of this.optimizer.paramGroups.entries()) group.lr = lastLr[i]!;
    this.#lastLr = lastLr;
  }

  #worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  #reduce(): void {
    for (const [i, group] of this.optimizer.paramGroups.entries()) {
      const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
      if (group.lr - newLr > this.eps) group.lr = newLr;
    }
  }
}
