/**
 * Order-k Markov model of DNA: P(base_i | the k preceding bases), k = 0..10, with
 * add-1/2 (Krichevsky-Trofimov) smoothing. Counts: `[4^k contexts, 4]` uint32, the context
 * code being the k bases read as a base-4 number (first base most significant).
 */
import { InputError } from '../../core/errors.js';
import { baseCodeReader, encodeBaseCodes, INVALID_BASE, type DnaSequence, type ReadStrand } from './base-codes.js';
import { asList, checkPosition, forwardOrder, ktProbability, normalizeLogs, type CountModel } from './count-model.js';

export const MAX_MARKOV_ORDER = 10;

export class MarkovModel implements CountModel {
  readonly kind = 'markov' as const;
  readonly k: number;
  readonly name: string;
  /** `[4^k, 4]` counts, row-major. */
  readonly counts: Uint32Array;
  #fitted = 0;

  constructor(k: number) {
    if (!Number.isInteger(k) || k < 0 || k > MAX_MARKOV_ORDER) {
      throw new InputError(`expected a Markov order k in 0..${MAX_MARKOV_ORDER}, got ${k}`);
    }
    this.k = k;
    this.name = `markov-${k}`;
    this.counts = new Uint32Array(4 ** (k + 1));
  }

  get fittedPositions(): number {
    return this.#fitted;
  }

  fit(seqs: DnaSequence | readonly DnaSequence[]): this {
    for (const seq of asList(seqs)) this.#count(encodeBaseCodes(seq));
    return this;
  }

  positionBits(codes: Uint8Array): Float64Array {
    const out = new Float64Array(codes.length).fill(NaN);
    const { k, counts } = this;
    const mask = 4 ** k - 1;
    let context = 0;
    let run = 0;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c === INVALID_BASE) {
        run = 0;
        continue;
      }
      if (run >= k) {
        const row = context * 4;
        const total = counts[row]! + counts[row + 1]! + counts[row + 2]! + counts[row + 3]!;
        out[i] = -Math.log2(ktProbability(counts[row + c]!, total));
      }
      context = ((context << 2) | c) & mask;
      run++;
    }
    return out;
  }

  /**
   * The Markov chain's conditional at a masked position given both sides:
   * P(b | rest) ∝ P(b | k preceding) × Π_{j=i+1..i+k} P(x_j | its k preceding, with b at i).
   * The product stops at the end of the sequence or at the first following base that is not
   * A/C/G/T. Null when the k preceding bases are not all A/C/G/T.
   */
  baseDistribution(seq: DnaSequence, i: number, strand: ReadStrand = '+'): Float64Array | null {
    checkPosition(seq, i);
    const out = new Float64Array(4);
    const p = strand === '+' ? i : seq.length - 1 - i;
    return this.#posterior(baseCodeReader(seq, strand), seq.length, p, out) ? forwardOrder(out, strand) : null;
  }

  maskedPositionBits(codes: Uint8Array): Float64Array {
    const out = new Float64Array(codes.length).fill(NaN);
    const probabilities = new Float64Array(4);
    const at = (j: number) => codes[j]!;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c !== INVALID_BASE && this.#posterior(at, codes.length, i, probabilities)) out[i] = -Math.log2(probabilities[c]!);
    }
    return out;
  }

  /** Writes the masked conditional at p into `out`; false (out untouched) without k valid preceding bases. */
  #posterior(at: (j: number) => number, n: number, p: number, out: Float64Array): boolean {
    const { k } = this;
    if (p < k) return false;
    let left = 0;
    for (let j = p - k; j < p; j++) {
      const c = at(j);
      if (c === INVALID_BASE) return false;
      left = left * 4 + c;
    }
    const mask = 4 ** k - 1;
    let c0 = left * 4;
    let c1 = c0 + 1;
    let c2 = c0 + 2;
    let c3 = c0 + 3;
    out[0] = Math.log(this.#probability(left, 0));
    out[1] = Math.log(this.#probability(left, 1));
    out[2] = Math.log(this.#probability(left, 2));
    out[3] = Math.log(this.#probability(left, 3));
    // Each following base j <= p + k has position p in its context: cb is that context with b at p.
    // A base that is not A/C/G/T ends the product (every later context holds it).
    for (let j = p + 1; j <= Math.min(p + k, n - 1); j++) {
      const x = at(j);
      if (x === INVALID_BASE) break;
      c0 &= mask;
      c1 &= mask;
      c2 &= mask;
      c3 &= mask;
      out[0]! += Math.log(this.#probability(c0, x));
      out[1]! += Math.log(this.#probability(c1, x));
      out[2]! += Math.log(this.#probability(c2, x));
      out[3]! += Math.log(this.#probability(c3, x));
      c0 = c0 * 4 + x;
      c1 = c1 * 4 + x;
      c2 = c2 * 4 + x;
      c3 = c3 * 4 + x;
    }
    normalizeLogs(out);
    return true;
  }

  #probability(context: number, base: number): number {
    const row = context * 4;
    const c = this.counts;
    return ktProbability(c[row + base]!, c[row]! + c[row + 1]! + c[row + 2]! + c[row + 3]!);
  }

  #count(codes: Uint8Array): void {
    const { k, counts } = this;
    const mask = 4 ** k - 1;
    let context = 0;
    let run = 0;
    let fitted = 0;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c === INVALID_BASE) {
        run = 0;
        continue;
      }
      if (run >= k) {
        counts[context * 4 + c]!++;
        fitted++;
      }
      context = ((context << 2) | c) & mask;
      run++;
    }
    this.#fitted += fitted;
  }
}
