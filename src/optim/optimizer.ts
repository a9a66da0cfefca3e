/**
 * The optimizer base: parameter groups with per-group hyper-parameters, per-parameter
 * state (kept tensors), `step()`, `zeroGrad()`, and a state dict for checkpoints.
 * Subclasses supply one thing: how a parameter is updated from its gradient
 * (`updateParameter`), following PyTorch 1.13's single-tensor implementations.
 */
import { InputError, keep, noGrad, Tensor, tidy } from '../core/index.js';
import * as ops from '../ops/index.js';
import { withDefaults } from './hyper-parameters.js';

/** Hyper-parameters every parameter group has. `lr` may be rewritten at any time (schedules do). */
export interface GroupOptions {
  lr: number;
}

/** A hyper-parameter value as stored in a state dict. */
export type HyperValue = number | boolean | readonly number[];

/** A parameter group: its parameters and its own copy of every hyper-parameter (writable). */
export type ParamGroup<H extends GroupOptions> = H & { readonly params: readonly Tensor[] };

/** A parameter group as given by the caller: unspecified hyper-parameters take the optimizer's defaults. */
export type ParamGroupInput<H extends GroupOptions> = Partial<H> & { params: readonly Tensor[] };

/** What optimizers accept: a flat list of parameters (one group) or a list of groups. */
export type ParamsInput<H extends GroupOptions> = readonly Tensor[] | readonly ParamGroupInput<H>[];

/** The JSON-serialisable part of an optimizer state dict. Parameters are numbered in group order. */
export interface OptimizerMeta {
  /** Class name of the optimizer that wrote it ('SGD', 'Adam', ...). */
  optimizer: string;
  /** Per group: the indices of its parameters and its hyper-parameters. */
  groups: { params: number[]; options: Record<string, HyperValue> }[];
  /** Per parameter index (as a string key): how many updates it received. */
  steps: Record<string, number>;
}

/**
 * A checkpointable optimizer state. `state` maps `<paramIndex>.<name>` (PyTorch's state
 * names, e.g. `0.exp_avg`, `3.momentum_buffer`) to a tensor shaped like that parameter.
 */
export interface OptimizerStateDict {
  state: Record<string, Tensor>;
  meta: OptimizerMeta;
}

/** Per-parameter state: the update count and named state tensors (kept; owned by the optimizer). */
export class ParamState {
  /** Updates this parameter has received (Adam's t). */
  step = 0;
  readonly #tensors = new Map<string, Tensor>();

  /** The live state tensors, by name. Do not dispose them. */
  get tensors(): ReadonlyMap<string, Tensor> {
    return this.#tensors;
  }

  /** The state tensor `name`, created by `init` and kept on first use. */
  ensure(name: string, init: () => Tensor): Tensor {
    let t = this.#tensors.get(name);
    if (t === undefined) {
      t = keep(init());
      this.#tensors.set(name, t);
    }
    return t;
  }

  /** Stores `t` (kept) as state tensor `name`, disposing any previous one. */
  set(name: string, t: Tensor): void {
    const previous = this.#tensors.get(name);
    if (previous !== undefined && previous !== t) previous.dispose();
    this.#tensors.set(name, keep(t));
  }

