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

/** Maximum over the length axis: x [N, C, L] -> [N, C] (ties share the gradient equally). */
export class GlobalMaxPool1d extends Module {
  forward(x: Tensor): Tensor {
    checkInput('GlobalMaxPool1d', x, [3], '[N, C, L]');
    return ops.amax(x, { dim: 2 });
  }
}
