/**
 * Draws from libtorch's default CPU generator as plain arrays, for code below the op layer
 * (data order, augmentation) that must share one random stream with the model (dropout,
 * initialisation), as a PyTorch loop does.
 */
import { callOp, opRef } from './call.js';
import type { Tensor } from './tensor.js';

const RANDPERM = opRef('aten::randperm', '', 'T');
const RAND = opRef('aten::rand', '', 'T');

function drain<T>(t: Tensor, read: (t: Tensor) => T): T {
  try {
    return read(t);
  } finally {
    t.dispose();
  }
}

/** A random permutation of 0..n-1: torch.randperm(n). */
export function randomPermutation(n: number): number[] {
  return drain(callOp(RANDPERM, [n]) as Tensor, (t) => t.toArray());
}

/** n uniform draws in [0, 1): torch.rand(n). */
export function uniformDraws(n: number): Float32Array {
  return drain(callOp(RAND, [[n]]) as Tensor, (t) => t.data<Float32Array>());
}
