/**
 * A transformer language model over token ids: embedding, pre-norm encoder blocks whose
 * attention knows positions through rotary embeddings (RoFormer; as Nucleotide Transformer
 * v2, DNABERT-2 uses ALiBi) or ALiBi biases (Press et al.: -slope_h * |i - j|, a slope per head,
 * so a model trained on short windows still runs on longer ones), a final LayerNorm and a
 * linear head to the vocabulary. `causal` masks later tokens (next-token objective).
 *
 * Children: embedding, blocks.{i}.norm1, blocks.{i}.attention.qkv, blocks.{i}.attention.out,
 * blocks.{i}.norm2, blocks.{i}.ff1, blocks.{i}.ff2, norm, head.
 */
import { InputError, tensor, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Dropout, Embedding, gelu, LayerNorm, Linear, Module } from '../nn/index.js';
import { LanguageModel } from './language-model.js';
import { SPECIAL_TOKENS } from '../genomics/tokenizers/tokens.js';

export type PositionEncoding = 'rotary' | 'alibi';

export interface TransformerLmOptions {
  vocabSize: number;
  /** Hidden size. Default 128. */
  dim?: number;
  /** Attention heads (a divisor of dim). Default 4. */
  heads?: number;
  /** Encoder blocks. Default 4. */
  layers?: number;
  /** Feed-forward hidden size. Default 4 x dim. */
  ffDim?: number;
  /** Default 'rotary'. */
  positions?: PositionEncoding;
  /** Dropout after attention and feed-forward. Default 0. */
  dropout?: number;
  /** Default false. */
  causal?: boolean;
  /** The vocabulary head (false: an encoder only, e.g. inside an lm-classifier). Default true. */
  head?: boolean;
}

/** cos and sin tables [T, headDim] of rotary embeddings (the two halves share frequencies). */
function rotaryTables(T: number, headDim: number): { cos: Tensor; sin: Tensor } {
  const half = headDim / 2;
  const cos = new Float32Array(T * headDim);
  const sin = new Float32Array(T * headDim);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.pow(10000, (-2 * i) / headDim);
      cos[t * headDim + i] = cos[t * headDim + half + i] = Math.cos(angle);
      sin[t * headDim + i] = sin[t * headDim + half + i] = Math.sin(angle);
    }
  }
  return { cos: tensor(cos, [T, headDim]), sin: tensor(sin, [T, headDim]) };
}

/** x [.., T, hd] rotated: x cos + rotateHalf(x) sin, rotateHalf([a, b]) = [-b, a]. */
function rotate(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const half = x.shape[x.ndim - 1]! / 2;
  const a = ops.narrow(x, -1, 0, half);
  const b = ops.narrow(x, -1, half, half);
  return x.mul(cos).add(ops.cat([ops.neg(b), a], { dim: -1 }).mul(sin));
}

/** ALiBi slopes: the geometric sequence 2^(-8 / H), 2^(-16 / H), ... (H a power of two; else interpolated as in the paper's code). */
function alibiSlopes(heads: number): number[] {
  const power = 2 ** Math.floor(Math.log2(heads));
  const base = (n: number) => Array.from({ length: n }, (_, i) => 2 ** ((-8 * (i + 1)) / n));
  if (power === heads) return base(heads);
  return [...base(power), ...base(2 * power).filter((_, i) => i % 2 === 0).slice(0, heads - power)];
}

/** Additive attention bias [H or 1, T, T]: ALiBi distances and / or the causal mask; null when neither. */
function attentionBias(T: number, heads: number, positions: PositionEncoding, causal: boolean): Tensor | null {
  if (positions !== 'alibi' && !causal) return null;
  const H = positions === 'alibi' ? heads : 1;
  const slopes = positions === 'alibi' ? alibiSlopes(heads) : [0];
  const bias = new Float32Array(H * T * T);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) bias[(h * T + i) * T + j] = causal && j > i ? -Infinity : -slopes[h]! * Math.abs(i - j);
    }
  }
  return tensor(bias, [H, T, T]);
}

class Attention extends Module {
  readonly heads: number;
  readonly qkv: Linear;
  readonly out: Linear;

  constructor(dim: number, heads: number) {
    super();
    this.heads = heads;
    this.qkv = this.registerModule('qkv', new Linear(dim, 3 * dim));
    this.out = this.registerModule('out', new Linear(dim, dim));
  }

