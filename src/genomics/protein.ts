/**
 * Protein sequences: one-hot and integer tokens over the 20 standard amino acids in
 * A, C, D, E, F, G, H, I, K, L, M, N, P, Q, R, S, T, V, W, Y order plus X for unknown.
 *
 * Lower case reads as upper case. The non-standard or ambiguous codes B (Asx: D or N),
 * Z (Glx: E or Q), J (Leu or Ile), U (selenocysteine), O (pyrrolysine) and X all map to X.
 * Any other character (stop '*', gap '-', digits, spaces) is an InputError: strip it first.
 */
import { tensor } from '../core/create.js';
import { InputError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { decodeChannels } from './decode.js';
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
} from './tokenizers/tokens.js';

/** The 20 standard amino acids in channel order. */
export const AMINO_ACIDS = 'ACDEFGHIKLMNPQRSTVWY';

/** The 21 protein channels: the 20 amino acids, then X (unknown) as channel 20. */
export const PROTEIN_ALPHABET = `${AMINO_ACIDS}X`;

const UNKNOWN_CHANNEL = 20;

const CHANNEL = new Int8Array(256).fill(-1); // -1 invalid, else 0..20
for (const [i, a] of [...PROTEIN_ALPHABET].entries()) {
  CHANNEL[a.charCodeAt(0)] = i;
  CHANNEL[a.toLowerCase().charCodeAt(0)] = i;
}
for (const a of 'BZJUObzjuo') CHANNEL[a.charCodeAt(0)] = UNKNOWN_CHANNEL;

/** Channel 0..20 of each residue of `seq`; throws InputError naming the first invalid character. */
function proteinChannels(seq: string): Uint8Array {
  const out = new Uint8Array(seq.length);
  for (let i = 0; i < seq.length; i++) {
    const code = seq.charCodeAt(i);
    const ch = code < 256 ? CHANNEL[code]! : -1;
    if (ch < 0) throw new InputError(`invalid amino-acid character '${seq[i]}' at position ${i + 1}`);
    out[i] = ch;
  }
  return out;
}

/**
 * One-hot codes of equal-length protein sequences.
 * @returns `[N, 21, L]` float32, channels in PROTEIN_ALPHABET order (X = channel 20).
 */
export function proteinOneHot(seqs: readonly string[]): Tensor {
  if (seqs.length === 0) throw new InputError('expected at least one sequence');
  const L = seqs[0]!.length;
  const C = PROTEIN_ALPHABET.length;
  const out = new Float32Array(seqs.length * C * L);
  seqs.forEach((s, n) => {
    if (s.length !== L) throw new InputError(`expected sequences of length ${L}, got ${s.length} for sequence ${n + 1}`);
    let channels: Uint8Array;
    try {
      channels = proteinChannels(s);
    } catch (e) {
      throw new InputError(`sequence ${n + 1}: ${(e as Error).message}`, { cause: e });
    }
    const base = n * C * L;
    for (let i = 0; i < L; i++) out[base + channels[i]! * L + i] = 1;
  });
  return tensor(out, [seqs.length, C, L]);
}

/**
 * Protein strings from `[N, 21, L]` (or `[21, L]`) one-hot or probability tensors: each column
 * becomes its largest channel; columns without a unique largest channel (e.g. all zero) are 'X'.
 */
export function decodeProteinOneHot(x: Tensor): string[] {
  return decodeChannels(x, PROTEIN_ALPHABET, 'X');
}

/**
 * One token a residue. Ids: the special tokens [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3,
 * [MASK]=4, then A=5, C=6, ..., Y=24 in AMINO_ACIDS order, and X=25 (vocabSize 26).
 */
export class ProteinTokenizer implements SequenceTokenizer {
  readonly vocabSize = SPECIAL_TOKEN_COUNT + PROTEIN_ALPHABET.length;

  /** Token strings indexed by id. */
  vocabulary(): string[] {
    return [...SPECIAL_TOKEN_NAMES, ...PROTEIN_ALPHABET];
  }

  /** Ids of the residues of `seq`, framed by `options` (see TokenEncodeOptions). */
  encode(seq: string, options: TokenEncodeOptions = {}): Int32Array {
    checkEncodeOptions(options);
    return frameTokens(this.#ids(seq), options);
  }

  /** `[N, T]` int64 ids; T is `options.length` or the longest row (others padded with [PAD]). */
  encodeBatch(seqs: readonly string[], options: TokenEncodeOptions = {}): Tensor {
    return encodeTokenBatch(seqs, (s) => this.#ids(s), options);
  }

  /** The protein a row of ids stands for: [PAD], [CLS], [SEP] skipped; [UNK] and [MASK] read as 'X'. */
  decode(ids: ArrayLike<number> | ArrayLike<bigint>): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = readTokenId(ids, i, this.vocabSize);
      if (id === SPECIAL_TOKENS.pad || id === SPECIAL_TOKENS.cls || id === SPECIAL_TOKENS.sep) continue;
      out.push(id >= SPECIAL_TOKEN_COUNT ? PROTEIN_ALPHABET[id - SPECIAL_TOKEN_COUNT]! : 'X');
    }
    return out.join('');
  }

  /** Token t covers residue t: `[t, t + 1)`. */
  offsets(seq: string): TokenOffsets {
    const { length } = proteinChannels(seq);
    return { starts: Int32Array.from({ length }, (_, i) => i), ends: Int32Array.from({ length }, (_, i) => i + 1) };
  }

  describe(): { kind: 'protein' } {
    return { kind: 'protein' };
  }

  #ids(seq: string): Int32Array {
    const channels = proteinChannels(seq);
    const out = new Int32Array(channels.length);
    for (let i = 0; i < channels.length; i++) out[i] = SPECIAL_TOKEN_COUNT + channels[i]!;
    return out;
  }
}
