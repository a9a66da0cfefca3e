/** LayerNorm: normalisation over the trailing dimensions of each sample, as torch.nn.LayerNorm. */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkPositiveInt, shapeText } from './check.js';
import { Module } from './module.js';

export interface LayerNormOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learn an element-wise scale `weight` (ones) and shift `bias` (zeros). Default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn `bias`. Default true. */
  bias?: boolean;
}

/**
 * Normalises x [..., *normalizedShape] over its last normalizedShape.length dimensions
 * (biased variance). Parameters `weight`, `bias` of shape normalizedShape.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const { eps = 1e-5, elementwiseAffine = true, bias = true } = options;
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0) throw new InputError('expected a non-empty normalizedShape, got []');
    shape.forEach((d, i) => checkPositiveInt(`normalizedShape[${i}]`, d));
    if (!(eps > 0)) throw new InputError(`expected a positive eps, got ${eps}`);
    this.normalizedShape = shape;
    this.eps = eps;
    if (elementwiseAffine) {
      this.registerParameter('weight', ops.ones(shape));
      if (bias) this.registerParameter('bias', ops.zeros(shape));
    }
  }

  get weight(): Tensor | null {
    return this.findParameter('weight');
  }

  get bias(): Tensor | null {
    return this.findParameter('bias');
  }

  /** x: [..., *normalizedShape] -> same shape. */
  forward(x: Tensor): Tensor {
    const shape = x.shape;
    const tail = shape.slice(shape.length - this.normalizedShape.length);
    if (shape.length < this.normalizedShape.length || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new InputError(`expected a [..., ${this.normalizedShape.join(', ')}] tensor for LayerNorm input, got ${shapeText(shape)}`);
    }
    return ops.layerNorm(x, [...this.normalizedShape], { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}
