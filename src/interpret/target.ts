/** Shared by the attribution verbs: the target selector, input checks, and frozen parameters. */
import { enableGrad, InputError, Tensor } from '../core/index.js';
import type { ProfileOutput } from '../models/dilated-residual-cnn.js';
import type { ModelDescription } from '../models/saved-model.js';
import { Module } from '../nn/index.js';

/** What a sequence model returns: one tensor [N, ...], or the two heads of a profile model (bpnet). */
export type ModelOutput = Tensor | ProfileOutput;

/** Anything with a forward pass from [N, 4, L] to the model output. */
export interface ForwardModel {
  forward(x: Tensor): ModelOutput;
}

/** The head of a profile model to explain, for its output (track) `task`. */
export interface HeadTarget {
  /**
   * 'counts': the predicted log total counts. 'profile': the profile logits, centred and
   * weighted by their softmax probabilities held constant (sum_i p_i (z_i - mean z)), as
   * BPNet explains its profile head.
   */
  head: 'counts' | 'profile';
  task: number;
}

/**
 * Which scalar per sequence to explain: a task index into output [N, T], a head of a profile
 * model, or a function of a [N, ...] output returning [N] (for exact DeepLIFT summation it must
 * be linear in the output, e.g. a column or a sum of columns). Default: the only output of a
 * [N] or [N, 1] model.
 */
export type Target = number | HeadTarget | ((output: Tensor) => Tensor);

export function isProfileOutput(output: ModelOutput): output is ProfileOutput {
  return !(output instanceof Tensor);
}

/** True when the target is linear in the model output (a column, or the counts head), so DeepLIFT sums exactly. */
export function isLinearTarget(target: Target | undefined): boolean {
  return target === undefined || typeof target === 'number' || (typeof target === 'object' && target.head === 'counts');
}

/** The two heads of a profile model's output; an InputError when the model returned one tensor. */
export function profileHeads(output: ModelOutput): ProfileOutput {
  if (!isProfileOutput(output)) throw new InputError('a profile model returned one tensor instead of profile and counts heads');
  return output;
}

/** The counts head as [N, outputs] log total counts ([N] from jointly counted tracks becomes [N, 1]). */
export function countsColumns(heads: ProfileOutput): Tensor {
  return heads.counts.ndim === 1 ? heads.counts.unsqueeze(1) : heads.counts;
}

function checkTaskIndex(task: number, tasks: number): void {
  if (!Number.isInteger(task) || task < 0 || task >= tasks) throw new InputError(`expected a target task index in [0, ${tasks}), got ${task}`);
}

function selectHead(output: ProfileOutput, { head, task }: HeadTarget): Tensor {
  if (head === 'counts') {
    const counts = countsColumns(output);
    checkTaskIndex(task, counts.shape[1]!);
    return counts.select(1, task);
  }
  if (head !== 'profile') throw new InputError(`expected the head 'counts' or 'profile', got '${String(head)}'`);
  checkTaskIndex(task, output.profile.shape[1]!);
  const logits = output.profile.select(1, task);
  const centred = logits.sub(logits.meanDim([1], { keepdim: true }));
  return centred.mul(centred.detach().softmax(1)).sumDimIntList([1]);
}

/**
 * The target of a saved model's output named `task` (default: its first output); for a profile
 * model, of its `head` (default 'counts'). An InputError for unknown names and for a head of a
 * model without heads.
 */
export function outputTarget(description: ModelDescription, { task, head }: { task?: string; head?: HeadTarget['head'] } = {}): { task: string; head?: HeadTarget['head']; target: Target } {
  const outputs = description.task.outputs;
  const name = task ?? outputs[0]!;
  const index = outputs.indexOf(name);
  if (index < 0) throw new InputError(`unknown task '${name}'; the model's outputs are ${outputs.join(', ')}`);
  const profile = description.task.kind === 'profile';
  if (head !== undefined && !profile) throw new InputError(`a head ('${head}') is chosen only for profile models; this model's task is '${description.task.kind}'`);
  if (!profile) return { task: name, target: index };
  const chosen = head ?? 'counts';
  if (chosen !== 'counts' && chosen !== 'profile') throw new InputError(`expected the head 'counts' or 'profile', got '${String(chosen)}'`);
  return { task: name, head: chosen, target: { head: chosen, task: index } };
}

/** output [N, ...] -> [N] as chosen by `target`. */
export function selectTarget(output: ModelOutput, target: Target | undefined): Tensor {
  if (isProfileOutput(output)) {
    if (typeof target !== 'object') throw new InputError("this model has a profile and a counts head: choose a head target ({ head: 'counts' | 'profile', task })");
    return selectHead(output, target);
  }
  if (typeof target === 'object') throw new InputError(`a head target ('${target.head}') needs a profile model; this model returns one tensor`);
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
  checkTaskIndex(target, output.shape[1]!);
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

/** The model's output does not reach its input through gradients (e.g. it reads k-mer tokens of it). */
export class GradientUnavailableError extends InputError {}

/** Gradient of sum(selectTarget(forward(input))) w.r.t. input (a fresh leaf copy of it): same shape. */
export function inputGradient(forward: (input: Tensor) => ModelOutput, input: Tensor, target: Target | undefined): Tensor {
  const leaf = input.detach().clone().requiresGrad_();
  const y = selectTarget(forward(leaf), target);
  if (y.requiresGrad) y.sum().backward();
  const g = leaf.grad;
  if (g === null) {
    throw new GradientUnavailableError('gradients of the output do not reach the one-hot input (the model reads tokens of it); explain it by ISM (--method ism)');
  }
  return g;
}
