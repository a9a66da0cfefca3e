/** Zero-shot variant scores from a count model, the baseline for a masked language model's. */
import { InputError } from '../../core/errors.js';
import { baseCode, INVALID_BASE, type DnaSequence } from './base-codes.js';
import { checkPosition, type CountModel } from './count-model.js';

export interface VariantLlrOptions {
  /** Average the forward-strand score with the score of the reverse-complement read. Default false. */
  bothStrands?: boolean;
}

/**
 * ln P(alt) - ln P(ref) at position i of `seq` from `model.baseDistribution` (natural log),
 * the reference base being `seq[i]`. With `bothStrands`, the mean over the strands that have
 * a complete context. Null when no strand has one. Throws InputError when `seq[i]` or `alt`
 * is not A/C/G/T.
 */
export function variantLlr(model: CountModel, seq: DnaSequence, i: number, alt: string, options: VariantLlrOptions = {}): number | null {
  checkPosition(seq, i);
  const refChar = typeof seq === 'string' ? seq.charCodeAt(i) : seq[i]!;
  const ref = baseCode(refChar);
  const altCode = alt.length === 1 ? baseCode(alt.charCodeAt(0)) : INVALID_BASE;
  if (ref === INVALID_BASE) throw new InputError(`expected an A/C/G/T reference base at position ${i}, got '${String.fromCharCode(refChar)}'`);
  if (altCode === INVALID_BASE) throw new InputError(`expected an A/C/G/T alternative base, got '${alt}'`);
  const scores: number[] = [];
  for (const strand of options.bothStrands === true ? (['+', '-'] as const) : (['+'] as const)) {
    const p = model.baseDistribution(seq, i, strand);
    if (p !== null) scores.push(Math.log(p[altCode]!) - Math.log(p[ref]!));
  }
  return scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
}
