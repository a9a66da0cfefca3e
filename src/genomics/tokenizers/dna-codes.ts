/**
 * The base code of each character, shared by the DNA tokenizers: A, C, G, T are 0..3 (either
 * case; RNA U reads as T), N and the other IUPAC ambiguity codes are AMBIGUOUS, anything else
 * is INVALID.
 */
import { InputError } from '../../core/errors.js';
import { DNA_ALPHABET } from '../one-hot.js';

export const AMBIGUOUS = -1;
export const INVALID = -2;

/** Code of each character code below 256 (see the module comment). */
export const BASE_CODE = new Int8Array(256).fill(INVALID);
for (const [i, b] of [...DNA_ALPHABET].entries()) {
  BASE_CODE[b.charCodeAt(0)] = i;
  BASE_CODE[b.toLowerCase().charCodeAt(0)] = i;
}
for (const b of 'NRYSWKMBDHVnryswkmbdhv') BASE_CODE[b.charCodeAt(0)] = AMBIGUOUS;
BASE_CODE['U'.charCodeAt(0)] = 3;
BASE_CODE['u'.charCodeAt(0)] = 3;

/** The code of `seq[i]`: 0..3 or AMBIGUOUS; an InputError for a character that is not DNA. */
export function baseCodeAt(seq: string, i: number): number {
  const c = seq.charCodeAt(i);
  const code = c < 256 ? BASE_CODE[c]! : INVALID;
  if (code === INVALID) throw new InputError(`invalid DNA character '${seq[i]}' at position ${i + 1}`);
  return code;
}

/** Checks that every character of `seq` is DNA (see baseCodeAt). */
export function checkDnaCharacters(seq: string): void {
  for (let i = 0; i < seq.length; i++) baseCodeAt(seq, i);
}

/** The k-mer with base-4 code `code`, first base most significant (k = 3: 0 is AAA, 6 is ACG). */
export function kmerOfCode(code: number, k: number): string {
  const chars = new Array<string>(k);
  for (let j = k - 1; j >= 0; j--, code = Math.floor(code / 4)) chars[j] = DNA_ALPHABET[code % 4]!;
  return chars.join('');
}
