/**
 * Non-overlapping k-mer tokens of DNA (Nucleotide Transformer style): the sequence is read in
 * consecutive k-mers; bases that cannot form one are single-base tokens.
 *
 * Vocabulary: the special tokens [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then the 4^k
 * k-mers in lexicographic A < C < G < T order (k-mer code c has id 5 + c, as in
 * KmerTokenizer), then the single bases A, C, G, T (ids 5 + 4^k .. 5 + 4^k + 3); vocabSize
 * 5 + 4^k + 4. Lower case reads as upper case, RNA U as T.
 *
 * A k-mer is emitted only when all its bases are A/C/G/T. Before an N (or another IUPAC code)
 * the fewer than k bases left since the last k-mer become single-base tokens, each N is one
 * [UNK], and k-mers start again after the N run; the fewer than k bases at the end are
 * single-base tokens too. Decoding gives N for [UNK] (and for [MASK]).
 */
import { InputError } from '../../core/errors.js';
import { DNA_ALPHABET } from '../one-hot.js';
import { AMBIGUOUS, baseCodeAt, kmerOfCode } from './dna-codes.js';
import {
  SPECIAL_TOKEN_COUNT,
  SPECIAL_TOKEN_NAMES,
  SPECIAL_TOKENS,
} from './tokens.js';
import { TilingTokenizer, type TiledTokens } from './tiling-tokenizer.js';

export interface NonOverlappingKmerTokenizerOptions {
  /** k-mer length, 2..6. Default 6. */
  k?: number;
}

/** Token strings indexed by id: the 5 special tokens, the 4^k k-mers, then A, C, G, T. */
function kmerVocabulary(k: number): string[] {
  if (!Number.isInteger(k) || k < 2 || k > 6) throw new InputError(`expected k to be an integer in 2..6, got ${k}`);
  return [...SPECIAL_TOKEN_NAMES, ...Array.from({ length: 4 ** k }, (_, code) => kmerOfCode(code, k)), ...DNA_ALPHABET];
}

/** k-mer tokens cover k bases, single-base and [UNK] tokens one. */
export class NonOverlappingKmerTokenizer extends TilingTokenizer {
  readonly k: number;

  constructor(options: NonOverlappingKmerTokenizerOptions = {}) {
    const k = options.k ?? 6;
    super(kmerVocabulary(k));
    this.k = k;
  }

  /** Id of the single-base token of base code 0..3 (A, C, G, T). */
  get firstBaseId(): number {
    return SPECIAL_TOKEN_COUNT + 4 ** this.k;
  }

  describe(): { kind: 'nonoverlapping-kmer'; k: number } {
    return { kind: 'nonoverlapping-kmer', k: this.k };
  }

  protected tokenize(seq: string): TiledTokens {
    const { k } = this;
    const L = seq.length;
    const codes = new Int8Array(L);
    for (let i = 0; i < L; i++) codes[i] = baseCodeAt(seq, i);
    const ids = new Int32Array(L);
    const starts = new Int32Array(L);
    const ends = new Int32Array(L);
    let count = 0;
    const emit = (id: number, start: number, end: number) => {
      ids[count] = id;
      starts[count] = start;
      ends[count++] = end;
    };
    let i = 0;
    while (i < L) {
      let code = 0;
      let j = i;
      while (j < i + k && j < L && codes[j] !== AMBIGUOUS) code = code * 4 + codes[j++]!;
      if (j === i + k) {
        emit(SPECIAL_TOKEN_COUNT + code, i, j);
      } else {
        for (let b = i; b < j; b++) emit(this.firstBaseId + codes[b]!, b, b + 1);
        for (; j < L && codes[j] === AMBIGUOUS; j++) emit(SPECIAL_TOKENS.unk, j, j + 1);
      }
      i = j;
    }
    return { ids: ids.slice(0, count), starts: starts.slice(0, count), ends: ends.slice(0, count) };
  }
}

