/**
 * The smallest training loop Strand needs before the full trainer: mini-batch training of a
 * multi-label binary classifier (BCE with logits) and batched prediction, with every
 * step's tensors freed by tidy().
 */
import { inferenceMode, InputError, ops, tensor, tidy, type Tensor } from '../index.js';
import type { Module } from '../nn/index.js';
import type { Optimizer } from '../optim/index.js';
import { Random } from '../data/random.js';

export interface EncodedExamples {
  /** One-hot inputs, [N, 4, L] flattened channel-major per example. */
  inputs: Float32Array;
  /** Labels, [N, T] row-major 0/1. */
  labels: Float32Array;
  count: number;
  length: number;
  tasks: number;
}

export type SequenceModel = Module & { forward(x: Tensor): Tensor };

function batchTensors(data: EncodedExamples, indices: readonly number[]): { x: Tensor; y: Tensor } {
  const { length: L, tasks: T } = data;
  const xs = new Float32Array(indices.length * 4 * L);
  const ys = new Float32Array(indices.length * T);
  indices.forEach((n, i) => {
    xs.set(data.inputs.subarray(n * 4 * L, (n + 1) * 4 * L), i * 4 * L);
    ys.set(data.labels.subarray(n * T, (n + 1) * T), i * T);
  });
  return { x: tensor(xs, [indices.length, 4, L]), y: tensor(ys, [indices.length, T]) };
}

/** One epoch over `data` in a seeded shuffled order. Returns the mean training loss. */
export function trainEpoch(
  model: SequenceModel,
  optimizer: Optimizer,
  data: EncodedExamples,
  { batchSize = 64, seed = 0 }: { batchSize?: number; seed?: number } = {},
): number {
  if (data.count === 0) throw new InputError('expected at least one training example');
  const order = new Random(seed).shuffle(Array.from({ length: data.count }, (_, i) => i));
  model.train();
  let total = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.slice(start, start + batchSize);
    total += tidy(() => {
      const { x, y } = batchTensors(data, indices);
      optimizer.zeroGrad();
      const loss = ops.binaryCrossEntropyWithLogits(model.forward(x), y, { reduction: 1 });
      loss.backward();
      optimizer.step();
      return loss.item() * indices.length;
    });
  }
  return total / data.count;
}

/** Sigmoid outputs for every example: [N, T] row-major. */
export function predictProbabilities(model: SequenceModel, data: EncodedExamples, batchSize = 256): Float32Array {
  model.eval();
  const out = new Float32Array(data.count * data.tasks);
  for (let start = 0; start < data.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    const probs = tidy(() => inferenceMode(() => model.forward(batchTensors(data, indices).x).sigmoid().data<Float32Array>()));
    out.set(probs, start * data.tasks);
  }
  return out;
}

/** Column `task` of a row-major [N, T] matrix. */
export function column(matrix: Float32Array, tasks: number, task: number): Float32Array {
  return Float32Array.from({ length: matrix.length / tasks }, (_, i) => matrix[i * tasks + task]!);
}