  forward(x: Tensor, bias: Tensor | null, rotary: { cos: Tensor; sin: Tensor } | null): Tensor {
    const [N, T, D] = x.shape as [number, number, number];
    const H = this.heads;
    const hd = D / H;
    const [q0, k0, v] = ops.unbind(ops.permute(this.qkv.forward(x).reshape([N, T, 3, H, hd]), [2, 0, 3, 1, 4]), { dim: 0 }) as [Tensor, Tensor, Tensor];
    // Scaling q (T x hd) instead of the scores (T x T) saves a pass over the largest tensor, both ways.
    const q = ops.mulScalar(rotary ? rotate(q0, rotary.cos, rotary.sin) : q0, 1 / Math.sqrt(hd));
    const k = rotary ? rotate(k0, rotary.cos, rotary.sin) : k0;
    let scores = ops.matmul(q, k.transpose(-2, -1));
    if (bias !== null) scores = scores.add(bias);
    const attended = ops.matmul(ops.softmax(scores, -1), v);
    return this.out.forward(attended.transpose(1, 2).reshape([N, T, D]));
  }
}

class Block extends Module {
  readonly norm1: LayerNorm;
  readonly attention: Attention;
  readonly norm2: LayerNorm;
  readonly ff1: Linear;
  readonly ff2: Linear;
  readonly drop: Dropout;

  constructor(dim: number, heads: number, ffDim: number, dropout: number) {
    super();
    this.norm1 = this.registerModule('norm1', new LayerNorm(dim));
    this.attention = this.registerModule('attention', new Attention(dim, heads));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dim));
    this.ff1 = this.registerModule('ff1', new Linear(dim, ffDim));
    this.ff2 = this.registerModule('ff2', new Linear(ffDim, dim));
    this.drop = this.registerModule('drop', new Dropout(dropout));
  }

  forward(x: Tensor, bias: Tensor | null, rotary: { cos: Tensor; sin: Tensor } | null): Tensor {
    const h = x.add(this.drop.forward(this.attention.forward(this.norm1.forward(x), bias, rotary)));
    return h.add(this.drop.forward(this.ff2.forward(gelu(this.ff1.forward(this.norm2.forward(h))))));
  }
}

class BlockList extends Module {}

export class TransformerLm extends LanguageModel {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly causal: boolean;
  readonly heads: number;
  readonly positions: PositionEncoding;
  readonly embedding: Embedding;
  readonly blocks: Block[];
  readonly norm: LayerNorm;
  readonly head: Linear | null;

  constructor(options: TransformerLmOptions) {
    super();
    const { vocabSize, dim = 128, heads = 4, layers = 4, positions = 'rotary', dropout = 0, causal = false } = options;
    const ffDim = options.ffDim ?? 4 * dim;
    if (dim % heads !== 0) throw new InputError(`expected heads to divide dim ${dim}, got ${heads}`);
    if (positions === 'rotary' && (dim / heads) % 2 !== 0) throw new InputError(`rotary positions need an even head size, got ${dim / heads}`);
    this.vocabSize = vocabSize;
    this.hiddenSize = dim;
    this.causal = causal;
    this.heads = heads;
    this.positions = positions;
    this.embedding = this.registerModule('embedding', new Embedding(vocabSize, dim));
    const list = this.registerModule('blocks', new BlockList());
    this.blocks = Array.from({ length: layers }, (_, i) => list.registerModule(String(i), new Block(dim, heads, ffDim, dropout)));
    this.norm = this.registerModule('norm', new LayerNorm(dim));
    this.head = options.head === false ? null : this.registerModule('head', new Linear(dim, vocabSize));
  }

  /** [N, T] ids -> [N, T, dim]; [PAD] tokens (rows of different lengths padded on the right) are never attended to. */
  encode(ids: Tensor): Tensor {
    const [N, T] = ids.shape as [number, number];
    let bias = attentionBias(T, this.heads, this.positions, this.causal);
    const padding = ids.eq(SPECIAL_TOKENS.pad);
    if (padding.sum().item() > 0) {
      const keys = ops.mulScalar(padding.toDType('float32'), -1e9).reshape([N, 1, 1, T]);
      bias = bias === null ? keys : bias.add(keys);
    }
    const rotary = this.positions === 'rotary' ? rotaryTables(T, this.hiddenSize / this.heads) : null;
    let x = this.embedding.forward(ids);
    for (const block of this.blocks) x = block.forward(x, bias, rotary);
    return this.norm.forward(x);
  }

  forward(ids: Tensor): Tensor {
    if (this.head === null) throw new InputError('this language model was built without its vocabulary head (an encoder only)');
    return this.head.forward(this.encode(ids));
  }
}
