/**
 * Reverse complement of DNA strings and of one-hot tensors in A, C, G, T channel order.
 *
 * In A, C, G, T order the complement of channel c is channel 3 - c (A<->T, C<->G), so the
 * reverse complement of a one-hot tensor is the tensor flipped along both the channel and
 * the length axis. An N column (0.25 everywhere, or all zero) stays an N column.
 */
import { callOp, opRef } from '../core/call.js';
import { InputError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';

const COMPLEMENT: Readonly<Record<string, string>> = {
  A: 'T', C: 'G', G: 'C', T: 'A', U: 'A', N: 'N', a: 't', c: 'g', g: 'c', t: 'a', u: 'a', n: 'n',
  R: 'Y', Y: 'R', S: 'S', W: 'W', K: 'M', M: 'K', B: 'V', V: 'B', D: 'H', H: 'D',
  r: 'y', y: 'r', s: 's', w: 'w', k: 'm', m: 'k', b: 'v', v: 'b', d: 'h', h: 'd',
};

/**
 * Reverse complement of a DNA string. Case and IUPAC codes are kept (R<->Y, K<->M, B<->V,
 * D<->H; S, W, N map to themselves); RNA U complements to A.
 * Throws InputError on any other character, naming its 1-based position.
 */
export function reverseComplement(seq: string): string {
  const out = new Array<string>(seq.length);
  for (let i = seq.length - 1, j = 0; i >= 0; i--, j++) {
    const c = COMPLEMENT[seq[i]!];
    if (c === undefined) throw new InputError(`invalid DNA character '${seq[i]}' at position ${i + 1}`);
    out[j] = c;
  }
  return out.join('');
}

const flipOp = opRef('aten::flip', '', 'T');

/**
 * Reverse complement of one-hot DNA in A, C, G, T channel order.
 *
 * @param x `[N, 4, L]` (a batch) or `[4, L]` (one sequence), any dtype and device.
 * @returns a new tensor of the same shape, dtype and device: `out[n, c, i] = x[n, 3 - c, L - 1 - i]`.
 *   Differentiable (a flip), so it can be used inside models and attribution code.
 */
export function reverseComplementOneHot(x: Tensor): Tensor {
  const shape = x.shape;
  if ((shape.length !== 3 && shape.length !== 2) || shape[shape.length - 2] !== 4) {
    throw new InputError(`expected a [N, 4, L] or [4, L] one-hot tensor, got [${shape.join(', ')}]`);
  }
  const dims = shape.length === 3 ? [1, 2] : [0, 1];
  return callOp(flipOp, [x, dims]) as Tensor;
}
