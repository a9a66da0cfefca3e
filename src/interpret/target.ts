/** Shared by the attribution verbs: the target selector, input checks, and frozen parameters. */
import { enableGrad, InputError, type Tensor } from '../core/index.js';
import { Module } from '../nn/index.js';

/** Anything with a forward pass from [N, 4, L] to the model output. */
export interface ForwardModel {
  forward(x: Tensor): Tensor;
}

/**
 * Which scalar per sequence to explain: a task index into output [N, T], or a function of
 * the output returning [N] (for exact DeepLIFT summation it must be linear in the output,
 * e.g. a column or a sum of columns). Default: the only output of a [N] or [N, 1] model.
 */
export type Target = number | ((output: Tensor) => Tensor);

/** output [N, ...] -> [N] as chosen by `target`. */
export function selectTarget(output: Tensor, target: Target | undefined): Tensor {
  if (typeof target === 'function') {
    const y = target(output);
    if (y.ndim !== 1 || y.shape[0] !== output.shape[0]) {
      throw new InputError(`expected the target function to return [${output.shape[0]}], got [${y.shape.join(', ')}]`);
    }
    return y;
  }
  if (target === undefined) {
    if (output.ndim === 1) return output;
    if (output.ndim === 2 && output.shape[1] === 1) return output.select(1, 0);
    throw new InputError(`expected a target (task index or function) for a model with output shape [${output.shape.join(', ')}]`);
  }
  if (output.ndim !== 2) throw new InputError(`expected a [N, T] model output for a task index target, got [${output.shape.join(', ')}]`);
  const tasks = output.shape[1]!;
  if (!Number.isInteger(target) || target < 0 || target >= tasks) {
    throw new InputError(`expected a target task index in [0, ${tasks}), got ${target}`);
  }
  return output.select(1, target);
}

/** Checks x is a [N, 4, L] float tensor. */
export function checkOneHot(x: Tensor, name = 'x'): void {
  if (x.ndim !== 3 || x.shape[1] !== 4 || (x.dtype !== 'float32' && x.dtype !== 'float64')) {
    throw new InputError(`expected a (N, 4, L) float32 or float64 tensor for ${name}, got ${x.dtype} (${x.shape.join(', ')})`);
  }
}

export function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`expected a positive integer for ${name}, got ${value}`);
}

/**
 * Runs fn with autograd on and the model's parameters not requiring grad, so attribution
 * backward passes neither compute nor accumulate parameter gradients. Restores the flags.
 */
export function withInputGradOnly<T>(model: ForwardModel, fn: () => T): T {
  const frozen = model instanceof Module ? model.parameters().filter((p) => p.requiresGrad) : [];
  for (const p of frozen) p.requiresGrad = false;
  try {
    return enableGrad(fn);
  } finally {
    for (const p of frozen) p.requiresGrad = true;
  }
}

/** Gradient of sum(selectTarget(forward(input))) w.r.t. input (a fresh leaf copy of it): same shape. */
export function inputGradient(forward: (input: Tensor) => Tensor, input: Tensor, target: Target | undefined): Tensor {
  const leaf = input.detach().clone().requiresGrad_();
  selectTarget(forward(leaf), target).sum().backward();
  const g = leaf.grad;
  if (g === null) throw new InputError('the selected output does not depend on the input');
  return g;
}
