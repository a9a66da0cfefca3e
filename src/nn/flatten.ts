/** Flatten: merges dimensions startDim..endDim into one, as torch.nn.Flatten. */
import type { Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Module } from './module.js';

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  /** Defaults startDim = 1, endDim = -1: [N, C, L] -> [N, C * L]. */
  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(x: Tensor): Tensor {
    return ops.flatten(x, { startDim: this.startDim, endDim: this.endDim });
  }
}
