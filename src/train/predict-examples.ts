/** Model outputs for every in-memory example, batch by batch, in inference mode. */
import { inferenceMode, tidy, type Tensor } from '../core/index.js';
import { gatherBatch, type ArrayExamples } from '../data/in-memory.js';
import type { Module } from '../nn/index.js';

export type OutputTransform = 'none' | 'sigmoid' | 'softmax';

/**
 * Runs `forward` over all examples (model in eval mode) and returns the outputs, [N, T]
 * row-major, after `transform` (sigmoid for binary tasks, softmax over the last axis for classes).
 */
export function predictExamples(
  model: Module,
  forward: (inputs: readonly Tensor[]) => Tensor,
  data: ArrayExamples,
  { batchSize = 256, transform = 'none' }: { batchSize?: number; transform?: OutputTransform } = {},
): Float32Array {
  model.eval();
  const chunks: Float32Array[] = [];
  for (let start = 0; start < data.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    chunks.push(
      tidy(() =>
        inferenceMode(() => {
          const out = forward(gatherBatch(data, indices).inputs);
          const y = transform === 'sigmoid' ? out.sigmoid() : transform === 'softmax' ? out.softmax(-1) : out;
          return y.contiguous().data<Float32Array>();
        }),
      ),
    );
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Column `task` of a row-major [N, T] matrix. */
export function column(matrix: Float32Array, tasks: number, task: number): Float32Array {
  return Float32Array.from({ length: matrix.length / tasks }, (_, i) => matrix[i * tasks + task]!);
}
