/** Pooling over the whole length axis: [N, C, L] -> [N, C]. */
import type { Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkInput } from './check.js';
import { Module } from './module.js';

/** Mean over the length axis: x [N, C, L] -> [N, C]. */
export class GlobalAvgPool1d extends Module {
  forward(x: Tensor): Tensor {
    checkInput('GlobalAvgPool1d', x, [3], '[N, C, L]');
    return ops.meanDim(x, [2]);
  }
}

/**
 * Maximum over the length axis: x [N, C, L] -> [N, C], as nn.AdaptiveMaxPool1d(1): the gradient
 * goes to the first maximum (tied windows, e.g. in repeats, are common in one-hot inputs).
 */
export function globalMaxPool1d(x: Tensor): Tensor {
  const [values, indices] = ops.adaptiveMaxPool1d(x, 1);
  indices.dispose();
  return ops.squeezeDim(values, 2);
}

/** globalMaxPool1d as a layer. */
export class GlobalMaxPool1d extends Module {
  forward(x: Tensor): Tensor {
    checkInput('GlobalMaxPool1d', x, [3], '[N, C, L]');
    return globalMaxPool1d(x);
  }
}
