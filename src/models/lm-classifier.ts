/**
 * A classifier / regressor on a genomic language model's encoder: one-hot DNA [N, 4, L] read
 * as single-nucleotide tokens, the encoder's hidden states pooled over positions (mean or max),
 * dropout, and a linear head to the tasks. The encoder is child `lm` with the language model's
 * own names (less the vocabulary head), so `init.from` a pretrained LM folder fills it (and
 * `init.freeze: [lm]` makes a linear probe).
 */
import { type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Dropout, Linear, Module } from '../nn/index.js';
import { ConvLm, type ConvLmOptions } from './conv-lm.js';
import type { LanguageModel } from './language-model.js';
import { TransformerLm, type TransformerLmOptions } from './transformer-lm.js';
import { FIRST_BASE_ID, NUCLEOTIDE_VOCAB_SIZE } from '../genomics/nucleotide-bytes.js';
import { SPECIAL_TOKENS } from '../genomics/tokenizers/tokens.js';

export type LmClassifierOptions = {
  /** Outputs. Default 1. */
  tasks?: number;
  /** Pooling of the hidden states over positions. Default 'mean'. */
  pooling?: 'mean' | 'max';
  /** Dropout before the head. Default 0.1. */
  dropout?: number;
} & ({ lm: 'conv-lm'; encoder?: Omit<ConvLmOptions, 'vocabSize' | 'causal' | 'head'> } | { lm: 'transformer-lm'; encoder?: Omit<TransformerLmOptions, 'vocabSize' | 'causal' | 'head'> });

/** [N, 4, L] one-hot -> [N, L] int64 single-nucleotide ids; columns that are not one-hot (N's 0.25) are [UNK]. */
export function nucleotideTokensOfOneHot(x: Tensor): Tensor {
  const ids = x.argmax({ dim: 1 }).add(FIRST_BASE_ID);
  const unknown = ops.amax(x, { dim: 1 }).lt(0.5);
  return ops.whereScalarSelf(unknown, SPECIAL_TOKENS.unk, ids);
}

export class LmClassifier extends Module {
  readonly lm: LanguageModel;
  readonly dropout: Dropout;
  readonly classifier: Linear;
  readonly pooling: 'mean' | 'max';

  constructor(options: LmClassifierOptions) {
    super();
    const { tasks = 1, pooling = 'mean', dropout = 0.1 } = options;
    this.pooling = pooling;
    const lm = options.lm === 'conv-lm' ? new ConvLm({ ...options.encoder, vocabSize: NUCLEOTIDE_VOCAB_SIZE, head: false }) : new TransformerLm({ ...options.encoder, vocabSize: NUCLEOTIDE_VOCAB_SIZE, head: false });
    this.lm = this.registerModule('lm', lm);
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.classifier = this.registerModule('classifier', new Linear(lm.hiddenSize, tasks));
  }

  /** x: [N, 4, L] one-hot -> [N, tasks]. */
  forward(x: Tensor): Tensor {
    const hidden = this.lm.encode(nucleotideTokensOfOneHot(x)); // [N, L, D]
    const pooled = this.pooling === 'mean' ? hidden.meanDim([1]) : ops.amax(hidden, { dim: 1 });
    return this.classifier.forward(this.dropout.forward(pooled));
  }
}
