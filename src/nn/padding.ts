/** ConstantPad1d: pads the length axis of [N, C, L] with a constant, as torch.nn.ConstantPad1d. */
import type { Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkInput, checkNonNegativeInt } from './check.js';
import { Module } from './module.js';

export class ConstantPad1d extends Module {
  readonly left: number;
  readonly right: number;
  readonly value: number;

  /** Pads `left` positions before and `right` after, with `value` (0.25: an N in one-hot DNA). */
  constructor(left: number, right: number, value = 0) {
    super();
    checkNonNegativeInt('left', left);
    checkNonNegativeInt('right', right);
    this.left = left;
    this.right = right;
    this.value = value;
  }

  /** x: [N, C, L] -> [N, C, left + L + right]. */
  forward(x: Tensor): Tensor {
    checkInput('ConstantPad1d', x, [3], '[N, C, L]');
    return ops.constantPadNd(x, [this.left, this.right], { value: this.value });
  }
}
