/**
 * Soft-masking per token: genome assemblies write repeats in lower case, and a language model
 * may down-weight the tokens that fall in them.
 */
import type { TokenOffsets } from './tokens.js';

/**
 * 1 for each token whose span `[starts[t], ends[t])` holds at least one lower-case
 * (soft-masked) base of `seq`, else 0.
 */
export function softMaskFlags(seq: string, offsets: TokenOffsets): Uint8Array {
  const lowerBefore = new Int32Array(seq.length + 1);
  for (let i = 0; i < seq.length; i++) {
    const c = seq.charCodeAt(i);
    lowerBefore[i + 1] = lowerBefore[i]! + (c >= 97 && c <= 122 ? 1 : 0);
  }
  const { starts, ends } = offsets;
  const out = new Uint8Array(starts.length);
  for (let t = 0; t < starts.length; t++) out[t] = lowerBefore[ends[t]!]! > lowerBefore[starts[t]!]! ? 1 : 0;
  return out;
}
