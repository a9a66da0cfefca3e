/**
 * Weight initialisation, as torch.nn.init: every function fills its tensor in place
 * without recording autograd history and returns the same tensor.
 */
import { noGrad, InputError, type Tensor } from '../core/index.js';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear,
 * convolutions and sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + slope^2)) for
 * leaky_relu (`param` = negative slope, default 0.01); 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new InputError(`expected a known nonlinearity, got '${String(nonlinearity)}'`);
  }
}

/** Fans of a weight: fanIn = shape[1] * receptive field, fanOut = shape[0] * receptive field (at least 2-d). */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  const shape = t.shape;
  if (shape.length < 2) {
    throw new InputError(`expected a tensor with at least 2 dimensions to compute fans, got shape [${shape.join(', ')}]`);
  }
  const receptiveField = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptiveField, fanOut: shape[0]! * receptiveField };
}

function fanOf(t: Tensor, mode: FanMode): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  if (mode === 'fan_in') return fanIn;
  if (mode === 'fan_out') return fanOut;
  throw new InputError(`expected mode 'fan_in' or 'fan_out', got '${String(mode)}'`);
}

/** Fills t from U(a, b). Defaults a = 0, b = 1. */
export function uniform_(t: Tensor, { a = 0, b = 1 }: { a?: number; b?: number } = {}): Tensor {
  return noGrad(() => t.uniform_({ from: a, to: b }));
}

/** Fills t from N(mean, std^2). Defaults mean = 0, std = 1. */
export function normal_(t: Tensor, { mean = 0, std = 1 }: { mean?: number; std?: number } = {}): Tensor {
  return noGrad(() => t.normal_({ mean, std }));
}

/** Fills t with `value`. */
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}

/** Fills t with zeros. */
export function zeros_(t: Tensor): Tensor {
  return noGrad(() => t.zero_());
}

/** Fills t with ones. */
export function ones_(t: Tensor): Tensor {
  return noGrad(() => t.fill_(1));
}

export interface KaimingOptions {
  /** Negative slope of the leaky_relu that follows (used only with leaky_relu). Default 0. */
  a?: number;
  /** 'fan_in' (default) keeps the forward variance, 'fan_out' the backward variance. */
  mode?: FanMode;
  /** Default 'leaky_relu'. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  return calculateGain(nonlinearity, a) / Math.sqrt(fanOf(t, mode));
}

/** He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, { a: -bound, b: bound });
}

/** He normal: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal_(t, { mean: 0, std: kaimingStd(t, options) });
}

function xavierStd(t: Tensor, gain: number): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). Default gain 1. */
export function xavierUniform_(t: Tensor, { gain = 1 }: { gain?: number } = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd(t, gain);
  return uniform_(t, { a: -bound, b: bound });
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). Default gain 1. */
export function xavierNormal_(t: Tensor, { gain = 1 }: { gain?: number } = {}): Tensor {
  return normal_(t, { mean: 0, std: xavierStd(t, gain) });
}
