/**
 * Decoding channel-major encodings (one-hot, probabilities, attributions) back to strings by
 * taking the largest channel of each column.
 */
import { InputError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { DNA_ALPHABET } from './one-hot.js';

/**
 * Decodes `[N, C, L]` (or `[C, L]`, read as N = 1) to N strings of length L: column i of
 * sequence n becomes `alphabet[argmax_c x[n, c, i]]`. A column whose largest value is shared
 * by two or more channels (an N column of 0.25s, an all-zero column, a 0.5 / 0.5 tie)
 * becomes `unknownSymbol`.
 *
 * @param x float or integer tensor on any device (copied to the CPU once).
 * @param alphabet one character per channel; its length must equal C.
 * @param unknownSymbol the character for ambiguous columns.
 */
export function decodeChannels(x: Tensor, alphabet: string, unknownSymbol: string): string[] {
  const shape = x.shape;
  const C = alphabet.length;
  if ((shape.length !== 3 && shape.length !== 2) || shape[shape.length - 2] !== C) {
    throw new InputError(`expected a [N, ${C}, L] or [${C}, L] tensor, got [${shape.join(', ')}]`);
  }
  const N = shape.length === 3 ? shape[0]! : 1;
  const L = shape[shape.length - 1]!;
  const raw = x.data();
  const values: ArrayLike<number> = raw instanceof BigInt64Array ? Float64Array.from(raw, Number) : raw;
  const out = new Array<string>(N);
  const chars = new Array<string>(L);
  for (let n = 0; n < N; n++) {
    const base = n * C * L;
    for (let i = 0; i < L; i++) {
      let best = -1;
      let bestValue = -Infinity;
      let tied = false;
      for (let c = 0; c < C; c++) {
        const v = values[base + c * L + i]!;
        if (v > bestValue) {
          bestValue = v;
          best = c;
          tied = false;
        } else if (v === bestValue) {
          tied = true;
        }
      }
      chars[i] = tied || best < 0 ? unknownSymbol : alphabet[best]!;
    }
    out[n] = chars.join('');
  }
  return out;
}

/**
 * DNA strings from one-hot (or per-base probability) tensors in A, C, G, T order: the inverse
 * of `oneHot` for upper-case A/C/G/T/N input (soft-masking and IUPAC codes other than N are
 * not recoverable; they decode to the upper-case base and to 'N').
 *
 * @param x `[N, 4, L]` or `[4, L]` (read as one sequence).
 * @returns N strings of length L; columns without a unique largest channel decode to 'N'.
 */
export function decodeOneHot(x: Tensor): string[] {
  return decodeChannels(x, DNA_ALPHABET, 'N');
}
