/** Transformer encoder layers, as torch.nn.TransformerEncoderLayer / TransformerEncoder. */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkPositiveInt } from './check.js';
import { gelu } from './activation.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';

export interface TransformerEncoderLayerOptions {
  /** Hidden size of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (and on attention weights). Default 0.1. */
  dropout?: number;
  /** Feed-forward activation. Default 'relu'. */
  activation?: 'relu' | 'gelu';
  /** LayerNorm eps. Default 1e-5. */
  layerNormEps?: number;
  /** Input and output are [N, L, dModel] instead of [L, N, dModel]. Default false. */
  batchFirst?: boolean;
  /** Pre-norm (x + f(norm(x))) instead of post-norm (norm(x + f(x))). Default false. */
  normFirst?: boolean;
}

export interface EncoderMasks {
  /** [L, L] or [N * nHead, L, L]: bool (true = may not attend) or float (added to the scores). */
  mask?: Tensor | null;
  /** [N, L]: bool (true = padding) or float (added to the scores). */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * Self-attention then a feed-forward block, each with a residual connection and LayerNorm.
 * Children (PyTorch names): self_attn, linear1 [dModel -> dimFeedforward], dropout,
 * linear2 [dimFeedforward -> dModel], norm1, norm2, dropout1, dropout2.
 */
export class TransformerEncoderLayer extends Module {
  readonly normFirst: boolean;
  readonly activation: 'relu' | 'gelu';
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(dModel: number, nHead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false } = options;
    if (activation !== 'relu' && activation !== 'gelu') throw new InputError(`expected activation 'relu' or 'gelu', got '${String(activation)}'`);
    this.normFirst = normFirst;
    this.activation = activation;
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nHead, { dropout, batchFirst }));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, dimFeedforward));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.linear2 = this.registerModule('linear2', new Linear(dimFeedforward, dModel));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps: layerNormEps }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps: layerNormEps }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(dropout));
    this.dropout2 = this.registerModule('dropout2', new Dropout(dropout));
  }

  /**
   * The self-attention weights this layer applies to `src`, averaged over heads:
   * [N, L, L] (query x key; rows sum to 1).
   */
  attentionWeights(src: Tensor, { mask = null, srcKeyPaddingMask = null }: EncoderMasks = {}): Tensor {
    const x = this.normFirst ? this.norm1.forward(src) : src;
    const { output, weights } = this.selfAttn.forward(x, x, x, { attnMask: mask, keyPaddingMask: srcKeyPaddingMask, needWeights: true });
    output.dispose();
    return weights!;
  }

  /** src: [L, N, dModel] ([N, L, dModel] with batchFirst) -> same shape. */
  forward(src: Tensor, { mask = null, srcKeyPaddingMask = null }: EncoderMasks = {}): Tensor {
    const selfAttention = (x: Tensor): Tensor => {
      const { output } = this.selfAttn.forward(x, x, x, { attnMask: mask, keyPaddingMask: srcKeyPaddingMask, needWeights: false });
      return this.dropout1.forward(output);
    };
    const feedForward = (x: Tensor): Tensor => {
      const hidden = this.linear1.forward(x);
      const activated = this.activation === 'relu' ? ops.relu(hidden) : gelu(hidden);
      return this.dropout2.forward(this.linear2.forward(this.dropout.forward(activated)));
    };
    if (this.normFirst) {
      const x = src.add(selfAttention(this.norm1.forward(src)));
      return x.add(feedForward(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(selfAttention(src)));
    return this.norm2.forward(x.add(feedForward(x)));
  }
}

/**
 * A stack of encoder layers, then an optional final norm. Children: layers.0 ... layers.{n-1},
 * norm. `makeLayer(i)` builds layer i, so each starts from its own initialisation (PyTorch
 * deep-copies one layer, whose copies start identical).
 */
export class TransformerEncoder extends Module {
  readonly layers: TransformerEncoderLayer[];
  readonly norm: LayerNorm | null;

  constructor(makeLayer: (index: number) => TransformerEncoderLayer, numLayers: number, { norm = null }: { norm?: LayerNorm | null } = {}) {
    super();
    checkPositiveInt('numLayers', numLayers);
    const container = this.registerModule('layers', new LayerList());
    this.layers = Array.from({ length: numLayers }, (_, i) => container.registerModule(String(i), makeLayer(i)));
    this.norm = norm === null ? null : this.registerModule('norm', norm);
  }

  /** src: [L, N, dModel] ([N, L, dModel] with batchFirst) -> same shape. */
  forward(src: Tensor, masks: EncoderMasks = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, masks);
    return this.norm === null ? x : this.norm.forward(x);
  }

  /** The attention weights of every layer for `src`: one [N, L, L] tensor a layer (heads averaged). */
  attentionMaps(src: Tensor, masks: EncoderMasks = {}): Tensor[] {
    const maps: Tensor[] = [];
    let x = src;
    for (const layer of this.layers) {
      maps.push(layer.attentionWeights(x, masks));
      const next = layer.forward(x, masks);
      if (x !== src) x.dispose();
      x = next;
    }
    if (x !== src) x.dispose();
    return maps;
  }
}

/** Holds the encoder layers under the 'layers' prefix (PyTorch's ModuleList). */
class LayerList extends Module {}
