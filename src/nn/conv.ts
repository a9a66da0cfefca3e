/** Conv1d: 1-d cross-correlation over [N, C, L] inputs, as torch.nn.Conv1d (zero padding). */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkInput, checkNonNegativeInt, checkPositiveInt } from './check.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';

export interface Conv1dOptions {
  /** Step between windows. Default 1. */
  stride?: number;
  /**
   * Zeros added on both sides (a number), 'valid' (none) or 'same' (output length = input
   * length; stride must be 1; an odd total goes to the right, as PyTorch). Default 0.
   */
  padding?: number | 'same' | 'valid';
  /** Spacing between kernel taps. Default 1. */
  dilation?: number;
  /** Channel groups; inChannels and outChannels must both be divisible by it. Default 1. */
  groups?: number;
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * Parameters: `weight` [outChannels, inChannels / groups, kernelSize] from
 * kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with
 * fanIn = inChannels / groups * kernelSize; `bias` [outChannels] from the same range.
 */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv1dOptions = {}) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true } = options;
    checkPositiveInt('inChannels', inChannels);
    checkPositiveInt('outChannels', outChannels);
    checkPositiveInt('kernelSize', kernelSize);
    checkPositiveInt('stride', stride);
    checkPositiveInt('dilation', dilation);
    checkPositiveInt('groups', groups);
    if (typeof padding === 'number') checkNonNegativeInt('padding', padding);
    else if (padding !== 'same' && padding !== 'valid') {
      throw new InputError(`expected padding to be a number, 'same' or 'valid', got '${String(padding)}'`);
    }
    if (padding === 'same' && stride !== 1) throw new InputError(`expected stride 1 with padding 'same', got stride ${stride}`);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new InputError(`expected inChannels and outChannels divisible by groups ${groups}, got ${inChannels} and ${outChannels}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;

    const weight = this.registerParameter('weight', ops.empty([outChannels, inChannels / groups, kernelSize]));
    kaimingUniform_(weight, { a: Math.sqrt(5) });
    if (bias) {
      const bound = 1 / Math.sqrt(calculateFanInAndFanOut(weight).fanIn);
      uniform_(this.registerParameter('bias', ops.empty([outChannels])), { a: -bound, b: bound });
    }
  }

  get weight(): Tensor {
    return this.getParameter('weight');
  }

  get bias(): Tensor | null {
    return this.findParameter('bias');
  }

  /**
   * x: [N, inChannels, L] (or unbatched [inChannels, L]) -> [N, outChannels, Lout] with
   * Lout = floor((L + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1.
   */
  forward(x: Tensor): Tensor {
    checkInput('Conv1d', x, [2, 3], `[N, ${this.inChannels}, L]`, { axis: -2, size: this.inChannels });
    const common = { bias: this.bias, stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (typeof this.padding === 'number') return ops.conv1d(x, this.weight, { ...common, padding: this.padding });
    return ops.conv1dPadding(x, this.weight, { ...common, padding: this.padding });
  }
}
