/**
 * Sequence embeddings of a genomic language model: the encoder's hidden states averaged over
 * the sequence's positions (mean pooling, as GPN and the Nucleotide Transformer report them),
 * optionally also over the reverse complement. Sequences of any length; consecutive sequences
 * of one length share a batch.
 */
import { InputError } from '../core/index.js';
import { reverseComplementBytes } from '../genomics/nucleotide-bytes.js';
import { isLanguageModel, type LanguageModel } from '../models/language-model.js';
import { LmClassifier } from '../models/lm-classifier.js';
import { savedTokenizer, type SavedModel } from '../models/saved-model.js';
import { meanEmbeddings } from './zero-shot.js';

export interface EmbedOptions {
  /** Average with the reverse complement's embedding (default true: the two strands are one molecule). */
  bothStrands?: boolean;
  /** Sequences per forward pass (default 64). */
  batchSize?: number;
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

/** [N, hiddenSize] row-major mean-pooled embeddings of `sequences` (ASCII bases, N allowed). */
export function sequenceEmbeddings(saved: SavedModel, sequences: readonly string[], options: EmbedOptions = {}): Float32Array {
  const model = embeddingModel(saved);
  const tokenizer = saved.model instanceof LmClassifier ? saved.model.tokenizer : savedTokenizer(saved.description);
  const { bothStrands = true, batchSize = 64 } = options;
  const D = model.hiddenSize;
  const out = new Float32Array(sequences.length * D);
  model.eval();
  for (let start = 0; start < sequences.length; ) {
    const length = sequences[start]!.length;
    if (length === 0) throw new InputError(`sequence ${start + 1} is empty; nothing to embed`);
    let end = start + 1;
    while (end < sequences.length && end - start < batchSize && sequences[end]!.length === length) end++;
    const windows = sequences.slice(start, end).map((s) => Buffer.from(s, 'latin1'));
    const forward = meanEmbeddings(model, windows, tokenizer);
    if (bothStrands) {
      const reverse = meanEmbeddings(model, windows.map((w) => reverseComplementBytes(w)), tokenizer);
      for (let i = 0; i < forward.length; i++) forward[i] = (forward[i]! + reverse[i]!) / 2;
    }
    out.set(forward, start * D);
    start = end;
  }
  return out;
}
