/**
 * Token rows of language-model windows for any tokenizer: ids, a soft-mask flag per token (most
 * of its bases lower case) and the bases each token stands for. Single nucleotides take a byte
 * lookup; other tokenizers read the window as text. Rows of different lengths (non-overlapping
 * k-mers around N, BPE) are padded with [PAD], which is never scored.
 */
import { NUCLEOTIDE_VOCAB_SIZE, nucleotideIdsOfBytes } from '../nucleotide-bytes.js';
import type { TokenizerDescription } from './description.js';
import type { SequenceTokenizer } from './tokens.js';

export interface TokenRows {
  /** [rows * width] ids, [PAD] after a row's end. */
  ids: Int32Array;
  /** [rows * width] 1 where most of the token's bases are lower case (soft-masked). */
  softMasked: Uint8Array;
  /** [rows * width] bases the token stands for (0 for padding). */
  bases: Uint8Array;
  /** [rows * width] the token's first base in its window (-1 for padding). */
  starts: Int32Array;
  width: number;
}

/** True for the one-base-a-token vocabulary every nucleotide LM shares. */
export function isNucleotideTokenizer(tokenizer: SequenceTokenizer | undefined): boolean {
  return tokenizer === undefined || tokenizer.describe().kind === 'nucleotide';
}

/**
 * Tokens a masked run must span so that a base of its middle is covered by masked tokens only:
 * ceil(k / stride) for overlapping k-mers (DNABERT masks k contiguous 6-mers), else 1.
 */
export function maskSpanOf(description: TokenizerDescription): number {
  return description.kind === 'kmer' ? Math.ceil(description.k / (description.stride ?? 1)) : 1;
}

/** Whether every base is in exactly one token, so bits per token sum to bits per base. */
export function tokensTileBases(description: TokenizerDescription): boolean {
  return description.kind !== 'kmer' || (description.stride ?? 1) === description.k;
}

export function tokenRowsOfWindows(windows: readonly Uint8Array[], tokenizer: SequenceTokenizer | undefined): TokenRows {
  if (isNucleotideTokenizer(tokenizer)) {
    const width = windows.reduce((m, w) => Math.max(m, w.length), 0);
    const ids = new Int32Array(windows.length * width);
    const softMasked = new Uint8Array(windows.length * width);
    const bases = new Uint8Array(windows.length * width);
    const starts = new Int32Array(windows.length * width).fill(-1);
    windows.forEach((w, i) => {
      nucleotideIdsOfBytes(w, ids, softMasked, i * width);
      bases.fill(1, i * width, i * width + w.length);
      for (let b = 0; b < w.length; b++) starts[i * width + b] = b;
    });
    return { ids, softMasked, bases, starts, width };
  }
  const rows = windows.map((w) => {
    const text = Buffer.from(w.buffer, w.byteOffset, w.length).toString('latin1');
    const { starts, ends } = tokenizer!.offsets(text);
    const soft = new Uint8Array(starts.length);
    const bases = new Uint8Array(starts.length);
    for (let t = 0; t < starts.length; t++) {
      let lower = 0;
      for (let b = starts[t]!; b < ends[t]!; b++) if (w[b]! >= 97) lower++;
      bases[t] = ends[t]! - starts[t]!;
      soft[t] = 2 * lower > bases[t]! ? 1 : 0;
    }
    return { ids: tokenizer!.encode(text), soft, bases, starts };
  });
  const width = rows.reduce((m, r) => Math.max(m, r.ids.length), 0);
  const size = rows.length * width;
  const out: TokenRows = { ids: new Int32Array(size), softMasked: new Uint8Array(size), bases: new Uint8Array(size), starts: new Int32Array(size).fill(-1), width };
  rows.forEach((r, i) => {
    out.ids.set(r.ids, i * width);
    out.starts.set(r.starts, i * width);
    out.softMasked.set(r.soft, i * width);
    out.bases.set(r.bases, i * width);
  });
  return out;
}

/** The vocabulary size an LM over `tokenizer` needs. */
export function vocabSizeOf(tokenizer: SequenceTokenizer | undefined): number {
  return tokenizer?.vocabSize ?? NUCLEOTIDE_VOCAB_SIZE;
}
