/**
 * DNA one-hot encoding in A, C, G, T channel order. Lower case (soft-masked) bases encode
 * like upper case; N and other IUPAC codes become 0.25 in every channel (or all zeros).
 */
import { InputError } from '../core/errors.js';
import { tensor } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';

export const DNA_ALPHABET = 'ACGT';

export interface OneHotOptions {
  /** Value for N / IUPAC ambiguity codes in each of the 4 channels. Default 0.25. */
  unknown?: 0 | 0.25;
}

const CHANNEL = new Int8Array(256).fill(-2); // -2 invalid, -1 ambiguous, 0..3 base
for (const [i, b] of [...DNA_ALPHABET].entries()) {
  CHANNEL[b.charCodeAt(0)] = i;
  CHANNEL[b.toLowerCase().charCodeAt(0)] = i;
}
for (const b of 'NRYSWKMBDHVnryswkmbdhv') CHANNEL[b.charCodeAt(0)] = -1;
CHANNEL['U'.charCodeAt(0)] = 3;
CHANNEL['u'.charCodeAt(0)] = 3;

/**
 * Writes the one-hot code of `seq` into `out` at `offset`, channel-major: out[offset + c * L + i].
 * `out` must hold 4 * seq.length values from offset, zero-filled.
 */
export function writeOneHot(seq: string, out: Float32Array, offset: number, options: OneHotOptions = {}): void {
  const unknown = options.unknown ?? 0.25;
  const L = seq.length;
  for (let i = 0; i < L; i++) {
    const code = seq.charCodeAt(i);
    const ch = code < 256 ? CHANNEL[code]! : -2;
    if (ch >= 0) out[offset + ch * L + i] = 1;
    else if (ch === -1) {
      if (unknown !== 0) for (let c = 0; c < 4; c++) out[offset + c * L + i] = unknown;
    } else {
      throw new InputError(`invalid DNA character '${seq[i]}' at position ${i + 1}`);
    }
  }
}

/** One-hot codes of equal-length sequences: [N, 4, L] float32. */
export function oneHot(seqs: readonly string[], options: OneHotOptions = {}): Tensor {
  if (seqs.length === 0) throw new InputError('expected at least one sequence');
  const L = seqs[0]!.length;
  const out = new Float32Array(seqs.length * 4 * L);
  seqs.forEach((s, n) => {
    if (s.length !== L) throw new InputError(`expected sequences of length ${L}, got ${s.length} for sequence ${n + 1}`);
    writeOneHot(s, out, n * 4 * L, options);
  });
  return tensor(out, [seqs.length, 4, L]);
}

export { reverseComplement } from './reverse-complement.js';
