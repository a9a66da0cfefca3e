/**
 * Zero-shot variant effects from a genomic language model, no labels needed:
 * - `llr` (GPN): log P(ALT) - log P(REF) at the variant's position, masked, from a masked LM's
 *   distribution over A, C, G, T (renormalised over the four bases); for a causal LM, the
 *   log-likelihood of the ALT window minus the REF window's. Both strands averaged by default
 *   (the reverse-complement window, masked at the mirrored position, complemented bases).
 * - embedding distance (Nucleotide Transformer): cosine and L2 distance between the mean
 *   encoder embeddings of the REF and ALT windows, for any allele.
 * Windows are ASCII bytes with the variant at `center`.
 */
import { inferenceMode, InputError, tensor, tidy } from '../core/index.js';
import { isNucleotideTokenizer, tokenRowsOfWindows } from '../genomics/tokenizers/token-rows.js';
import type { SequenceTokenizer } from '../genomics/tokenizers/tokens.js';
import { reverseComplementBytes } from '../genomics/nucleotide-bytes.js';
import type { LanguageModel } from '../models/language-model.js';
import { maskedBaseLogProbs, tokenIdsOfWindows } from '../models/lm-predictions.js';
import * as ops from '../ops/index.js';

const BASE_INDEX: Readonly<Record<string, number>> = { A: 0, C: 1, G: 2, T: 3 };
const COMPLEMENT_INDEX = [3, 2, 1, 0];

export interface SnvQuery {
  /** Window bases (REF allele at `center`). */
  window: Uint8Array;
  center: number;
  ref: string;
  alt: string;
}

function baseIndex(base: string, what: string): number {
  const i = BASE_INDEX[base.toUpperCase()];
  if (i === undefined) throw new InputError(`expected ${what} to be one base A, C, G or T, got '${base}'`);
  return i;
}

/** Sum of log P(token t | tokens < t) over each window (causal LM), from position `from` on. */
function causalLogLikelihoods(model: LanguageModel, windows: readonly Uint8Array[], from: number): Float64Array {
  return tidy(() => {
    const ids = tokenIdsOfWindows(windows);
    const L = ids.shape[1]!;
    const logp = ops.logSoftmax(model.forward(ids), 2); // [N, L, V]
    const next = ops.gather(ops.narrow(logp, 1, 0, L - 1), 2, ops.narrow(ids, 1, 1, L - 1).unsqueeze(2)).squeezeDim(2); // [N, L-1]
    const values = ops.sumDimIntList(ops.narrow(next, 1, Math.max(0, from - 1), L - Math.max(1, from)), [1]).toDType('float64').data<Float64Array>();
    return values;
  });
}

export interface LlrOptions {
  /** Average the forward and reverse-complement strands. Default true. */
  bothStrands?: boolean;
  batchSize?: number;
}

/** `llr` of each SNV (see the module comment); REF must match the window's base at `center`. */
export function snvLogLikelihoodRatios(model: LanguageModel, queries: readonly SnvQuery[], options: LlrOptions = {}): Float64Array {
  const { bothStrands = true, batchSize = 64 } = options;
  const out = new Float64Array(queries.length);
  for (const [i, q] of queries.entries()) {
    const refBase = String.fromCharCode(q.window[q.center] ?? 0).toUpperCase();
    if (refBase !== q.ref.toUpperCase()) throw new InputError(`variant ${i + 1}: REF '${q.ref}' does not match the window's base '${refBase}'`);
    baseIndex(q.alt, 'ALT');
  }
  inferenceMode(() => {
    for (let start = 0; start < queries.length; start += batchSize) {
      const batch = queries.slice(start, start + batchSize);
      const strands: { windows: Uint8Array[]; positions: number[]; complement: boolean }[] = [
        { windows: batch.map((q) => q.window), positions: batch.map((q) => q.center), complement: false },
      ];
      if (bothStrands) strands.push({ windows: batch.map((q) => reverseComplementBytes(q.window)), positions: batch.map((q) => q.window.length - 1 - q.center), complement: true });
      for (const s of strands) {
        if (model.causal) {
          const altWindows = s.windows.map((w, k) => {
            const copy = Uint8Array.from(w);
            const alt = baseIndex(batch[k]!.alt, 'ALT');
            copy[s.positions[k]!] = 'ACGT'.charCodeAt(s.complement ? COMPLEMENT_INDEX[alt]! : alt);
            return copy;
          });
          const from = Math.min(...s.positions);
          const ref = causalLogLikelihoods(model, s.windows, from);
          const alt = causalLogLikelihoods(model, altWindows, from);
          batch.forEach((_, k) => (out[start + k]! += (alt[k]! - ref[k]!) / strands.length));
          continue;
        }
        const logp = maskedBaseLogProbs(model, s.windows, s.positions);
        batch.forEach((q, k) => {
          let r = baseIndex(q.ref, 'REF');
          let a = baseIndex(q.alt, 'ALT');
          if (s.complement) [r, a] = [COMPLEMENT_INDEX[r]!, COMPLEMENT_INDEX[a]!];
          out[start + k]! += (logp[k * 4 + a]! - logp[k * 4 + r]!) / strands.length;
        });
      }
    }
  });
  return out;
}

