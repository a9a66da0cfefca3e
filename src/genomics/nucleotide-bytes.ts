/**
 * Single-nucleotide token ids of ASCII bases, through a lookup table: A, C, G, T (U) are the
 * ordinary ids SPECIAL_TOKEN_COUNT + 0..3 (the ids of KmerTokenizer with k = 1), anything else
 * (N, IUPAC codes) is [UNK]. Lower case (soft-masked) bases get the upper-case id and a flag.
 */
import { SPECIAL_TOKEN_COUNT, SPECIAL_TOKENS } from './tokenizers/tokens.js';

/** Number of ids: the special tokens and A, C, G, T. */
export const NUCLEOTIDE_VOCAB_SIZE = SPECIAL_TOKEN_COUNT + 4;
/** Id of base A; C, G, T follow. */
export const FIRST_BASE_ID = SPECIAL_TOKEN_COUNT;

const ID = new Int32Array(256).fill(SPECIAL_TOKENS.unk);
const LOWER = new Uint8Array(256);
for (const [i, bases] of ['Aa', 'Cc', 'Gg', 'TtUu'].entries()) for (const b of bases) ID[b.charCodeAt(0)] = FIRST_BASE_ID + i;
for (let b = 97; b <= 122; b++) LOWER[b] = 1;

/** Writes the ids of `bytes` to `ids` and their soft-mask flags to `softMasked`, from `offset`. */
export function nucleotideIdsOfBytes(bytes: Uint8Array, ids: Int32Array, softMasked: Uint8Array, offset = 0): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    ids[offset + i] = ID[b]!;
    softMasked[offset + i] = LOWER[b]!;
  }
}

/** Fraction of `bytes` that is not A, C, G, T or U (either case). */
export function unknownFraction(bytes: Uint8Array): number {
  let unknown = 0;
  for (let i = 0; i < bytes.length; i++) if (ID[bytes[i]!] === SPECIAL_TOKENS.unk) unknown++;
  return bytes.length === 0 ? 0 : unknown / bytes.length;
}

const COMPLEMENT = new Uint8Array(256);
for (let b = 0; b < 256; b++) COMPLEMENT[b] = b;
for (const [a, c] of ['AT', 'CG', 'GC', 'TA', 'at', 'cg', 'gc', 'ta', 'UA', 'ua']) COMPLEMENT[a!.charCodeAt(0)] = c!.charCodeAt(0);

/** The reverse complement of ASCII bases, case kept (N and other codes stay as they are). */
export function reverseComplementBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[bytes.length - 1 - i] = COMPLEMENT[bytes[i]!]!;
  return out;
}
