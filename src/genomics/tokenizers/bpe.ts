/**
 * Byte-pair-encoding tokens of DNA (DNABERT-2 style), from merges learned by `trainBpe`.
 *
 * Vocabulary: the special tokens [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then A=5, C=6,
 * G=7, T=8, then one token per merge in learned order: merge r joins two earlier tokens into
 * the new token 9 + r (every merge makes a token not in the vocabulary before it).
 *
 * Encoding is the standard BPE encode: start from single bases and apply merges in learned
 * order, each to its pairs left to right (lowest rank first, then leftmost), which segments a
 * training sequence exactly as training did. Lower case reads as upper case, RNA U as T; N and
 * the other IUPAC codes are one [UNK] each and no token spans them. Decoding gives N for [UNK]
 * (and one N for [MASK]).
 */
import { InputError } from '../../core/errors.js';
import { DNA_ALPHABET } from '../one-hot.js';
import { AMBIGUOUS, baseCodeAt } from './dna-codes.js';
import {
  SPECIAL_TOKEN_COUNT,
  SPECIAL_TOKEN_NAMES,
  SPECIAL_TOKENS,
} from './tokens.js';
import { TilingTokenizer, type TiledTokens } from './tiling-tokenizer.js';

/** Two tokens joined into a new one, as strings: `['AC', 'GT']` makes 'ACGT'. */
export type BpeMerge = readonly [left: string, right: string];

/** Id of the first merged token: after the special tokens and A, C, G, T. */
export const FIRST_MERGE_ID = SPECIAL_TOKEN_COUNT + DNA_ALPHABET.length;

/** Largest vocabulary (ids of a pair must fit one safe integer key). */
export const MAX_BPE_VOCAB_SIZE = 1 << 20;

/** What is wrong with a list of merges, and where (`path` inside the list); undefined when nothing is. */
export interface BpeMergeProblem {
  path: (string | number)[];
  problem: string;
}

/** Checks that each merge joins two tokens made before it into a token not made before. */
export function findMergeProblem(merges: readonly BpeMerge[]): BpeMergeProblem | undefined {
  if (FIRST_MERGE_ID + merges.length > MAX_BPE_VOCAB_SIZE) {
    return { path: [], problem: `expected at most ${MAX_BPE_VOCAB_SIZE - FIRST_MERGE_ID} merges, got ${merges.length}` };
  }
  const known = new Set<string>(DNA_ALPHABET);
  for (const [r, merge] of merges.entries()) {
    for (const side of [0, 1] as const) {
      if (!known.has(merge[side])) return { path: [r, side], problem: `'${merge[side]}' is not A, C, G, T or a token of an earlier merge` };
    }
    const token = merge[0] + merge[1];
    if (known.has(token)) return { path: [r], problem: `'${merge[0]}' + '${merge[1]}' makes '${token}', which an earlier merge or base already is` };
    known.add(token);
  }
  return undefined;
}

/** Token strings indexed by id: the 5 special tokens, A, C, G, T, then the merged tokens in merge order. */
function bpeVocabulary(merges: readonly BpeMerge[]): string[] {
  const bad = findMergeProblem(merges);
  if (bad !== undefined) throw new InputError(`${['merges', ...bad.path].join('.')}: ${bad.problem}`);
  return [...SPECIAL_TOKEN_NAMES, ...DNA_ALPHABET, ...merges.map(([left, right]) => left + right)];
}

/** Each token covers as many bases as its string has, [UNK] one. */
export class BpeTokenizer extends TilingTokenizer {
  readonly merges: readonly BpeMerge[];
  readonly #tokenLength: Int32Array;
  readonly #mergeLeft: Int32Array;
  readonly #mergeRight: Int32Array;
  /** Rank of the merge of (left, right), keyed by `left * vocabSize + right`. */
  readonly #rank: Map<number, number>;

