/**
 * The learning-rate schedule interface and the base of the step-indexed schedules: a
 * schedule sets every parameter group's lr from a closed form of the number of `step()`
 * calls so far, so it is exactly resumable from `{ lastEpoch, baseLrs }`.
 */
import { InputError } from '../core/index.js';
import { checkInteger } from './hyper-parameters.js';

/** A plain JSON value (what schedule state dicts are made of). */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A schedule's checkpoint: plain JSON, tagged with the schedule's class name. */
export interface LrScheduleState {
  kind: string;
  [key: string]: JsonValue;
}

/** A parameter group as schedules see it: a writable lr (OneCycleLR also writes momentum / betas). */
export interface ScheduledGroup {
  lr: number;
}

/** What a schedule drives: any optimizer (only its parameter groups are used). */
export interface ScheduledOptimizer {
  readonly paramGroups: readonly ScheduledGroup[];
}

/** What every schedule offers; call `step()` once per optimizer step (ReduceLROnPlateau: `step(metric)`). */
export interface LrSchedule {
  step(metric?: number): void;
  /** The lr of each parameter group as last set by this schedule. */
  lastLr(): number[];
  stateDict(): LrScheduleState;
  loadStateDict(state: LrScheduleState): void;
}

export function checkOptimizer(kind: string, optimizer: ScheduledOptimizer): void {
  if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups) || optimizer.paramGroups.length === 0) {
    throw new InputError(`${kind}: expected an optimizer with parameter groups, got ${String(optimizer)}`);
  }
}

export function checkKind(kind: string, state: LrScheduleState): void {
  if (state === null || typeof state !== 'object' || state.kind !== kind) {
    throw new InputError(`expected a ${kind} state dict, got ${state === null || typeof state !== 'object' ? String(state) : `one of kind ${String(state.kind)}`}`);
  }
}

export function checkLrList(name: string, value: unknown, groups: number): number[] {
  if (!Array.isArray(value) || value.length !== groups || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InputError(`expected ${name} to be ${groups} finite numbers (one per parameter group), got ${JSON.stringify(value)}`);
  }
  return [...(value as number[])];
}

/**
 * Base of the closed-form schedules. After construction the groups hold the lr of step 0;
 * each `step()` advances one step and sets lr_i = lrAt(step, i). Options are the
 * constructor's; a state dict restores the progress (`lastEpoch`) and the base lrs.
 */
export abstract class LrScheduler<O extends object = object> implements LrSchedule {
  readonly optimizer: ScheduledOptimizer;
  /** Class name, recorded in state dicts. */
  readonly kind: string;
  /** True for schedules that also set momentum (they cannot follow a LinearWarmup). */
  readonly cyclesMomentum: boolean = false;
  protected readonly options: Readonly<O>;
  #baseLrs: number[];
  #lastEpoch = 0;
  #lastLr: number[] = [];

  /**
   * @param baseLrs the lr each group's schedule starts from; default: the groups' current lr
   */
  protected constructor(kind: string, optimizer: ScheduledOptimizer, options: O, baseLrs?: number[]) {
    checkOptimizer(kind, optimizer);
    this.kind = kind;
    this.optimizer = optimizer;
    this.options = Object.freeze({ ...options });
    this.#baseLrs = baseLrs ?? optimizer.paramGroups.map((g) => g.lr);
    checkLrList('the groups\' lr', this.#baseLrs, optimizer.paramGroups.length);
  }

  /** The lr each group's schedule starts from. */
  get baseLrs(): readonly number[] {
    return this.#baseLrs;
  }

  /** Number of `step()` calls so far (PyTorch's last_epoch). */
  get lastEpoch(): number {
    return this.#lastEpoch;
  }

  /** The lr of group `group` after `epoch` steps (pure; does not change the optimizer). */
  abstract lrAt(epoch: number, group: number): number;

  /** Advances one step and sets every group's lr. */
  step(): void {
    this.#lastEpoch += 1;
    this.apply();
  }

  lastLr(): number[] {
    return [...this.#lastLr];
  }

  stateDict(): LrScheduleState {
    return { kind: this.kind, lastEpoch: this.#lastEpoch, baseLrs: [...this.#baseLrs], lastLr: this.lastLr() };
  }

  /** Restores progress and base lrs, and sets the groups' lr accordingly. */
  loadStateDict(state: LrScheduleState): void {
    checkKind(this.kind, state);
    checkInteger('lastEpoch', state.lastEpoch, 0);
    this.#baseLrs = checkLrList('baseLrs', state.baseLrs, this.optimizer.paramGroups.length);
    this.#lastEpoch = state.lastEpoch as number;
    this.apply();
  }

  /** Sets every group's lr for the current step. Subclasses call it once at the end of construction. */
  protected apply(): void {
    const groups = this.optimizer.paramGroups;
    this.#lastLr = groups.map((_, i) => this.lrAt(this.#lastEpoch, i));
    for (const [i, group] of groups.entries()) group.lr = this.#lastLr[i]!;
  }
}
