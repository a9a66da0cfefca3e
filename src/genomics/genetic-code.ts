/** The standard genetic code (NCBI translation table 1). */

/** Amino acids of the 64 codons, first base slowest, each base in T, C, A, G order; '*' is a stop. */
const STANDARD_TABLE = 'FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG';

const INDEX = new Int8Array(256).fill(-1);
for (const [i, b] of [...'TCAG'].entries()) {
  INDEX[b.charCodeAt(0)] = i;
  INDEX[b.toLowerCase().charCodeAt(0)] = i;
}

/**
 * The one-letter amino acid of a codon under the standard code ('*' for TAA, TAG, TGA), or
 * 'X' when the codon is not three of A/C/G/T (either case).
 */
export function translateCodon(codon: string): string {
  if (codon.length !== 3) return 'X';
  let index = 0;
  for (let j = 0; j < 3; j++) {
    const c = codon.charCodeAt(j);
    const b = c < 256 ? INDEX[c]! : -1;
    if (b < 0) return 'X';
    index = index * 4 + b;
  }
  return STANDARD_TABLE[index]!;
}
