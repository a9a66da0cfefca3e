/** Argument checks shared by the layers; each throws InputError saying what was expected and what came. */
import { InputError, type Tensor } from '../core/index.js';

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`expected a positive integer for ${name}, got ${value}`);
}

export function checkNonNegativeInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new InputError(`expected a non-negative integer for ${name}, got ${value}`);
}

/** A probability in [0, 1] (dropout rates). */
export function checkProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new InputError(`expected a probability in [0, 1] for ${name}, got ${value}`);
}

/** `x` has `ndim` dimensions (one of them when a list), and channel axis `axis` of size `size` when given. */
export function checkInput(
  layer: string,
  x: Tensor,
  ndims: readonly number[],
  layout: string,
  channel?: { axis: number; size: number },
): number[] {
  const shape = x.shape;
  const okRank = ndims.includes(shape.length);
  const okChannel = channel === undefined || shape.at(channel.axis) === channel.size;
  if (!okRank || !okChannel) {
    throw new InputError(`expected a ${layout} tensor for ${layer} input, got ${shapeText(shape)}`);
  }
  return shape;
}
