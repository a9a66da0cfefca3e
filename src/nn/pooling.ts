/** Sliding-window pooling over the length axis of [N, C, L] inputs, as torch.nn.MaxPool1d / AvgPool1d. */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkInput, checkNonNegativeInt, checkPositiveInt } from './check.js';
import { Module } from './module.js';

export interface PoolOptions {
  /** Step between windows. Default kernelSize. */
  stride?: number;
  /** Implicit padding on both sides (-inf for max, zeros for average); at most kernelSize / 2. Default 0. */
  padding?: number;
  /** Round the output length up instead of down. Default false. */
  ceilMode?: boolean;
}

function checkPool(kernelSize: number, stride: number, padding: number): void {
  checkPositiveInt('kernelSize', kernelSize);
  checkPositiveInt('stride', stride);
  checkNonNegativeInt('padding', padding);
  if (padding > kernelSize / 2) throw new InputError(`expected padding at most half of kernelSize ${kernelSize}, got ${padding}`);
}

/**
 * Maximum over windows: x [N, C, L] (or [C, L]) -> [N, C, Lout] with
 * Lout = floor or ceil((L + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1.
 */
export class MaxPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;

  /** `dilation`: spacing between window taps, default 1. */
  constructor(kernelSize: number, options: PoolOptions & { dilation?: number } = {}) {
    super();
    const { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false } = options;
    checkPool(kernelSize, stride, padding);
    checkPositiveInt('dilation', dilation);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.ceilMode = ceilMode;
  }

  forward(x: Tensor): Tensor {
    checkInput('MaxPool1d', x, [2, 3], '[N, C, L]');
    const { kernelSize, stride, padding, dilation, ceilMode } = this;
    return ops.maxPool1d(x, kernelSize, { stride, padding, dilation, ceilMode });
  }
}

/**
 * Mean over windows: x [N, C, L] (or [C, L]) -> [N, C, Lout] with
 * Lout = floor or ceil((L + 2 * padding - kernelSize) / stride) + 1.
 */
export class AvgPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  /** `countIncludePad`: padded zeros count in the divisor, default true. */
  constructor(kernelSize: number, options: PoolOptions & { countIncludePad?: boolean } = {}) {
    super();
    const { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true } = options;
    checkPool(kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
  }

  forward(x: Tensor): Tensor {
    checkInput('AvgPool1d', x, [2, 3], '[N, C, L]');
    const { kernelSize, stride, padding, ceilMode, countIncludePad } = this;
    return ops.avgPool1d(x, kernelSize, { stride, padding, ceilMode, countIncludePad });
  }
}
