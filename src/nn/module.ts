/**
 * Module: the base of every layer and model. A module owns named parameters (trainable
 * tensors), buffers (state such as BatchNorm's running statistics) and child modules, and
 * names them the way PyTorch does ('conv1.weight', '0.bias', 'norm.running_mean'), so a
 * state dict moves between Strand and PyTorch unchanged.
 *
 * Subclasses define `forward` with their own typed signature (`forward(x: Tensor): Tensor`).
 * Parameters and buffers are kept (exempt from `tidy()`); `dispose()` frees them.
 * Layers read their tensors through `getParameter` / `getBuffer` rather than caching them,
 * because `toDType` and `toDevice` replace the tensors.
 */
import { isFloatingDType, keep, noGrad, InputError, type DType, type Tensor } from '../core/index.js';
import { shapeText } from './check.js';

/** A module whose forward maps one tensor to one tensor (what Sequential and Residual chain). */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

/** What `loadStateDict` found besides the keys it loaded (empty lists when strict). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** True in training mode (dropout active, batch statistics); set by `train()` / `eval()`. */
  training = true;

  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #nonPersistent = new Set<string>();
  readonly #modules = new Map<string, Module>();

  /** Registers `t` as trainable parameter `name`: sets requiresGrad and keeps it. Returns t. */
  registerParameter(name: string, t: Tensor): Tensor {
    this.#checkNewName(name);
    if (!t.isLeaf) throw new InputError(`expected a leaf tensor for parameter '${name}', got a tensor computed by autograd`);
    t.requiresGrad = true;
    this.#parameters.set(name, keep(t));
    return t;
  }

  /**
   * Registers `t` as buffer `name` (state that is saved but not trained) and keeps it.
   * `persistent: false` leaves it out of `stateDict()` (a table that is recomputed).
   */
  registerBuffer(name: string, t: Tensor, { persistent = true }: { persistent?: boolean } = {}): Tensor {
    this.#checkNewName(name);
    this.#buffers.set(name, keep(t));
    if (!persistent) this.#nonPersistent.add(name);
    return t;
  }

  /** Registers child module `m` as `name` (its parameters become `name.*`). Returns m. */
  registerModule<M extends Module>(name: string, m: M): M {
    this.#checkNewName(name);
    this.#modules.set(name, m);
    m.train(this.training);
    return m;
  }

  #checkNewName(name: string): void {
    if (name === '' || name.includes('.')) throw new InputError(`expected a non-empty name without '.', got '${name}'`);
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#modules.has(name)) {
      throw new InputError(`expected a new name, got '${name}' which is already registered`);
    }
  }

  /** This module's own parameter `name` (no dots); throws InputError when absent. */
  getParameter(name: string): Tensor {
    const t = this.#parameters.get(name);
    if (t === undefined) throw new InputError(`expected a parameter named '${name}' in ${this.constructor.name}, got none`);
    return t;
  }

  /** This module's own parameter `name`, or null when it was not registered (e.g. bias=false). */
  findParameter(name: string): Tensor | null {
    return this.#parameters.get(name) ?? null;
  }

  /** This module's own buffer `name`; throws InputError when absent. */
  getBuffer(name: string): Tensor {
    const t = this.#buffers.get(name);
    if (t === undefined) throw new InputError(`expected a buffer named '${name}' in ${this.constructor.name}, got none`);
    return t;
  }

  /** This module's own buffer `name`, or null. */
  findBuffer(name: string): Tensor | null {
    return this.#buffers.get(name) ?? null;
  }

  /** Direct children, in registration order. */
  children(): Module[] {
    return [...this.#modules.values()];
  }

  namedChildren(): Map<string, Module> {
    return new Map(this.#modules);
  }

  /** This module ('') and every descendant, by dotted path, depth first in registration order. */
  namedModules(prefix = ''): Map<string, Module> {
    const out = new Map<string, Module>([[prefix, this]]);
    for (const [name, child] of this.#modules) {
      for (const [path, m] of child.namedModules(prefix === '' ? name : `${prefix}.${name}`)) out.set(path, m);
    }
    return out;
  }

  #namedTensors(kind: 'parameters' | 'buffers', persistentOnly: boolean): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules()) {
      const own = kind === 'parameters' ? m.#parameters : m.#buffers;
      for (const [name, t] of own) {
        if (persistentOnly && kind === 'buffers' && m.#nonPersistent.has(name)) continue;
        if (seen.has(t)) continue;
        seen.add(t);
        out.set(path === '' ? name : `${path}.${name}`, t);
      }
    }
    return out;
  }

  /** Every parameter by dotted PyTorch name ('conv1.weight', '0.bias'); shared tensors once. */
  namedParameters(): Map<string, Tensor> {
    return this.#namedTensors('parameters', false);
  }

  /** Every parameter (the module's own tensors, not copies), for an optimizer. */
  parameters(): Tensor[] {
    return [...this.namedParameters().values()];
  }

  /** Every buffer by dotted name, persistent or not. */
  namedBuffers(): Map<string, Tensor> {
    return this.#namedTensors('buffers', false);
  }

  /**
   * Parameters and persistent buffers by PyTorch state-dict key, in PyTorch's order (per
   * module: parameters, then buffers, then children). The values are the module's own
   * tensors, not copies: read them, do not dispose them.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const visit = (m: Module, prefix: string): void => {
      for (const [name, t] of m.#parameters) out[prefix + name] = t;
      for (const [name, t] of m.#buffers) if (!m.#nonPersistent.has(name)) out[prefix + name] = t;
      for (const [name, child] of m.#modules) visit(child, `${prefix}${name}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Copies `dict` into this module's parameters and buffers in place (no autograd record;
   * dtype and device follow the module). Every key and shape is checked before anything
   * is copied. Shape mismatches always throw; missing and unexpected keys throw when
   * `strict` (default) and are returned otherwise.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>, { strict = true }: { strict?: boolean } = {}): LoadStateDictResult {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !(k in own));
    const problems: string[] = [];
    if (strict) {
      for (const k of missingKeys) problems.push(`missing key '${k}'`);
      for (const k of unexpectedKeys) problems.push(`unexpected key '${k}'`);
    }
    for (const [k, target] of Object.entries(own)) {
      const source = dict[k];
      if (source === undefined) continue;
      const expected = target.shape;
      const got = source.shape;
      if (expected.length !== got.length || expected.some((d, i) => d !== got[i])) {
        problems.push(`shape mismatch for '${k}': expected ${shapeText(expected)}, got ${shapeText(got)}`);
      }
    }
    if (problems.length > 0) throw new InputError(`loadStateDict: ${problems.join('; ')}`);
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) {
        const source = dict[k];
        if (source !== undefined) target.copy_(source);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode on this module and every descendant. Returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.#modules.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. Returns this. */
  eval(): this {
    return this.train(false);
  }

  #setTrainable(value: boolean, prefixes: readonly string[] | undefined): void {
    const named = this.namedParameters();
    for (const prefix of prefixes ?? []) {
      if (![...named.keys()].some((name) => name.startsWith(prefix))) {
        throw new InputError(`expected a prefix of a parameter name, got '${prefix}' which matches none`);
      }
    }
    for (const [name, t] of named) {
      if (prefixes === undefined || prefixes.some((p) => name.startsWith(p))) t.requiresGrad = value;
    }
  }

  /** Stops training the parameters whose names start with one of `prefixes` (all when omitted). Returns this. */
  freeze(prefixes?: readonly string[]): this {
    this.#setTrainable(false, prefixes);
    return this;
  }

  /** Trains again the parameters whose names start with one of `prefixes` (all when omitted). Returns this. */
  unfreeze(prefixes?: readonly string[]): this {
    this.#setTrainable(true, prefixes);
    return this;
  }

  /** Number of parameter elements; only those with requiresGrad when `trainableOnly`. */
  numParameters({ trainableOnly = false }: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const t of this.parameters()) if (!trainableOnly || t.requiresGrad) n += t.numel;
    return n;
  }

  /**
   * Replaces every parameter and buffer `t` for which `needed(t)` by `convert(t)` (the old
   * tensor is disposed), in this module and its descendants. A tensor shared by several
   * modules is converted once and stays shared.
   */
  #convertTensors(needed: (t: Tensor) => boolean, convert: (t: Tensor) => Tensor): void {
    const done = new Map<Tensor, Tensor>();
    const replace = (t: Tensor, isParameter: boolean): Tensor => {
      const cached = done.get(t);
      if (cached !== undefined) return cached;
      if (!needed(t)) return t;
      const converted = keep(convert(t));
      if (isParameter) converted.requiresGrad = t.requiresGrad;
      done.set(t, converted);
      return converted;
    };
    noGrad(() => {
      for (const m of new Set(this.namedModules().values())) {
        for (const [name, t] of m.#parameters) m.#parameters.set(name, replace(t, true));
        for (const [name, t] of m.#buffers) m.#buffers.set(name, replace(t, false));
      }
    });
    for (const old of done.keys()) old.dispose();
  }

  /**
   * Converts floating-point parameters and buffers to `dtype` (integer buffers such as
   * BatchNorm's num_batches_tracked stay as they are), like PyTorch's `module.to(dtype)`.
   * Converted tensors are new objects: build optimizers after converting. Returns this.
   */
  toDType(dtype: DType): this {
    if (!isFloatingDType(dtype)) throw new InputError(`expected a floating-point dtype, got ${dtype}`);
    this.#convertTensors((t) => isFloatingDType(t.dtype) && t.dtype !== dtype, (t) => t.toDType(dtype));
    return this;
  }

  /**
   * Moves every parameter and buffer to `device` ('cpu', 'cuda', 'cuda:1'). Moved tensors
   * are new objects: build optimizers after moving. Returns this.
   */
  toDevice(device: string): this {
    this.#convertTensors((t) => t.device !== device && t.device !== `${device}:0`, (t) => t.toDevice(device));
    return this;
  }

  /** Frees every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const m of this.namedModules().values()) {
      for (const t of m.#parameters.values()) t.dispose();
      for (const t of m.#buffers.values()) t.dispose();
    }
  }
}
