/**
 * Sequence embeddings of a genomic language model: the encoder's hidden states averaged over
 * the sequence's tokens (mean pooling, as GPN and the Nucleotide Transformer report them), their
 * maximum, or kept per token; optionally also over the reverse complement. Sequences of any length; consecutive sequences
 * of one length share a batch.
 */
import { InputError } from '../core/index.js';
import { reverseComplementBytes } from '../genomics/nucleotide-bytes.js';
import { isLanguageModel, type LanguageModel } from '../models/language-model.js';
import { LmClassifier } from '../models/lm-classifier.js';
import { savedTokenizer, type SavedModel } from '../models/saved-model.js';
import type { SequenceTokenizer } from '../genomics/tokenizers/tokens.js';
import { windowEmbeddings, type EmbeddingPooling } from './zero-shot.js';

export interface EmbedOptions {
  /** Average with the reverse complement's embedding (default true: the two strands are one molecule). */
  bothStrands?: boolean;
  /** Sequences per forward pass (default 64). */
  batchSize?: number;
  /** Default 'mean' (GPN, Nucleotide Transformer). */
  pooling?: EmbeddingPooling;
  /** How errors name sequence i (default `sequence i + 1`). */
  nameOf?: (i: number) => string;
  /** Tokens per sequence that earlier calls gave, which pooling 'none' must match. */
  tokens?: number;
}

/** The language model that embeds for `saved`: itself, or the fine-tuned encoder (`lm`) of an lm-classifier. */
export function embeddingModel(saved: SavedModel): LanguageModel {
  const { model } = saved;
  if (isLanguageModel(model)) return model;
  const encoder = model.children().find(isLanguageModel);
  if (encoder !== undefined) return encoder;
  throw new InputError(
    `embeddings come from a language model's encoder (conv-lm, transformer-lm, or an lm-classifier fine-tuned from one); this model is '${saved.description.architecture.name}'`,
  );
}

/**
 * Embeddings of `sequences` (ASCII bases, N allowed): [N, hiddenSize] row-major when pooled,
 * [N, tokens, hiddenSize] with pooling 'none' (all sequences of one token count). Both strands:
 * the reverse complement's embedding is averaged in, per token mirrored (token t of the reverse
 * strand stands for token T - 1 - t of the forward one; so only with one-base or overlapping
 * stride-1 k-mer tokens).
 */
export function sequenceEmbeddings(saved: SavedModel, sequences: readonly string[], options: EmbedOptions = {}): { values: Float32Array; tokens: number } {
  const model = embeddingModel(saved);
  const tokenizer = saved.model instanceof LmClassifier ? saved.model.tokenizer : savedTokenizer(saved.description);
  const { bothStrands = true, batchSize = 64, pooling = 'mean', nameOf = (i: number) => `sequence ${i + 1}` } = options;
  if (pooling === 'none' && bothStrands && !mirrorsOnReverseStrand(tokenizer)) {
    throw new InputError(`per-token embeddings of both strands need tokens that mirror on the reverse strand (single bases or overlapping k-mers); this model reads ${tokenizer?.describe().kind} tokens: use --strand forward`);
  }
  const parts: Float32Array[] = [];
  let tokens = options.tokens ?? -1;
  model.eval();
  for (let start = 0; start < sequences.length; ) {
    const length = sequences[start]!.length;
    if (length === 0) throw new InputError(`${nameOf(start)} is empty; nothing to embed`);
    let end = start + 1;
    while (end < sequences.length && end - start < batchSize && sequences[end]!.length === length) end++;
    const windows = sequences.slice(start, end).map((s) => Buffer.from(s, 'latin1'));
    const forward = windowEmbeddings(model, windows, tokenizer, pooling);
    if (pooling === 'none' && tokens >= 0 && forward.tokens !== tokens) {
      throw new InputError(`per-token embeddings need sequences of one token count; ${nameOf(start)} has ${forward.tokens} tokens, the first ${tokens}`);
    }
    tokens = forward.tokens;
    if (bothStrands) {
      const reverse = windowEmbeddings(model, windows.map((w) => reverseComplementBytes(w)), tokenizer, pooling).values;
      const T = pooling === 'none' ? tokens : 1;
      const D = model.hiddenSize;
      const v = forward.values;
      for (let n = 0; n < windows.length; n++) {
        for (let t = 0; t < T; t++) {
          for (let d = 0; d < D; d++) {
            const i = (n * T + t) * D + d;
            v[i] = (v[i]! + reverse[(n * T + (T - 1 - t)) * D + d]!) / 2;
          }
        }
      }
    }
    parts.push(forward.values);
    start = end;
  }
  const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (values.set(p, at), at + p.length), 0);
  return { values, tokens: Math.max(0, tokens) };
}

function mirrorsOnReverseStrand(tokenizer: SequenceTokenizer | undefined): boolean {
  const d = tokenizer?.describe() ?? { kind: 'nucleotide' };
  return d.kind === 'nucleotide' || (d.kind === 'kmer' && (d.stride ?? 1) === 1);
}
