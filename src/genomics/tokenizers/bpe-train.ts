/**
 * Learning BPE merges from DNA (DNABERT-2 style): start from the bases A, C, G, T and
 * repeatedly join the most frequent adjacent pair of tokens into a new token.
 *
 * Each sequence is read on its own, and N (or any IUPAC code) breaks it, so no token spans a
 * sequence boundary or an N. Lower case reads as upper case, RNA U as T. Pairs are counted at
 * every position (a run AAA holds two AA pairs) and a chosen pair is merged left to right, as
 * `BpeTokenizer.encode` does. Ties in frequency go to the pair with the smaller left token id,
 * then the smaller right token id, so training is deterministic. A pair whose joined string is
 * already a token (AC + G after A + CG), or longer than `maxTokenLength`, is never merged.
 */
import { InputError } from '../../core/errors.js';
import { DNA_ALPHABET } from '../one-hot.js';
import { BpeTokenizer, FIRST_MERGE_ID, MAX_BPE_VOCAB_SIZE, type BpeMerge } from './bpe.js';
import { AMBIGUOUS, baseCodeAt } from './dna-codes.js';
import { PairHeap, type HeapEntry } from './pair-heap.js';
import { SPECIAL_TOKEN_COUNT } from './tokens.js';

export interface BpeTrainOptions {
  /** Ids wanted in all: the 5 special tokens, A, C, G, T and one per merge; at least 9. */
  vocabSize: number;
  /** Longest token, in bases. Default: no limit. */
  maxTokenLength?: number;
  /** Fewest occurrences of a pair for it to be merged; training ends earlier when no pair has that many. Default 2. */
  minFrequency?: number;
  /** Called after each merge with the vocabulary size so far. */
  onProgress?: (vocabSize: number) => void;
}

export interface BpeTrainResult {
  tokenizer: BpeTokenizer;
  /** A/C/G/T bases learned from (N and other IUPAC codes not counted). */
  bases: number;
  /** Tokens those bases are encoded in with the learned merges (bases / tokens is the mean token length). */
  tokens: number;
}

/** Learns merges from `sequences` (strings of DNA; see the module comment). */
export function trainBpe(sequences: Iterable<string>, options: BpeTrainOptions): BpeTrainResult {
  const { vocabSize } = options;
  const maxTokenLength = options.maxTokenLength ?? Number.POSITIVE_INFINITY;
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(vocabSize) || vocabSize < FIRST_MERGE_ID || vocabSize > MAX_BPE_VOCAB_SIZE) {
    throw new InputError(`expected vocabSize to be an integer in ${FIRST_MERGE_ID}..${MAX_BPE_VOCAB_SIZE}, got ${vocabSize}`);
  }
  if (options.maxTokenLength !== undefined && (!Number.isInteger(maxTokenLength) || maxTokenLength < 2)) {
    throw new InputError(`expected maxTokenLength to be an integer >= 2, got ${maxTokenLength}`);
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1) throw new InputError(`expected minFrequency to be a positive integer, got ${minFrequency}`);

  const corpus = linkedBases(sequences);
  const { tok, next, prev } = corpus;
  const V = vocabSize;
  const strings: string[] = [...DNA_ALPHABET];
  const idOfString = new Map(strings.map((s, i) => [s, SPECIAL_TOKEN_COUNT + i]));
  const stringOf = (id: number) => strings[id - SPECIAL_TOKEN_COUNT]!;
  const counts = new Map<number, number>();
  const occurrences = new Map<number, number[]>();
  const touched = new Set<number>();
  const never = new Set<number>();
  const add = (key: number, at: number) => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const list = occurrences.get(key);
    if (list === undefined) occurrences.set(key, [at]);
    else list.push(at);
    touched.add(key);
  };
  const remove = (key: number) => {
    counts.set(key, counts.get(key)! - 1);
    touched.add(key);
  };
  for (let i = 0; i < corpus.length; i++) if (next[i]! >= 0) add(tok[i]! * V + tok[next[i]!]!, i);

  const heap = new PairHeap();
  const pushTouched = () => {
    for (const key of touched) {
      const count = counts.get(key)!;
      if (count > 0 && !never.has(key)) heap.push(-count, key);
    }
    touched.clear();
  };
  pushTouched();

  const merges: BpeMerge[] = [];
  const entry: HeapEntry = { priority: 0, value: 0 };
  let tokens = corpus.length;
  while (FIRST_MERGE_ID + merges.length < vocabSize && heap.pop(entry)) {
    const key = entry.value;
    const count = counts.get(key) ?? 0;
    if (never.has(key)) continue;
    if (count !== -entry.priority) {
      if (count > 0 && count < -entry.priority) heap.push(-count, key);
      continue;
    }
    if (count < minFrequency) break;
    const left = Math.floor(key / V);
    const right = key - left * V;
    const joined = stringOf(left) + stringOf(right);
    if (joined.length > maxTokenLength || idOfString.has(joined)) {
      never.add(key);
      continue;
    }
    const id = FIRST_MERGE_ID + merges.length;
    merges.push([stringOf(left), stringOf(right)]);
    strings.push(joined);
    idOfString.set(joined, id);

    const positions = occurrences.get(key)!.sort((a, b) => a - b);
    occurrences.delete(key);
    for (let n = 0; n < positions.length; n++) {
      const i = positions[n]!;
      const j = next[i]!;
      if (tok[i] !== left || j < 0 || tok[j] !== right) continue;
      const p = prev[i]!;
      const q = next[j]!;
      if (p >= 0) remove(tok[p]! * V + left);
      if (q >= 0) remove(right * V + tok[q]!);
      tok[i] = id;
      tok[j] = -1;
      next[i] = q;
      if (q >= 0) prev[q] = i;
      if (p >= 0) add(tok[p]! * V + id, p);
      if (q >= 0) add(id * V + tok[q]!, i);
      tokens--;
    }
    counts.delete(key);
    touched.delete(key);
    pushTouched();
    options.onProgress?.(FIRST_MERGE_ID + merges.length);
  }
  return { tokenizer: new BpeTokenizer(merges), bases: corpus.length, tokens };
}

interface LinkedBases {
  /** Number of A/C/G/T bases. */
  length: number;
  /** Token id at each base (bases first: A = 5 ... T = 8); -1 once merged into the token on its left. */
  tok: Int32Array;
  /** Position of the next token in the same N-free stretch, or -1. */
  next: Int32Array;
  /** Position of the previous token in the same N-free stretch, or -1. */
  prev: Int32Array;
}

/** The A/C/G/T bases of all sequences in one linked list, broken at sequence ends and ambiguous bases. */
function linkedBases(sequences: Iterable<string>): LinkedBases {
  const all = Array.from(sequences);
  const total = all.reduce((n, s) => n + s.length, 0);
  const tok = new Int32Array(total);
  const next = new Int32Array(total).fill(-1);
  const prev = new Int32Array(total).fill(-1);
  let length = 0;
  all.forEach((seq, n) => {
    let linked = false;
    for (let i = 0; i < seq.length; i++) {
      let code: number;
      try {
        code = baseCodeAt(seq, i);
      } catch (e) {
        throw new InputError(`sequence ${n + 1}: ${(e as Error).message}`, { cause: e });
      }
      if (code === AMBIGUOUS) {
        linked = false;
        continue;
      }
      tok[length] = SPECIAL_TOKEN_COUNT + code;
      if (linked) {
        next[length - 1] = length;
        prev[length] = length - 1;
      }
      linked = true;
      length++;
    }
  });
  return { length, tok, next, prev };
}