  /** Throws InputError when a merge does not join two earlier tokens into a new one (see findMergeProblem). */
  constructor(merges: readonly BpeMerge[]) {
    const vocabulary = bpeVocabulary(merges);
    super(vocabulary);
    this.merges = merges.map(([left, right]) => [left, right] as const);
    this.#rank = new Map<number, number>();
    this.#tokenLength = Int32Array.from(vocabulary, (token, id) => (id < SPECIAL_TOKEN_COUNT ? 1 : token.length));
    const idOf = new Map(vocabulary.map((token, id) => [token, id]));
    this.#mergeLeft = Int32Array.from(merges, ([left]) => idOf.get(left)!);
    this.#mergeRight = Int32Array.from(merges, ([, right]) => idOf.get(right)!);
    for (let r = 0; r < merges.length; r++) this.#rank.set(this.#mergeLeft[r]! * this.vocabSize + this.#mergeRight[r]!, r);
  }

  describe(): { kind: 'bpe'; vocabulary: string[]; merges: [string, string][] } {
    return { kind: 'bpe', vocabulary: this.vocabulary(), merges: this.merges.map(([left, right]) => [left, right]) };
  }

  /**
   * BPE over the whole sequence at once: a linked list of tokens (a position holds the token
   * starting there; ambiguous bases break the links) and one bucket of positions per merge
   * rank. A merge of rank r makes token 9 + r, and every merge using that token has a higher
   * rank, so the buckets can be emptied in rank order, each in position order; a position whose
   * pair has changed since it was queued is skipped.
   */
  protected tokenize(seq: string): TiledTokens {
    const L = seq.length;
    const tok = new Int32Array(L);
    const next = new Int32Array(L).fill(-1);
    const prev = new Int32Array(L).fill(-1);
    for (let i = 0; i < L; i++) {
      const code = baseCodeAt(seq, i);
      tok[i] = code === AMBIGUOUS ? SPECIAL_TOKENS.unk : SPECIAL_TOKEN_COUNT + code;
      if (i > 0 && tok[i] !== SPECIAL_TOKENS.unk && tok[i - 1] !== SPECIAL_TOKENS.unk) {
        next[i - 1] = i;
        prev[i] = i - 1;
      }
    }
    const V = this.vocabSize;
    const buckets: number[][] = [];
    const queue = (i: number) => {
      const rank = this.#rank.get(tok[i]! * V + tok[next[i]!]!);
      if (rank === undefined) return;
      const bucket = buckets[rank];
      if (bucket === undefined) buckets[rank] = [i];
      else bucket.push(i);
    };
    for (let i = 0; i < L; i++) if (next[i]! >= 0) queue(i);
    for (let rank = 0; rank < this.merges.length; rank++) {
      const positions = buckets[rank];
      if (positions === undefined) continue;
      buckets[rank] = [];
      if (!isAscending(positions)) positions.sort((a, b) => a - b);
      const left = this.#mergeLeft[rank];
      const right = this.#mergeRight[rank];
      for (let n = 0; n < positions.length; n++) {
        const i = positions[n]!;
        const j = next[i]!;
        if (tok[i] !== left || j < 0 || tok[j] !== right) continue;
        tok[i] = FIRST_MERGE_ID + rank;
        tok[j] = -1;
        const q = next[j]!;
        next[i] = q;
        if (q >= 0) {
          prev[q] = i;
          queue(i);
        }
        if (prev[i]! >= 0) queue(prev[i]!);
      }
    }
    let count = 0;
    for (let i = 0; i < L; i++) if (tok[i]! >= 0) count++;
    const ids = new Int32Array(count);
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    for (let i = 0, t = 0; i < L; i++) {
      if (tok[i]! < 0) continue;
      ids[t] = tok[i]!;
      starts[t] = i;
      ends[t++] = i + this.#tokenLength[tok[i]!]!;
    }
    return { ids, starts, ends };
  }
}

function isAscending(values: readonly number[]): boolean {
  for (let n = 1; n < values.length; n++) if (values[n - 1]! > values[n]!) return false;
  return true;
}
