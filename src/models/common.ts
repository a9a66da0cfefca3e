/**
 * What the architectures share: input checks, a plain module container, activations by
 * name, and output-shape inference by a dry run.
 */
import { InputError, noGrad, tidy, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { ELU, GELU, LeakyReLU, Module, ReLU, Sigmoid, SiLU, Softplus, Tanh, type TensorModule } from '../nn/index.js';

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks a one-hot sequence batch: `x` is [N, channels, L] floating point, with L equal to
 * `length` when given. Returns the shape.
 */
export function checkSequenceInput(model: string, x: Tensor, channels = 4, length?: number): [number, number, number] {
  const shape = x.shape;
  const okRank = shape.length === 3 && shape[1] === channels && (length === undefined || shape[2] === length);
  if (!okRank || !(x.dtype === 'float32' || x.dtype === 'float64' || x.dtype === 'float16' || x.dtype === 'bfloat16')) {
    const layout = `[N, ${channels}, ${length ?? 'L'}]`;
    throw new InputError(`expected a ${layout} float tensor for ${model} input, got ${shapeText(shape)} ${x.dtype}`);
  }
  return shape as [number, number, number];
}

/** Checks a feature batch: `x` is [N, features] floating point. */
export function checkFeatureInput(model: string, x: Tensor, features: number, name = 'input'): void {
  const shape = x.shape;
  if (shape.length !== 2 || shape[1] !== features || x.dtype === 'int64' || x.dtype === 'int32' || x.dtype === 'bool') {
    throw new InputError(`expected a [N, ${features}] float tensor for ${model} ${name}, got ${shapeText(shape)} ${x.dtype}`);
  }
}

/** A list of child modules named '0', '1', ... (PyTorch's ModuleList): holds, never runs. */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[] = [];

  constructor(items: readonly M[] = []) {
    super();
    for (const m of items) this.append(m);
  }

  append(m: M): this {
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
    return this;
  }

  get length(): number {
    return this.items.length;
  }
}

/** Activation names accepted by the models' options. */
export const ACTIVATIONS = ['relu', 'gelu', 'tanh', 'sigmoid', 'softplus', 'elu', 'leakyrelu', 'silu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** A fresh activation module for `name` (defaults as torch.nn). */
export function makeActivation(name: ActivationName): TensorModule {
  switch (name) {
    case 'relu': return new ReLU();
    case 'gelu': return new GELU();
    case 'tanh': return new Tanh();
    case 'sigmoid': return new Sigmoid();
    case 'softplus': return new Softplus();
    case 'elu': return new ELU();
    case 'leakyrelu': return new LeakyReLU();
    case 'silu': return new SiLU();
    default: throw new InputError(`expected an activation among ${ACTIVATIONS.join(', ')}, got '${String(name)}'`);
  }
}

/**
 * The output shape (batch included) of `run` on a zero batch of `inputShape`, computed
 * under noGrad in eval mode (no batch statistics updated); the module's mode is restored.
 */
export function dryRunShape(module: Module, inputShape: readonly number[], run: (x: Tensor) => Tensor): number[] {
  const wasTraining = module.training;
  module.eval();
  try {
    return noGrad(() => tidy(() => run(ops.zeros([...inputShape])).shape));
  } finally {
    module.train(wasTraining);
  }
}

/** Checks that `value` is a positive integer (InputError naming `name` otherwise). */
export function checkPositive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`expected a positive integer for ${name}, got ${value}`);
}

/** Checks that `value` is a probability in [0, 1). */
export function checkRate(name: string, value: number): void {
  if (!(value >= 0 && value < 1)) throw new InputError(`expected a rate in [0, 1) for ${name}, got ${value}`);
}