export interface EmbeddingDistance {
  cosine: number;
  l2: number;
}

/** How the encoder's hidden states of a window become its embedding: averaged or maximised over its tokens, or kept per token. */
export type EmbeddingPooling = 'mean' | 'max' | 'none';

function tokenRowsOf(windows: readonly Uint8Array[], tokenizer: SequenceTokenizer | undefined): Int32Array[] {
  if (isNucleotideTokenizer(tokenizer)) return windows.map((w) => tokenRowsOfWindows([w], undefined).ids);
  return windows.map((w) => tokenizer!.encode(Buffer.from(w.buffer, w.byteOffset, w.length).toString('latin1')));
}

/**
 * Embeddings of windows: [N, hiddenSize] row-major when pooled, [N, tokens, hiddenSize] with
 * pooling 'none' (every window must then have the same number of tokens). Windows are single-
 * nucleotide tokens unless `tokenizer` says otherwise; windows of different token counts go
 * through the encoder apart, so no window sees another's padding.
 */
export function windowEmbeddings(model: LanguageModel, windows: readonly Uint8Array[], tokenizer?: SequenceTokenizer, pooling: EmbeddingPooling = 'mean'): { values: Float32Array; tokens: number } {
  const D = model.hiddenSize;
  const rows = tokenRowsOf(windows, tokenizer);
  const byLength = new Map<number, number[]>();
  rows.forEach((r, i) => {
    if (r.length === 0) throw new InputError(`window ${i + 1} has no tokens (${windows[i]!.length} bases)`);
    byLength.set(r.length, [...(byLength.get(r.length) ?? []), i]);
  });
  if (pooling === 'none' && byLength.size > 1) {
    const [first, other] = [...byLength.keys()];
    throw new InputError(`per-token embeddings need windows of one token count; window ${byLength.get(other!)![0]! + 1} has ${other}, window 1 has ${first}`);
  }
  const tokens = rows[0]?.length ?? 0;
  const width = pooling === 'none' ? tokens * D : D;
  const out = new Float32Array(windows.length * width);
  for (const [length, members] of byLength) {
    const ids = new Int32Array(members.length * length);
    members.forEach((i, k) => ids.set(rows[i]!, k * length));
    const values = inferenceMode(() =>
      tidy(() => {
        const hidden = model.encode(tensor(ids, [members.length, length]).toDType('int64'));
        const pooled = pooling === 'mean' ? hidden.meanDim([1]) : pooling === 'max' ? ops.amax(hidden, { dim: 1 }) : hidden;
        return pooled.contiguous().data<Float32Array>();
      }),
    );
    members.forEach((i, k) => out.set(values.subarray(k * width, (k + 1) * width), i * width));
  }
  return { values: out, tokens };
}

/** Mean encoder embedding of each window over its tokens: [N, hiddenSize] row-major. */
export function meanEmbeddings(model: LanguageModel, windows: readonly Uint8Array[], tokenizer?: SequenceTokenizer): Float32Array {
  return windowEmbeddings(model, windows, tokenizer, 'mean').values;
}

/** Cosine distance (1 - cosine similarity) and L2 distance between REF and ALT windows' mean embeddings. */
export function embeddingDistances(model: LanguageModel, refWindows: readonly Uint8Array[], altWindows: readonly Uint8Array[], tokenizer?: SequenceTokenizer): EmbeddingDistance[] {
  const D = model.hiddenSize;
  const ref = meanEmbeddings(model, refWindows, tokenizer);
  const alt = meanEmbeddings(model, altWindows, tokenizer);
  return refWindows.map((_, i) => {
    let dot = 0;
    let nr = 0;
    let na = 0;
    let sq = 0;
    for (let d = 0; d < D; d++) {
      const r = ref[i * D + d]!;
      const a = alt[i * D + d]!;
      dot += r * a;
      nr += r * r;
      na += a * a;
      sq += (r - a) ** 2;
    }
    return { cosine: 1 - dot / Math.sqrt(nr * na || 1), l2: Math.sqrt(sq) };
  });
}

