/** Embedding: a lookup table of vectors indexed by integers, as torch.nn.Embedding. */
import { InputError, noGrad, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkPositiveInt } from './check.js';
import { normal_ } from './init.js';
import { Module } from './module.js';

export interface EmbeddingOptions {
  /**
   * Index whose vector is zeros at start and never receives a gradient (padding tokens);
   * negative counts from the end. Default none.
   */
  paddingIdx?: number | null;
}

/** Parameter `weight` [numEmbeddings, embeddingDim] from N(0, 1), the padding row zeroed. */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding index in [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;

  constructor(numEmbeddings: number, embeddingDim: number, { paddingIdx = null }: EmbeddingOptions = {}) {
    super();
    checkPositiveInt('numEmbeddings', numEmbeddings);
    checkPositiveInt('embeddingDim', embeddingDim);
    if (paddingIdx !== null && !(Number.isInteger(paddingIdx) && paddingIdx >= -numEmbeddings && paddingIdx < numEmbeddings)) {
      throw new InputError(`expected paddingIdx an integer in [${-numEmbeddings}, ${numEmbeddings}), got ${paddingIdx}`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    const weight = normal_(this.registerParameter('weight', ops.empty([numEmbeddings, embeddingDim])));
    const pad = this.paddingIdx;
    if (pad !== null) noGrad(() => ops.select(weight, 0, pad).zero_().dispose());
  }

  get weight(): Tensor {
    return this.getParameter('weight');
  }

  /** indices: any shape, int64 or int32, values in [0, numEmbeddings) -> [...indices.shape, embeddingDim]. */
  forward(indices: Tensor): Tensor {
    const dtype = indices.dtype;
    if (dtype !== 'int64' && dtype !== 'int32') throw new InputError(`expected int64 or int32 indices for Embedding, got ${dtype}`);
    return ops.embedding(this.weight, indices, { paddingIdx: this.paddingIdx ?? -1 });
  }
}
