/** Element-wise activations and (log-)softmax as modules, as torch.nn; each maps x to a tensor of the same shape. */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Module } from './module.js';

/** max(0, x). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return ops.relu(x);
  }
}

/**
 * x * Phi(x) (exact erf) or its tanh approximation. libtorch 1.13's exact GELU backward
 * computes wrong gradients when the incoming gradient is not contiguous (e.g. the layer's
 * output is transposed next, as in a convolution over [N, L, C] tokens): checked against
 * PyTorch 1.13 itself, errors up to 1e7 or NaN. The output goes through a flatten / unflatten
 * pair of views, whose backward hands GELU a contiguous gradient; the forward is unchanged.
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  const y = ops.gelu(x, { approximate });
  return y.reshape([-1]).reshape(y.shape);
}

/** gelu as a layer. Default approximate 'none' (exact erf). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor({ approximate = 'none' }: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new InputError(`expected approximate 'none' or 'tanh', got '${String(approximate)}'`);
    }
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

/** 1 / (1 + exp(-x)). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return ops.sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return ops.tanh(x);
  }
}

/** log(1 + exp(beta * x)) / beta, linear where beta * x > threshold. Defaults beta = 1, threshold = 20. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor({ beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = beta;
    this.threshold = threshold;
  }

  forward(x: Tensor): Tensor {
    return ops.softplus(x, { beta: this.beta, threshold: this.threshold });
  }
}

/** x for x >= 0, negativeSlope * x otherwise. Default negativeSlope = 0.01. */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor({ negativeSlope = 0.01 }: { negativeSlope?: number } = {}) {
    super();
    this.negativeSlope = negativeSlope;
  }

  forward(x: Tensor): Tensor {
    return ops.leakyRelu(x, { negativeSlope: this.negativeSlope });
  }
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. Default alpha = 1. */
export class ELU extends Module {
  readonly alpha: number;

  constructor({ alpha = 1 }: { alpha?: number } = {}) {
    super();
    this.alpha = alpha;
  }

  forward(x: Tensor): Tensor {
    return ops.elu(x, { alpha: this.alpha });
  }
}

/** x * sigmoid(x) (swish). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return ops.silu(x);
  }
}

/** exp(x) (e.g. to turn predicted log-rates into positive rates). */
export class Exp extends Module {
  forward(x: Tensor): Tensor {
    return ops.exp(x);
  }
}

function checkDim(layer: string, x: Tensor, dim: number): void {
  const n = x.ndim;
  if (!(dim >= -n && dim < n)) throw new InputError(`expected dim ${dim} within a ${n}-d input for ${layer}, got shape [${x.shape.join(', ')}]`);
}

/** exp(x) normalised to sum 1 along `dim` (required: PyTorch's implicit dim is deprecated). */
export class Softmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = dim;
  }

  forward(x: Tensor): Tensor {
    checkDim('Softmax', x, this.dim);
    return ops.softmax(x, this.dim);
  }
}

/** log(softmax(x)) along `dim`, computed stably. */
export class LogSoftmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = dim;
  }

  forward(x: Tensor): Tensor {
    checkDim('LogSoftmax', x, this.dim);
    return ops.logSoftmax(x, this.dim);
  }
}
