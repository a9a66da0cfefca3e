/**
 * One token a base (single-nucleotide tokens, as in HyenaDNA and Caduceus).
 *
 * Vocabulary: the special tokens [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then A=5, C=6,
 * G=7, T=8 (vocabSize 9; the ids of KmerTokenizer with k = 1). Lower case (soft-masked) bases
 * read as upper case (`softMask` returns which tokens were lower case), RNA U as T; N and the
 * other IUPAC codes are [UNK], which decodes as N.
 */
import type { Tensor } from '../../core/tensor.js';
import { DNA_ALPHABET } from '../one-hot.js';
import { AMBIGUOUS, baseCodeAt, checkDnaCharacters } from './dna-codes.js';
import { softMaskFlags } from './soft-mask.js';
import {
  checkEncodeOptions,
  encodeTokenBatch,
  frameTokens,
  joinTokenStrings,
  SPECIAL_TOKEN_COUNT,
  SPECIAL_TOKEN_NAMES,
  SPECIAL_TOKENS,
  type SequenceTokenizer,
  type TokenEncodeOptions,
  type TokenOffsets,
} from './tokens.js';

const VOCABULARY: readonly string[] = [...SPECIAL_TOKEN_NAMES, ...DNA_ALPHABET];

export class NucleotideTokenizer implements SequenceTokenizer {
  readonly vocabSize = VOCABULARY.length;

  /** Token strings indexed by id: the 5 special tokens, then A, C, G, T. */
  vocabulary(): string[] {
    return [...VOCABULARY];
  }

  /**
   * Ids of the bases of `seq`, framed by `options` (see TokenEncodeOptions).
   * Throws InputError on characters that are not DNA (A/C/G/T/U, N, IUPAC, any case).
   */
  encode(seq: string, options: TokenEncodeOptions = {}): Int32Array {
    checkEncodeOptions(options);
    return frameTokens(this.#ids(seq), options);
  }

  /** `[N, T]` int64 ids; T is `options.length` or the longest row (others padded with [PAD]). */
  encodeBatch(seqs: readonly string[], options: TokenEncodeOptions = {}): Tensor {
    return encodeTokenBatch(seqs, (s) => this.#ids(s), options);
  }

  /** The bases a row of ids stands for: [PAD], [CLS], [SEP] skipped; [UNK] and [MASK] read as N. */
  decode(ids: ArrayLike<number> | ArrayLike<bigint>): string {
    return joinTokenStrings(ids, VOCABULARY, 'N');
  }

  /** Token t covers base t: `[t, t + 1)`. */
  offsets(seq: string): TokenOffsets {
    checkDnaCharacters(seq);
    const starts = new Int32Array(seq.length);
    const ends = new Int32Array(seq.length);
    for (let i = 0; i < seq.length; i++) {
      starts[i] = i;
      ends[i] = i + 1;
    }
    return { starts, ends };
  }

  /** 1 for each token (base) of `seq` written in lower case (soft-masked, e.g. a repeat), else 0. */
  softMask(seq: string): Uint8Array {
    return softMaskFlags(seq, this.offsets(seq));
  }

  describe(): { kind: 'nucleotide' } {
    return { kind: 'nucleotide' };
  }

  #ids(seq: string): Int32Array {
    const out = new Int32Array(seq.length);
    for (let i = 0; i < seq.length; i++) {
      const code = baseCodeAt(seq, i);
      out[i] = code === AMBIGUOUS ? SPECIAL_TOKENS.unk : SPECIAL_TOKEN_COUNT + code;
    }
    return out;
  }
}
