/**
 * Integer tokens shared by the sequence tokenizers (DNA bases, k-mers, BPE, protein): the
 * interface, the special tokens, which always take ids 0..4, the framing of a token row with
 * [CLS] / [SEP] and padding / truncation to a fixed length, and decoding by token strings.
 */
import { tensor } from '../../core/create.js';
import { InputError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import type { TokenizerDescription } from './description.js';

/** Ids of the special tokens, the same in every tokenizer (BERT / DNABERT order). */
export const SPECIAL_TOKENS = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 } as const;

/** Names of the special tokens, indexed by id. */
export const SPECIAL_TOKEN_NAMES: readonly string[] = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** Number of special tokens; the first ordinary token has this id. */
export const SPECIAL_TOKEN_COUNT = SPECIAL_TOKEN_NAMES.length;

export interface TokenEncodeOptions {
  /** Put [CLS] first and [SEP] last. Default false. */
  addSpecialTokens?: boolean;
  /**
   * Fixed row length: shorter rows are padded with [PAD] on the right, longer ones truncated
   * on the right (with special tokens, the [SEP] is kept as the last token). Default: no
   * padding or truncation (a batch is padded to its longest row).
   */
  length?: number;
}

/**
 * Where the ordinary tokens of a sequence come from: token t covers bases
 * `[starts[t], ends[t])` (0-based, half-open).
 */
export interface TokenOffsets {
  starts: Int32Array;
  ends: Int32Array;
}

/** A tokenizer from sequences to integer ids and back. */
export interface SequenceTokenizer {
  /** Number of ids: special tokens plus ordinary tokens. */
  readonly vocabSize: number;
  /** Token strings indexed by id (special tokens first). */
  vocabulary(): string[];
  /** Ids of one sequence. */
  encode(seq: string, options?: TokenEncodeOptions): Int32Array;
  /** Ids of many sequences: `[N, T]` int64, rows padded with [PAD] to `length` or the longest row. */
  encodeBatch(seqs: readonly string[], options?: TokenEncodeOptions): Tensor;
  /** The sequence an id row stands for; special tokens other than [UNK] / [MASK] are skipped. */
  decode(ids: ArrayLike<number> | ArrayLike<bigint>): string;
  /** The base span of each token of `encode(seq)` without special tokens, padding or truncation. */
  offsets(seq: string): TokenOffsets;
  /** A JSON-serialisable description; `tokenizerFromDescription` rebuilds the same tokenizer from it. */
  describe(): TokenizerDescription;
}

/** Checks `options.length`: a positive integer, >= 2 when special tokens are added. */
export function checkEncodeOptions(options: TokenEncodeOptions): void {
  const { length } = options;
  if (length === undefined) return;
  const min = options.addSpecialTokens ? 2 : 1;
  if (!Number.isInteger(length) || length < min) {
    throw new InputError(`expected length to be an integer >= ${min}, got ${length}`);
  }
}

/**
 * Frames the ordinary tokens `body`: optionally [CLS] body [SEP], then pads with [PAD] or
 * truncates to `options.length` (keeping [SEP] last when special tokens are added).
 */
export function frameTokens(body: Int32Array, options: TokenEncodeOptions): Int32Array {
  const special = options.addSpecialTokens ?? false;
  const natural = body.length + (special ? 2 : 0);
  const length = options.length ?? natural;
  const out = new Int32Array(length); // zero-filled: [PAD]
  const room = length - (special ? 2 : 0);
  const kept = Math.min(body.length, room);
  const offset = special ? 1 : 0;
  out.set(body.subarray(0, kept), offset);
  if (special) {
    out[0] = SPECIAL_TOKENS.cls;
    out[offset + kept] = SPECIAL_TOKENS.sep;
  }
  return out;
}

/**
 * Encodes every sequence with `ids` and frames it (see TokenEncodeOptions) into a `[N, T]`
 * int64 tensor; an InputError names the sequence (1-based) it came from.
 */
export function encodeTokenBatch(seqs: readonly string[], ids: (seq: string) => Int32Array, options: TokenEncodeOptions): Tensor {
  checkEncodeOptions(options);
  return tokenRowsToTensor(
    seqs.map((s, n) => {
      try {
        return frameTokens(ids(s), options);
      } catch (e) {
        if (e instanceof InputError) throw new InputError(`sequence ${n + 1}: ${e.message}`, { cause: e });
        throw e;
      }
    }),
  );
}

/** Stacks id rows into a `[N, T]` int64 tensor, padding with [PAD] to T = the longest row. */
export function tokenRowsToTensor(rows: readonly Int32Array[]): Tensor {
  if (rows.length === 0) throw new InputError('expected at least one sequence');
  const T = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const flat = new Int32Array(rows.length * T);
  rows.forEach((r, n) => flat.set(r, n * T));
  const int32 = tensor(flat, [rows.length, T]);
  try {
    return int32.toDType('int64');
  } finally {
    int32.dispose();
  }
}

/** Reads id `i` of an id row as a number, checking it is an integer id below `vocabSize`. */
export function readTokenId(ids: ArrayLike<number> | ArrayLike<bigint>, i: number, vocabSize: number): number {
  const id = Number(ids[i]);
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new InputError(`expected token ids in [0, ${vocabSize}), got ${String(ids[i])} at index ${i}`);
  }
  return id;
}

/**
 * The sequence a row of ids stands for, token strings joined: [PAD], [CLS] and [SEP] are
 * skipped, [UNK] and [MASK] read as one `unknown` character each.
 */
export function joinTokenStrings(ids: ArrayLike<number> | ArrayLike<bigint>, vocabulary: readonly string[], unknown: string): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = readTokenId(ids, i, vocabulary.length);
    if (id === SPECIAL_TOKENS.pad || id === SPECIAL_TOKENS.cls || id === SPECIAL_TOKENS.sep) continue;
    out.push(id === SPECIAL_TOKENS.unk || id === SPECIAL_TOKENS.mask ? unknown : vocabulary[id]!);
  }
  return out.join('');
}
