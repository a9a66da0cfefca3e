/** Dropout: zeroes elements with probability p in training mode and scales the rest by 1 / (1 - p), as torch.nn.Dropout. */
import type { Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkProbability } from './check.js';
import { Module } from './module.js';

export class Dropout extends Module {
  readonly p: number;

  /** p: probability of zeroing an element. Default 0.5. */
  constructor(p = 0.5) {
    super();
    checkProbability('p', p);
    this.p = p;
  }

  /** x: any shape -> same shape; the identity in eval mode. */
  forward(x: Tensor): Tensor {
    return ops.dropout(x, this.p, this.training);
  }
}