  dispose(): void {
    for (const t of this.#tensors.values()) t.dispose();
    this.#tensors.clear();
  }
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return value.toString();
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function isHyperValue(value: unknown): value is HyperValue {
  if (typeof value === 'number' || typeof value === 'boolean') return true;
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

/** The hyper-parameters of a group (everything but `params`), arrays copied. */
function hyperParametersOf(group: object): Record<string, HyperValue> {
  const out: Record<string, HyperValue> = {};
  for (const [key, value] of Object.entries(group)) {
    if (key === 'params') continue;
    out[key] = Array.isArray(value) ? [...(value as number[])] : (value as HyperValue);
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Validates a group's hyper-parameters (declared as a method so optimizers stay assignable to `Optimizer`). */
type Check<H> = { check(options: H): void }['check'];

/**
 * Usage, once per batch inside the training step's tidy():
 *   opt.zeroGrad(); loss.backward(); opt.step();
 * Parameters must be kept (keep()) by their owner; the optimizer keeps its own state.
 */
export abstract class Optimizer<H extends GroupOptions = GroupOptions> {
  /** The parameter groups; each group's hyper-parameters (e.g. `lr`) may be changed between steps. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** The hyper-parameters a group gets when it does not set them. */
  readonly defaults: Readonly<H>;
  /** Class name, recorded in state dicts ('SGD', 'Adam', ...). */
  readonly name: string;
  readonly #check: Check<H>;
  readonly #state = new Map<Tensor, ParamState>();
  #disposed = false;

  /**
   * @param name class name written into state dicts
   * @param params parameters (one group) or parameter groups
   * @param defaults every hyper-parameter's default
   * @param check throws InputError for invalid hyper-parameters; run on the defaults and on every group
   */
  protected constructor(name: string, params: ParamsInput<H>, defaults: H, check: Check<H>) {
    check(defaults);
    this.name = name;
    this.defaults = Object.freeze({ ...defaults });
    this.#check = check;
    if (!Array.isArray(params) || params.length === 0) {
      throw new InputError(`${name}: expected a non-empty list of parameters or parameter groups, got ${describe(params)}`);
    }
    const groups: readonly ParamGroupInput<H>[] =
      params[0] instanceof Tensor ? [{ params: params as readonly Tensor[] } as ParamGroupInput<H>] : (params as readonly ParamGroupInput<H>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /**
   * Adds a parameter group (e.g. layers unfrozen during fine-tuning). Unset hyper-parameters
   * take the defaults. Parameters must be leaf tensors not already in a group.
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    this.#assertLive();
    if (group === null || typeof group !== 'object' || !Array.isArray(group.params)) {
      throw new InputError(`${this.name}: expected a parameter group { params: Tensor[], ... }, got ${describe(group)}`);
    }
    const { params, ...overrides } = group;
    const seen = new Set<Tensor>(this.paramGroups.flatMap((g) => g.params));
    for (const [i, param] of params.entries()) {
      if (!(param instanceof Tensor)) {
        throw new InputError(`${this.name}: expected params[${i}] to be a Tensor, got ${describe(param)}`);
      }
      if (param.isDisposed) throw new InputError(`${this.name}: params[${i}] was already disposed`);
      if (!param.isLeaf) throw new InputError(`${this.name}: expected params[${i}] to be a leaf tensor, got a non-leaf tensor`);
      if (seen.has(param)) {
        throw new InputError(`${this.name}: params[${i}] appears twice (in this group or in an earlier one)`);
      }
      seen.add(param);
    }
    for (const key of Object.keys(overrides)) {
      if (!(key in this.defaults)) {
        throw new InputError(
          `${this.name}: unknown parameter-group option '${key}'; expected one of ${Object.keys(this.defaults).join(', ')}`,
        );
      }
    }
    const options = withDefaults({ ...this.defaults } as H, overrides as unknown as Partial<H>);
    this.#check(options);
    this.paramGroups.push({ ...options, params: [...params] } as ParamGroup<H>);
  }

  /**
   * One update of every parameter that has a gradient (parameters whose grad is null are
   * skipped). Runs without autograd recording and inside its own tidy(): only the
   * optimizer's state tensors (kept) outlive it, so it is safe to call inside a training
   * step's tidy().
   */
  step(): void {
    this.#assertLive();
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const param of group.params) {
            const grad = param.grad;
            if (grad === null) continue;
            const state = this.#stateOf(param);
            state.step += 1;
            this.updateParameter(param, grad, state, group);
          }
        }
      }),
    );
  }

  /**
   * Updates `param` in place from `grad`. `state.step` was already incremented for this
   * update. Runs under noGrad inside a tidy; state tensors are created with `state.ensure`.
   */
  protected abstract updateParameter(param: Tensor, grad: Tensor, state: ParamState, group: Readonly<H>): void;

  /**
   * Clears the gradients of every parameter: removes them (setToNone, the default) or
   * fills them with zeros.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    this.#assertLive();
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (grad === null) continue;
        if (setToNone) {
          param.grad = null;
        } else {
          noGrad(() => {
            if (grad.requiresGrad) {
              if (grad.isLeaf) grad.requiresGrad = false;
              else ops.detach_(grad);
            }
            grad.zero_();
          });
        }
        grad.dispose();
      }
    }
  }

  /** The live state of `param` (its step count and state tensors), or undefined before its first update. */
  paramState(param: Tensor): { readonly step: number; readonly tensors: ReadonlyMap<string, Tensor> } | undefined {
    return this.#state.get(param);
  }

  /**
   * A checkpoint of the optimizer: copies of the state tensors (owned by the caller:
   * dispose them, or let an enclosing tidy do it) and JSON-serialisable metadata
   * (optimizer class, hyper-parameters per group, step counts).
   */
  stateDict(): OptimizerStateDict {
    this.#assertLive();
    const state: Record<string, Tensor> = {};
    const steps: Record<string, number> = {};
    const groups: OptimizerMeta['groups'] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const indices: number[] = [];
      for (const param of group.params) {
        const s = this.#state.get(param);
        if (s !== undefined) {
          steps[String(index)] = s.step;
          for (const [name, t] of s.tensors) state[`${index}.${name}`] = noGrad(() => t.clone());
        }
        indices.push(index++);
      }
      groups.push({ params: indices, options: hyperParametersOf(group) });
    }
    return { state, meta: { optimizer: this.name, groups, steps } };
  }

  /**
   * Restores a checkpoint written by `stateDict()` of the same optimizer class over the
   * same parameter layout: hyper-parameters (including lr), step counts and state tensors
   * (copied, cast to each parameter's dtype and device; the caller keeps ownership of the
   * given tensors). Continuing afterwards gives the same results as an uninterrupted run.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    this.#assertLive();
    if (dict === null || typeof dict !== 'object' || dict.meta === null || typeof dict.meta !== 'object') {
      throw new InputError(`expected an optimizer state dict { state, meta }, got ${describe(dict)}`);
    }
    const { state, meta } = dict;
    if (meta.optimizer !== this.name) {
      throw new InputError(`expected a state dict of a ${this.name} optimizer, got one of ${String(meta.optimizer)}`);
    }
    if (!Array.isArray(meta.groups) || meta.groups.length !== this.paramGroups.length) {
      throw new InputError(
        `expected a state dict with ${this.paramGroups.length} parameter groups, got ${Array.isArray(meta.groups) ? meta.groups.length : describe(meta.groups)}`,
      );
    }
    const options = meta.groups.map((saved, g) => {
      const group = this.paramGroups[g]!;
      if (saved === null || typeof saved !== 'object') {
        throw new InputError(`expected parameter group ${g} of the state dict to be { params, options }, got ${describe(saved)}`);
      }
      if (!Array.isArray(saved.params) || saved.params.length !== group.params.length) {
        throw new InputError(
          `expected parameter group ${g} of the state dict to hold ${group.params.length} parameters, got ${Array.isArray(saved.params) ? saved.params.length : describe(saved.params)}`,
        );
      }
      for (const [key, value] of Object.entries(saved.options ?? {})) {
        if (!(key in this.defaults)) throw new InputError(`state dict group ${g}: unknown option '${key}' for ${this.name}`);
        if (!isHyperValue(value)) throw new InputError(`state dict group ${g}: expected a number, boolean or number array for '${key}', got ${describe(value)}`);
      }
      const merged = withDefaults(hyperParametersOf(group) as unknown as H, (saved.options ?? {}) as Partial<H>);
      this.#check(merged);
      return merged;
    });
    const params = this.paramGroups.flatMap((g) => g.params);
    const tensors = new Map<number, [string, Tensor][]>();
    for (const [key, t] of Object.entries(state ?? {})) {
      const match = /^(\d+)\.(.+)$/.exec(key);
      const index = match === null ? -1 : Number(match[1]);
      if (match === null || index >= params.length) {
        throw new InputError(`expected state keys '<param index below ${params.length}>.<name>', got '${key}'`);
      }
      if (!(t instanceof Tensor) || t.isDisposed) throw new InputError(`expected state '${key}' to be a live Tensor, got ${describe(t)}`);
      const shape = params[index]!.shape;
      if (!sameShape(t.shape, shape)) {
        throw new InputError(`expected state '${key}' of shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
      }
      const list = tensors.get(index) ?? [];
      list.push([match[2]!, t]);
      tensors.set(index, list);
    }
    const steps = new Map<number, number>();
    for (const [key, value] of Object.entries(meta.steps ?? {})) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= params.length) {
        throw new InputError(`expected step keys to be parameter indices below ${params.length}, got '${key}'`);
      }
      if (!Number.isInteger(value) || value < 0) throw new InputError(`expected step ${key} to be an integer >= 0, got ${describe(value)}`);
      steps.set(index, value);
    }

    // Everything is valid: replace the state.
    for (const s of this.#state.values()) s.dispose();
    this.#state.clear();
    noGrad(() =>
      tidy(() => {
        for (const [index, param] of params.entries()) {
          const saved = tensors.get(index);
          if (saved === undefined && !steps.has(index)) continue;
          const s = new ParamState();
          s.step = steps.get(index) ?? 0;
          for (const [name, t] of saved ?? []) s.set(name, t.toDevice(param.device, param.dtype).clone());
          this.#state.set(param, s);
        }
      }),
    );
    for (const [g, group] of this.paramGroups.entries()) Object.assign(group, options[g]);
  }

  /** Frees the state tensors. The optimizer cannot be used afterwards. Idempotent. */
  dispose(): void {
    for (const s of this.#state.values()) s.dispose();
    this.#state.clear();
    this.#disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #stateOf(param: Tensor): ParamState {
    let s = this.#state.get(param);
    if (s === undefined) {
      s = new ParamState();
      this.#state.set(param, s);
    }
    return s;
  }

  #assertLive(): void {
    if (this.#disposed) throw new InputError(`${this.name} optimizer was already disposed`);
  }
}
