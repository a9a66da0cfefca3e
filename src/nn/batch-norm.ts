/** BatchNorm1d: per-channel normalisation with batch statistics and running estimates, as torch.nn.BatchNorm1d. */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkInput, checkPositiveInt, shapeText } from './check.js';
import { Module } from './module.js';

export interface BatchNorm1dOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch in the running averages; null = cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros). Default true. */
  affine?: boolean;
  /** Keep `running_mean`, `running_var`, `num_batches_tracked` and use them in eval mode. Default true. */
  trackRunningStats?: boolean;
}

/**
 * Training mode normalises with the batch statistics (over N, and L for 3-d input) and
 * updates running_mean and running_var (unbiased) by `momentum`; eval mode uses the
 * running estimates. Parameters `weight`, `bias` [C]; buffers `running_mean` [C] (zeros),
 * `running_var` [C] (ones), `num_batches_tracked` [] int64.
 */
export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(numFeatures: number, options: BatchNorm1dOptions = {}) {
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    checkPositiveInt('numFeatures', numFeatures);
    if (!(eps > 0)) throw new InputError(`expected a positive eps, got ${eps}`);
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new InputError(`expected momentum in [0, 1] or null, got ${momentum}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    if (affine) {
      this.registerParameter('weight', ops.ones([numFeatures]));
      this.registerParameter('bias', ops.zeros([numFeatures]));
    }
    if (trackRunningStats) {
      this.registerBuffer('running_mean', ops.zeros([numFeatures]));
      this.registerBuffer('running_var', ops.ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', ops.zeros([], { dtype: 'int64' }));
    }
  }

  get weight(): Tensor | null {
    return this.findParameter('weight');
  }

  get bias(): Tensor | null {
    return this.findParameter('bias');
  }

  get runningMean(): Tensor | null {
    return this.findBuffer('running_mean');
  }

  get runningVar(): Tensor | null {
    return this.findBuffer('running_var');
  }

  /** x: [N, C] or [N, C, L] -> same shape. */
  forward(x: Tensor): Tensor {
    const shape = checkInput('BatchNorm1d', x, [2, 3], `[N, ${this.numFeatures}] or [N, ${this.numFeatures}, L]`, {
      axis: 1,
      size: this.numFeatures,
    });
    const runningMean = this.runningMean;
    const tracked = this.findBuffer('num_batches_tracked');
    let factor = this.momentum ?? 0;
    if (this.training) {
      const valuesPerChannel = shape[0]! * (shape[2] ?? 1);
      if (valuesPerChannel < 2) {
        throw new InputError(`expected more than 1 value per channel when training BatchNorm1d, got input ${shapeText(shape)}`);
      }
      if (tracked !== null) {
        tracked.add_(1);
        if (this.momentum === null) factor = 1 / tracked.item();
      }
    }
    const useBatchStats = this.training || runningMean === null;
    return ops.batchNorm(x, this.weight, this.bias, runningMean, this.runningVar, useBatchStats, factor, this.eps, true);
  }
}
