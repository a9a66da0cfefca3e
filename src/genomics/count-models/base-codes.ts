/**
 * DNA read as base codes for the count models: A=0, C=1, G=2, T=3 (lower case alike), and
 * INVALID_BASE (4) for N and every other symbol.
 */

/** A DNA sequence: a string, or its ASCII bytes (as `Genome.fetchWindows` returns them). */
export type DnaSequence = string | Uint8Array;

/** A strand to read a sequence on: '-' reads the reverse complement. */
export type ReadStrand = '+' | '-';

export const INVALID_BASE = 4;

const CODE = new Uint8Array(256).fill(INVALID_BASE);
for (const [code, bases] of ['Aa', 'Cc', 'Gg', 'Tt'].entries()) {
  for (const base of bases) CODE[base.charCodeAt(0)] = code;
}

/** The code of one character or byte. */
export function baseCode(charCode: number): number {
  return charCode < 256 ? CODE[charCode]! : INVALID_BASE;
}

/** Codes of a whole sequence: `[length]` uint8, values 0..4. */
export function encodeBaseCodes(seq: DnaSequence): Uint8Array {
  const out = new Uint8Array(seq.length);
  if (typeof seq === 'string') {
    for (let i = 0; i < seq.length; i++) out[i] = baseCode(seq.charCodeAt(i));
  } else {
    for (let i = 0; i < seq.length; i++) out[i] = CODE[seq[i]!]!;
  }
  return out;
}

/**
 * Random access to the codes of `seq` on a strand without copying it: on '-', position j is
 * the complement of `seq[length - 1 - j]`.
 */
export function baseCodeReader(seq: DnaSequence, strand: ReadStrand = '+'): (j: number) => number {
  const n = seq.length;
  const raw = typeof seq === 'string' ? (j: number) => baseCode(seq.charCodeAt(j)) : (j: number) => CODE[seq[j]!]!;
  if (strand === '+') return raw;
  return (j) => {
    const c = raw(n - 1 - j);
    return c === INVALID_BASE ? c : 3 - c;
  };
}

/** Per-base classes from soft-masking: 1 for lower-case bases (repeats), 0 otherwise. */
export function softMaskClasses(seq: DnaSequence): Uint8Array {
  const out = new Uint8Array(seq.length);
  for (let i = 0; i < seq.length; i++) {
    const c = typeof seq === 'string' ? seq.charCodeAt(i) : seq[i]!;
    out[i] = c >= 97 && c <= 122 ? 1 : 0;
  }
  return out;
}
