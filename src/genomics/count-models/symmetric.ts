/**
 * Symmetric context model of DNA: P(base_i | k bases on the left and k on the right),
 * k = 1..6, with add-1/2 (Krichevsky-Trofimov) smoothing. Counts: `[4^(2k) contexts, 4]`
 * uint32, the context code being the left k bases then the right k bases read as one base-4
 * number. k = 6 holds 16.7M contexts: 268 MB of counts.
 */
import { InputError } from '../../core/errors.js';
import { baseCodeReader, encodeBaseCodes, INVALID_BASE, type DnaSequence, type ReadStrand } from './base-codes.js';
import { asList, checkPosition, forwardOrder, ktProbability, type CountModel } from './count-model.js';

export const MAX_SYMMETRIC_K = 6;

export class SymmetricContextModel implements CountModel {
  readonly kind = 'symmetric' as const;
  readonly k: number;
  readonly name: string;
  /** `[4^(2k), 4]` counts, row-major. */
  readonly counts: Uint32Array;
  #fitted = 0;

  constructor(k: number) {
    if (!Number.isInteger(k) || k < 1 || k > MAX_SYMMETRIC_K) {
      throw new InputError(`expected a symmetric context half-width k in 1..${MAX_SYMMETRIC_K}, got ${k}`);
    }
    this.k = k;
    this.name = `symmetric-${k}`;
    this.counts = new Uint32Array(4 ** (2 * k + 1));
  }

  get fittedPositions(): number {
    return this.#fitted;
  }

  fit(seqs: DnaSequence | readonly DnaSequence[]): this {
    for (const seq of asList(seqs)) {
      const codes = encodeBaseCodes(seq);
      this.#forEachScored(codes, (i, context) => {
        this.counts[context * 4 + codes[i]!]!++;
        this.#fitted++;
      });
    }
    return this;
  }

  positionBits(codes: Uint8Array): Float64Array {
    const out = new Float64Array(codes.length).fill(NaN);
    const c = this.counts;
    this.#forEachScored(codes, (i, context) => {
      const row = context * 4;
      out[i] = -Math.log2(ktProbability(c[row + codes[i]!]!, c[row]! + c[row + 1]! + c[row + 2]! + c[row + 3]!));
    });
    return out;
  }

  /** The symmetric conditional already is the base given both sides. */
  maskedPositionBits(codes: Uint8Array): Float64Array {
    return this.positionBits(codes);
  }

  /** P(b | k left, k right) at position i; null when those 2k bases are not all A/C/G/T (or run off an end). */
  baseDistribution(seq: DnaSequence, i: number, strand: ReadStrand = '+'): Float64Array | null {
    checkPosition(seq, i);
    const { k } = this;
    const n = seq.length;
    const p = strand === '+' ? i : n - 1 - i;
    if (p < k || p + k >= n) return null;
    const at = baseCodeReader(seq, strand);
    let context = 0;
    for (let j = p - k; j <= p + k; j++) {
      if (j === p) continue;
      const c = at(j);
      if (c === INVALID_BASE) return null;
      context = context * 4 + c;
    }
    const row = context * 4;
    const c = this.counts;
    const total = c[row]! + c[row + 1]! + c[row + 2]! + c[row + 3]!;
    const out = new Float64Array(4);
    for (let b = 0; b < 4; b++) out[b] = ktProbability(c[row + b]!, total);
    return forwardOrder(out, strand);
  }

  /** Calls `visit(i, context)` for every position with a valid base and 2k valid neighbours. */
  #forEachScored(codes: Uint8Array, visit: (i: number, context: number) => void): void {
    const { k } = this;
    const n = codes.length;
    const mask = 4 ** k - 1;
    const shift = 4 ** k;
    // kmer[j], run[j]: code of the k bases ending at j, and how many valid bases end at j.
    const kmer = new Int32Array(n);
    const run = new Int32Array(n);
    let code = 0;
    let length = 0;
    for (let j = 0; j < n; j++) {
      const c = codes[j]!;
      if (c === INVALID_BASE) {
        length = 0;
        code = 0;
      } else {
        code = ((code << 2) | c) & mask;
        length++;
      }
      kmer[j] = code;
      run[j] = length;
    }
    for (let i = k; i + k < n; i++) {
      if (codes[i] === INVALID_BASE || run[i - 1]! < k || run[i + k]! < k) continue;
      visit(i, kmer[i - 1]! * shift + kmer[i + k]!);
    }
  }
}
