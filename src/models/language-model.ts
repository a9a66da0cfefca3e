/**
 * What every genomic language model offers: token ids [N, T] (int64) in, per-token logits
 * [N, T, vocabSize] out, and the encoder's hidden states [N, T, hiddenSize] for embeddings and
 * fine-tuning heads. `causal` models see only earlier tokens (next-token objective); the others
 * see both sides (masked objective).
 */
import type { Tensor } from '../core/index.js';
import { Module } from '../nn/index.js';

export abstract class LanguageModel extends Module {
  abstract readonly vocabSize: number;
  abstract readonly hiddenSize: number;
  abstract readonly causal: boolean;
  /** ids [N, T] -> hidden states [N, T, hiddenSize] (after the final norm). */
  abstract encode(ids: Tensor): Tensor;
  /** ids [N, T] -> logits [N, T, vocabSize]. */
  abstract forward(ids: Tensor): Tensor;
}

export function isLanguageModel(m: Module): m is LanguageModel {
  return m instanceof LanguageModel;
}
