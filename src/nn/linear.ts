/** Linear: y = x W^T + b, as torch.nn.Linear. */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkPositiveInt, shapeText } from './check.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * Parameters: `weight` [outFeatures, inFeatures] from kaiming_uniform(a = sqrt(5)), i.e.
 * U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)); `bias` [outFeatures] from the same range.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, { bias = true }: LinearOptions = {}) {
    super();
    checkPositiveInt('inFeatures', inFeatures);
    checkPositiveInt('outFeatures', outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const weight = this.registerParameter('weight', ops.empty([outFeatures, inFeatures]));
    kaimingUniform_(weight, { a: Math.sqrt(5) });
    if (bias) {
      const bound = 1 / Math.sqrt(calculateFanInAndFanOut(weight).fanIn);
      uniform_(this.registerParameter('bias', ops.empty([outFeatures])), { a: -bound, b: bound });
    }
  }

  get weight(): Tensor {
    return this.getParameter('weight');
  }

  get bias(): Tensor | null {
    return this.findParameter('bias');
  }

  /** x: [..., inFeatures] -> [..., outFeatures]. */
  forward(x: Tensor): Tensor {
    const shape = x.shape;
    if (shape.length === 0 || shape[shape.length - 1] !== this.inFeatures) {
      throw new InputError(`expected a [..., ${this.inFeatures}] tensor for Linear input, got ${shapeText(shape)}`);
    }
    return ops.linear(x, this.weight, { bias: this.bias });
  }
}
