/**
 * The shared body of tokenizers whose tokens tile the sequence, each base in exactly one token
 * (non-overlapping k-mers, BPE): a subclass gives its vocabulary and `tokenize` (ids with their
 * base spans); encoding, batching, decoding and offsets follow from those.
 */
import type { Tensor } from '../../core/tensor.js';
import {
  checkEncodeOptions,
  encodeTokenBatch,
  frameTokens,
  joinTokenStrings,
  type SequenceTokenizer,
  type TokenEncodeOptions,
  type TokenOffsets,
} from './tokens.js';

/** The ordinary tokens of a sequence and the base span of each. */
export interface TiledTokens extends TokenOffsets {
  ids: Int32Array;
}

export abstract class TilingTokenizer implements SequenceTokenizer {
  readonly vocabSize: number;
  readonly #vocabulary: readonly string[];

  protected constructor(vocabulary: readonly string[]) {
    this.#vocabulary = vocabulary;
    this.vocabSize = vocabulary.length;
  }

  /** The tokens of `seq`; throws InputError on characters that are not DNA (A/C/G/T/U, N, IUPAC, any case). */
  protected abstract tokenize(seq: string): TiledTokens;

  abstract describe(): ReturnType<SequenceTokenizer['describe']>;

  /** Token strings indexed by id. */
  vocabulary(): string[] {
    return [...this.#vocabulary];
  }

  /** Ids of `seq`, framed by `options` (see TokenEncodeOptions). */
  encode(seq: string, options: TokenEncodeOptions = {}): Int32Array {
    checkEncodeOptions(options);
    return frameTokens(this.tokenize(seq).ids, options);
  }

  /** `[N, T]` int64 ids; T is `options.length` or the longest row (others padded with [PAD]). */
  encodeBatch(seqs: readonly string[], options: TokenEncodeOptions = {}): Tensor {
    return encodeTokenBatch(seqs, (s) => this.tokenize(s).ids, options);
  }

  /** The bases a row of ids stands for: [PAD], [CLS], [SEP] skipped; [UNK] and [MASK] read as one N. */
  decode(ids: ArrayLike<number> | ArrayLike<bigint>): string {
    return joinTokenStrings(ids, this.#vocabulary, 'N');
  }

  /** The base span of each token; together they tile the sequence. */
  offsets(seq: string): TokenOffsets {
    const { starts, ends } = this.tokenize(seq);
    return { starts, ends };
  }
}
