/**
 * A GPN-style convolutional language model (Benegas et al. 2023): token embedding, then blocks
 * of a dilated convolution and a feed-forward layer, each residual and followed by LayerNorm
 * (post-norm, as GPN), then a linear head to the vocabulary. Fast on CPUs (no attention), with
 * a receptive field that doubles with every dilation step. With `causal`, convolutions only
 * look left (padding on the left), for the next-token objective.
 *
 * Children: embedding, blocks.{i}.conv, blocks.{i}.convNorm, blocks.{i}.ff1, blocks.{i}.ff2,
 * blocks.{i}.ffNorm, head.
 */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Conv1d, Embedding, gelu, LayerNorm, Linear, Module } from '../nn/index.js';
import { LanguageModel } from './language-model.js';

export interface ConvLmOptions {
  vocabSize: number;
  /** Hidden size. Default 128. */
  dim?: number;
  /** Convolution kernel (odd unless causal). Default 9. */
  kernel?: number;
  /** Dilation of each block, in order. Default [1, 2, 4, 8, 16, 32] twice (12 blocks). */
  dilations?: number[];
  /** Next-token (left-only) convolutions. Default false. */
  causal?: boolean;
  /** The vocabulary head (false: an encoder only, e.g. inside an lm-classifier). Default true. */
  head?: boolean;
}

class ConvLmBlock extends Module {
  readonly conv: Conv1d;
  readonly convNorm: LayerNorm;
  readonly ff1: Linear;
  readonly ff2: Linear;
  readonly ffNorm: LayerNorm;
  readonly leftPad: number;
  readonly rightPad: number;

  constructor(dim: number, kernel: number, dilation: number, causal: boolean) {
    super();
    const reach = dilation * (kernel - 1);
    this.leftPad = causal ? reach : reach / 2;
    this.rightPad = causal ? 0 : reach / 2;
    this.conv = this.registerModule('conv', new Conv1d(dim, dim, kernel, { dilation }));
    this.convNorm = this.registerModule('convNorm', new LayerNorm(dim));
    this.ff1 = this.registerModule('ff1', new Linear(dim, 2 * dim));
    this.ff2 = this.registerModule('ff2', new Linear(2 * dim, dim));
    this.ffNorm = this.registerModule('ffNorm', new LayerNorm(dim));
  }

  /** x: [N, T, D] -> [N, T, D]. */
  forward(x: Tensor): Tensor {
    const padded = ops.constantPadNd(x.transpose(1, 2), [this.leftPad, this.rightPad]);
    const conv = gelu(this.conv.forward(padded)).transpose(1, 2);
    const h = this.convNorm.forward(x.add(conv));
    const ff = this.ff2.forward(gelu(this.ff1.forward(h)));
    return this.ffNorm.forward(h.add(ff));
  }
}

class BlockList extends Module {}

export class ConvLm extends LanguageModel {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly causal: boolean;
  readonly embedding: Embedding;
  readonly blocks: ConvLmBlock[];
  readonly head: Linear | null;

  constructor(options: ConvLmOptions) {
    super();
    const { vocabSize, dim = 128, kernel = 9, dilations = [1, 2, 4, 8, 16, 32, 1, 2, 4, 8, 16, 32], causal = false } = options;
    if (!causal && kernel % 2 === 0) throw new InputError(`expected an odd kernel for a two-sided convolutional LM, got ${kernel}`);
    if (dilations.length === 0) throw new InputError('expected at least one dilation (block)');
    this.vocabSize = vocabSize;
    this.hiddenSize = dim;
    this.causal = causal;
    this.embedding = this.registerModule('embedding', new Embedding(vocabSize, dim));
    const list = this.registerModule('blocks', new BlockList());
    this.blocks = dilations.map((d, i) => list.registerModule(String(i), new ConvLmBlock(dim, kernel, d, causal)));
    this.head = options.head === false ? null : this.registerModule('head', new Linear(dim, vocabSize));
  }

  /** Bases each side a token's output can see: the sum of the blocks' reaches. */
  get receptiveField(): number {
    return this.blocks.reduce((sum, b) => sum + b.leftPad, 0);
  }

  encode(ids: Tensor): Tensor {
    let x = this.embedding.forward(ids);
    for (const block of this.blocks) x = block.forward(x);
    return x;
  }

  forward(ids: Tensor): Tensor {
    if (this.head === null) throw new InputError('this language model was built without its vocabulary head (an encoder only)');
    return this.head.forward(this.encode(ids));
  }
}
