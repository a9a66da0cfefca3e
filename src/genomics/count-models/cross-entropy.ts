/** Mean cross-entropy (bits per base) of a count model on held-out sequences, overall and per base class. */
import { InputError } from '../../core/errors.js';
import { encodeBaseCodes, INVALID_BASE, type DnaSequence } from './base-codes.js';
import type { CountModel } from './count-model.js';

export interface CrossEntropyOptions {
  /**
   * Per sequence, one class id per base (e.g. `softMaskClasses`: 1 = repeat, 0 = not);
   * bits per base are then also reported for each class present.
   */
  classes?: readonly Uint8Array[];
  /**
   * 'model' (default): the model's own conditional (`positionBits`: preceding bases for
   * Markov, both sides for symmetric). 'masked': `maskedPositionBits`, the base given both
   * sides, as a masked language model is scored.
   */
  conditional?: 'model' | 'masked';
}

export interface ClassCrossEntropy {
  classId: number;
  bitsPerBase: number;
  scored: number;
}

export interface CrossEntropy {
  /** Mean -log2 P(base) over scored positions; NaN when none was scored. */
  bitsPerBase: number;
  scored: number;
  /** Positions whose own base is not A/C/G/T. */
  skippedInvalidBase: number;
  /** Positions with a valid base whose context runs off the sequence or holds another symbol. */
  skippedIncompleteContext: number;
  /** By class id, ascending; empty without `classes`. */
  byClass: ClassCrossEntropy[];
}

export function crossEntropy(model: CountModel, seqs: readonly DnaSequence[], options: CrossEntropyOptions = {}): CrossEntropy {
  const { classes } = options;
  if (classes !== undefined) {
    if (classes.length !== seqs.length) throw new InputError(`expected one class array per sequence (${seqs.length}), got ${classes.length}`);
    classes.forEach((c, s) => {
      if (c.length !== seqs[s]!.length) throw new InputError(`expected ${seqs[s]!.length} classes for sequence ${s}, got ${c.length}`);
    });
  }
  const sums = new Float64Array(256);
  const counts = new Float64Array(256);
  let invalid = 0;
  let incomplete = 0;
  seqs.forEach((seq, s) => {
    const codes = encodeBaseCodes(seq);
    const bits = options.conditional === 'masked' ? model.maskedPositionBits(codes) : model.positionBits(codes);
    const cls = classes?.[s];
    for (let i = 0; i < codes.length; i++) {
      const b = bits[i]!;
      if (codes[i] === INVALID_BASE) invalid++;
      else if (Number.isNaN(b)) incomplete++;
      else {
        const c = cls === undefined ? 0 : cls[i]!;
        sums[c]! += b;
        counts[c]!++;
      }
    }
  });
  let sum = 0;
  let scored = 0;
  const byClass: ClassCrossEntropy[] = [];
  for (let c = 0; c < 256; c++) {
    if (counts[c] === 0) continue;
    sum += sums[c]!;
    scored += counts[c]!;
    if (classes !== undefined) byClass.push({ classId: c, bitsPerBase: sums[c]! / counts[c]!, scored: counts[c]! });
  }
  return { bitsPerBase: scored === 0 ? NaN : sum / scored, scored, skippedInvalidBase: invalid, skippedIncompleteContext: incomplete, byClass };
}
