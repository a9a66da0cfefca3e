/**
 * Overlapping k-mer tokens of DNA (DNABERT style).
 *
 * Vocabulary: the special tokens [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then all 4^k
 * k-mers in lexicographic A < C < G < T order, so k-mer `s` has id
 * `5 + sum_j index(s[j]) * 4^(k-1-j)` with index A=0, C=1, G=2, T=3 (for k = 3: AAA=5,
 * AAC=6, ..., TTT=68). Lower case (soft-masked) bases count as upper case and RNA U as T;
 * a k-mer containing N or another IUPAC code is [UNK].
 */
import { InputError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import { AMBIGUOUS, BASE_CODE, baseCodeAt, checkDnaCharacters, INVALID, kmerOfCode } from './dna-codes.js';
import {
  checkEncodeOptions,
  frameTokens,
  readTokenId,
  SPECIAL_TOKEN_COUNT,
  SPECIAL_TOKEN_NAMES,
  SPECIAL_TOKENS,
  encodeTokenBatch,
  type SequenceTokenizer,
  type TokenEncodeOptions,
  type TokenOffsets,
} from './tokens.js';

export interface KmerTokenizerOptions {
  /** k-mer length, 1..6. */
  k: number;
  /** Distance between the starts of consecutive k-mers, 1..k. Default 1 (fully overlapping). */
  stride?: number;
}

/**
 * Splits DNA into k-mers starting at 0, stride, 2 * stride, ... (each fully inside the
 * sequence; trailing bases that do not fill a k-mer are dropped) and maps them to ids.
 * A sequence shorter than k has no k-mers.
 */
export class KmerTokenizer implements SequenceTokenizer {
  readonly k: number;
  readonly stride: number;
  readonly vocabSize: number;

  constructor(options: KmerTokenizerOptions) {
    const { k } = options;
    const stride = options.stride ?? 1;
    if (!Number.isInteger(k) || k < 1 || k > 6) throw new InputError(`expected k to be an integer in 1..6, got ${k}`);
    if (!Number.isInteger(stride) || stride < 1 || stride > k) {
      throw new InputError(`expected stride to be an integer in 1..${k} (k), got ${stride}`);
    }
    this.k = k;
    this.stride = stride;
    this.vocabSize = SPECIAL_TOKEN_COUNT + 4 ** k;
  }

  /** Token strings indexed by id: the 5 special tokens, then the 4^k k-mers in ACGT order. */
  vocabulary(): string[] {
    const out = [...SPECIAL_TOKEN_NAMES];
    for (let code = 0; code < 4 ** this.k; code++) out.push(kmerOfCode(code, this.k));
    return out;
  }

  /** The id of a k-mer or special token name (e.g. 'ACG', '[CLS]'); [UNK] for anything else. */
  tokenId(token: string): number {
    const special = SPECIAL_TOKEN_NAMES.indexOf(token);
    if (special >= 0) return special;
    if (token.length !== this.k) return SPECIAL_TOKENS.unk;
    let code = 0;
    for (let j = 0; j < token.length; j++) {
      const b = token.charCodeAt(j) < 256 ? BASE_CODE[token.charCodeAt(j)]! : INVALID;
      if (b < 0) return SPECIAL_TOKENS.unk;
      code = code * 4 + b;
    }
    return SPECIAL_TOKEN_COUNT + code;
  }

  /**
   * Ids of the k-mers of `seq`, framed by `options` (see TokenEncodeOptions).
   * Throws InputError on characters that are not DNA (A/C/G/T/U, N, IUPAC, any case).
   */
  encode(seq: string, options: TokenEncodeOptions = {}): Int32Array {
    checkEncodeOptions(options);
    return frameTokens(this.#kmerIds(seq), options);
  }

  /**
   * Ids of many sequences as a `[N, T]` int64 tensor; T is `options.length`, or else the
   * longest row (shorter rows padded with [PAD]).
   */
  encodeBatch(seqs: readonly string[], options: TokenEncodeOptions = {}): Tensor {
    return encodeTokenBatch(seqs, (s) => this.#kmerIds(s), options);
  }

  /**
   * The DNA sequence a row of ids stands for. [PAD], [CLS] and [SEP] are skipped; the other
   * tokens are consecutive k-mers `stride` bases apart, so the result has
   * `(count - 1) * stride + k` bases for `count` k-mers. Each base is read from the first
   * known k-mer covering it; a base covered only by [UNK] / [MASK] tokens is 'N'.
   * Overlapping k-mers are not checked for agreement.
   */
  decode(ids: ArrayLike<number> | ArrayLike<bigint>): string {
    const { k, stride } = this;
    const codes: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = readTokenId(ids, i, this.vocabSize);
      if (id === SPECIAL_TOKENS.pad || id === SPECIAL_TOKENS.cls || id === SPECIAL_TOKENS.sep) continue;
      codes.push(id >= SPECIAL_TOKEN_COUNT ? id - SPECIAL_TOKEN_COUNT : -1);
    }
    if (codes.length === 0) return '';
    const length = (codes.length - 1) * stride + k;
    const bases = new Array<string>(length).fill('');
    codes.forEach((code, t) => {
      if (code < 0) return;
      const kmer = kmerOfCode(code, this.k);
      for (let j = 0; j < k; j++) if (bases[t * stride + j] === '') bases[t * stride + j] = kmer[j]!;
    });
    for (let i = 0; i < length; i++) if (bases[i] === '') bases[i] = 'N';
    return bases.join('');
  }

  /**
   * Token t covers `[t * stride, t * stride + k)`. With stride 1 the k-mers overlap, so base i
   * is covered by `min(i + 1, k, L - i, L - k + 1)` tokens; with stride > 1, trailing bases
   * that do not fill a k-mer are covered by none.
   */
  offsets(seq: string): TokenOffsets {
    checkDnaCharacters(seq);
    const { k, stride } = this;
    const count = seq.length < k ? 0 : Math.floor((seq.length - k) / stride) + 1;
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    for (let t = 0; t < count; t++) {
      starts[t] = t * stride;
      ends[t] = t * stride + k;
    }
    return { starts, ends };
  }

  describe(): { kind: 'kmer'; k: number; stride: number } {
    return { kind: 'kmer', k: this.k, stride: this.stride };
  }

  /** Unframed k-mer ids of `seq` in one pass: a rolling base-4 code and the last ambiguous position. */
  #kmerIds(seq: string): Int32Array {
    const { k, stride } = this;
    const L = seq.length;
    const count = L < k ? 0 : Math.floor((L - k) / stride) + 1;
    const out = new Int32Array(count);
    const modulus = 4 ** k;
    let code = 0;
    let lastAmbiguous = -1;
    for (let i = 0; i < L; i++) {
      const b = baseCodeAt(seq, i);
      if (b === AMBIGUOUS) lastAmbiguous = i;
      code = (code * 4 + (b < 0 ? 0 : b)) % modulus;
      const start = i - k + 1;
      if (start >= 0 && start % stride === 0) {
        out[start / stride] = lastAmbiguous >= start ? SPECIAL_TOKENS.unk : SPECIAL_TOKEN_COUNT + code;
      }
    }
    return out;
  }
}
