/**
 * Self-supervised targets for genomic language models, on rows of token ids:
 * - masked LM (BERT / DNABERT / GPN): about `rate` of the scorable tokens are chosen; of those
 *   80% become [MASK], 10% a random ordinary token, 10% stay (or all become [MASK], for
 *   held-out scores); only chosen tokens are scored.
 *   With overlapping k-mers (`span` = k) whole runs of k tokens are chosen, so every chosen
 *   token holds a base that no unchosen token covers (one masked k-mer alone could be read off
 *   its neighbours).
 * - causal LM (HyenaDNA): the input is the row without its last token, the target the row
 *   without its first; every ordinary target is scored.
 * Targets are the original ids (IGNORE where not scored) with a weight per token: 1, or
 * `softMaskedWeight` for tokens of lower-case (soft-masked repeat) bases, as GPN down-weights them.
 */
import { InputError } from '../core/index.js';
import { SPECIAL_TOKEN_COUNT, SPECIAL_TOKENS } from '../genomics/tokenizers/tokens.js';
import type { Random } from './random.js';

/** Target id of a position that is not scored (cross-entropy's ignore_index). */
export const IGNORE = -100;

export interface MaskingOptions {
  /** Fraction of scorable tokens chosen. Default 0.15. */
  rate?: number;
  /** Length of a chosen run of tokens (k for overlapping k-mers). Default 1. */
  span?: number;
  /** Number of ids (specials, then ordinary tokens from SPECIAL_TOKEN_COUNT); random replacements are ordinary tokens. */
  vocabSize: number;
  /** Weight of a token whose bases are soft-masked. Default 1. */
  softMaskedWeight?: number;
  /**
   * Replace 10% of the chosen tokens by a random token and keep 10% (BERT's recipe, for
   * training). False masks every chosen token, so a held-out score is a masked-base score.
   * Default true.
   */
  replaceSome?: boolean;
}

export interface MaskedRows {
  /** Ids fed to the model, [rows * T]. */
  input: Int32Array;
  /** Ids to predict (IGNORE where not scored), [rows * T']. */
  target: Int32Array;
  /** 0 where not scored, else the token's weight, [rows * T']. */
  weight: Float32Array;
}

/** Ordinary tokens are scored; [PAD], [UNK] (N), [CLS], [SEP] and [MASK] never are. */
const scorable = (id: number) => id >= SPECIAL_TOKEN_COUNT;

function checkRate(rate: number): void {
  if (!(rate > 0 && rate < 1)) throw new InputError(`expected a masking rate in (0, 1), got ${rate}`);
}

/**
 * Masked-LM rows: `ids` holds `rows` rows of T tokens; `softMasked` (optional, same length)
 * flags tokens of lower-case bases.
 */
export function maskTokens(ids: Int32Array, rows: number, random: Random, options: MaskingOptions, softMasked?: Uint8Array): MaskedRows {
  const { rate = 0.15, span = 1, vocabSize, softMaskedWeight = 1, replaceSome = true } = options;
  checkRate(rate);
  if (!Number.isInteger(span) || span < 1) throw new InputError(`expected a mask span of at least 1 token, got ${span}`);
  if (ids.length % rows !== 0) throw new InputError(`expected ${rows} rows of equal length, got ${ids.length} ids`);
  const T = ids.length / rows;
  const ordinary = vocabSize - SPECIAL_TOKEN_COUNT;
  const input = Int32Array.from(ids);
  const target = new Int32Array(ids.length).fill(IGNORE);
  const weight = new Float32Array(ids.length);
  const chosen = new Uint8Array(T);
  // A run starts with probability p so that runs of `span` cover about `rate` of the row
  // (1 - (1 - p)^span = rate), overlaps included.
  const start = 1 - Math.pow(1 - rate, 1 / span);
  for (let r = 0; r < rows; r++) {
    const o = r * T;
    chosen.fill(0);
    for (let t = 0; t < T; t++) {
      if (random.next() < start) for (let j = t; j < Math.min(T, t + span); j++) chosen[j] = 1;
    }
    for (let t = 0; t < T; t++) {
      const id = ids[o + t]!;
      if (!chosen[t] || !scorable(id)) continue;
      target[o + t] = id;
      weight[o + t] = softMasked?.[o + t] ? softMaskedWeight : 1;
      const u = replaceSome ? random.next() : 0;
      if (u < 0.8) input[o + t] = SPECIAL_TOKENS.mask;
      else if (u < 0.9) input[o + t] = SPECIAL_TOKEN_COUNT + random.int(ordinary);
    }
  }
  return { input, target, weight };
}

/** Causal-LM rows: input [rows * (T - 1)] (all but the last token), target the next token of each. */
export function shiftTokens(ids: Int32Array, rows: number, options: Pick<MaskingOptions, 'softMaskedWeight'>, softMasked?: Uint8Array): MaskedRows {
  const { softMaskedWeight = 1 } = options;
  if (ids.length % rows !== 0) throw new InputError(`expected ${rows} rows of equal length, got ${ids.length} ids`);
  const T = ids.length / rows;
  if (T < 2) throw new InputError(`expected rows of at least 2 tokens for a causal LM, got ${T}`);
  const input = new Int32Array(rows * (T - 1));
  const target = new Int32Array(rows * (T - 1)).fill(IGNORE);
  const weight = new Float32Array(rows * (T - 1));
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < T - 1; t++) {
      const o = r * (T - 1) + t;
      input[o] = ids[r * T + t]!;
      const next = ids[r * T + t + 1]!;
      if (!scorable(next)) continue;
      target[o] = next;
      weight[o] = softMasked?.[r * T + t + 1] ? softMaskedWeight : 1;
    }
  }
  return { input, target, weight };
}
