/**
 * A classifier / regressor on a genomic language model's encoder: one-hot DNA [N, 4, L] read
 * as the LM's tokens (single nucleotides, k-mers or BPE), the encoder's hidden states pooled over positions (mean or max),
 * dropout, and a linear head to the tasks. The encoder is child `lm` with the language model's
 * own names (less the vocabulary head), so `init.from` a pretrained LM folder fills it (and
 * `init.freeze: [lm]` makes a linear probe).
 */
import { tensor, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Dropout, Linear, Module } from '../nn/index.js';
import { ConvLm, type ConvLmOptions } from './conv-lm.js';
import type { LanguageModel } from './language-model.js';
import { TransformerLm, type TransformerLmOptions } from './transformer-lm.js';
import { FIRST_BASE_ID } from '../genomics/nucleotide-bytes.js';
import { tokenizerFromDescription } from '../genomics/tokenizers/description.js';
import { isNucleotideTokenizer, tokenRowsOfWindows } from '../genomics/tokenizers/token-rows.js';
import type { SequenceTokenizer } from '../genomics/tokenizers/tokens.js';
import { SPECIAL_TOKENS } from '../genomics/tokenizers/tokens.js';

export type LmClassifierOptions = {
  /** Outputs. Default 1. */
  tasks?: number;
  /**
   * The tokens the encoder reads (a tokenizer description, as model.json's). Default single
   * nucleotides; filled from the pretrained LM by `init.from`.
   */
  tokenizer?: Record<string, unknown>;
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

/** [N, 4, L] one-hot -> N rows of ASCII bases (N where a column is not one-hot). */
function basesOfOneHot(x: Tensor): Uint8Array[] {
  const [N, , L] = x.shape as [number, number, number];
  const index = x.argmax({ dim: 1 }).toDType('int32').data<Int32Array>();
  const unknown = ops.amax(x, { dim: 1 }).lt(0.5).data<Uint8Array>();
  const letters = [65, 67, 71, 84];
  return Array.from({ length: N }, (_, n) => Uint8Array.from({ length: L }, (_, i) => (unknown[n * L + i] ? 78 : letters[index[n * L + i]!]!)));
}

export class LmClassifier extends Module {
  readonly lm: LanguageModel;
  readonly dropout: Dropout;
  readonly classifier: Linear;
  readonly pooling: 'mean' | 'max';
  readonly tokenizer: SequenceTokenizer | undefined;

  constructor(options: LmClassifierOptions) {
    super();
    const { tasks = 1, pooling = 'mean', dropout = 0.1 } = options;
    this.pooling = pooling;
    const tokenizer = tokenizerFromDescription(options.tokenizer ?? { kind: 'nucleotide' }, { path: 'tokenizer' });
    this.tokenizer = isNucleotideTokenizer(tokenizer) ? undefined : tokenizer;
    const vocabSize = tokenizer.vocabSize;
    const lm = options.lm === 'conv-lm' ? new ConvLm({ ...options.encoder, vocabSize, head: false }) : new TransformerLm({ ...options.encoder, vocabSize, head: false });
    this.lm = this.registerModule('lm', lm);
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.classifier = this.registerModule('classifier', new Linear(lm.hiddenSize, tasks));
  }

  /** x: [N, 4, L] one-hot -> [N, tasks]. */
  forward(x: Tensor): Tensor {
    if (this.tokenizer === undefined) {
      const hidden = this.lm.encode(nucleotideTokensOfOneHot(x)); // [N, L, D]
      const pooled = this.pooling === 'mean' ? hidden.meanDim([1]) : ops.amax(hidden, { dim: 1 });
      return this.classifier.forward(this.dropout.forward(pooled));
    }
    // Other tokens are read off the bases; [PAD] after shorter rows is left out of the pooling.
    const rows = tokenRowsOfWindows(basesOfOneHot(x), this.tokenizer);
    const N = x.shape[0]!;
    const ids = tensor(rows.ids, [N, rows.width]).toDType('int64');
    const hidden = this.lm.encode(ids); // [N, T, D]
    const real = ids.ne(SPECIAL_TOKENS.pad).unsqueeze(2); // [N, T, 1]
    const pooled =
      this.pooling === 'mean'
        ? hidden.mul(real.toDType('float32')).sumDimIntList([1]).div(real.toDType('float32').sumDimIntList([1]).clampMin(1))
        : ops.amax(ops.whereScalarSelf(real.logicalNot(), -1e9, hidden), { dim: 1 });
    return this.classifier.forward(this.dropout.forward(pooled));
  }
}
