/**
 * MultiheadAttention: scaled dot-product attention over numHeads subspaces, as
 * torch.nn.MultiheadAttention (same embedding size for query, key and value).
 */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkPositiveInt, checkProbability, shapeText } from './check.js';
import { xavierUniform_, zeros_ } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training mode. Default 0. */
  dropout?: number;
  /** Learn in_proj_bias and out_proj.bias. Default true. */
  bias?: boolean;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. Default false. */
  batchFirst?: boolean;
}

export interface AttentionMasks {
  /**
   * [N, S]: bool (true = this key is padding, ignore it) or float (added to the scores).
   */
  keyPaddingMask?: Tensor | null;
  /**
   * [L, S] or [N * numHeads, L, S]: bool (true = may not attend) or float (added to the scores).
   */
  attnMask?: Tensor | null;
}

export interface MultiheadAttentionCallOptions extends AttentionMasks {
  /** Return the attention weights. Default true. */
  needWeights?: boolean;
  /** Average the weights over heads ([N, L, S]) rather than per head ([N, numHeads, L, S]). Default true. */
  averageAttnWeights?: boolean;
}

export interface AttentionOutput {
  /** [N, L, E] with batchFirst, else [L, N, E]. */
  output: Tensor;
  /** Attention weights after dropout, [N, L, S] (or per head [N, numHeads, L, S]); null unless needWeights. */
  weights: Tensor | null;
}

/** A bool mask (true = masked) as an additive float mask (-inf where masked); float masks pass through. */
function additiveMask(mask: Tensor, dtype: Tensor['dtype'], name: string): Tensor {
  if (mask.dtype === 'bool') return ops.zerosLike(mask, { dtype }).maskedFill(mask, -Infinity);
  if (mask.dtype === dtype) return mask;
  throw new InputError(`expected a bool or ${dtype} ${name}, got ${mask.dtype}`);
}

/**
 * Parameters: `in_proj_weight` [3E, E] (xavier_uniform; rows: query, key, value
 * projections), `in_proj_bias` [3E] (zeros), `out_proj.weight` [E, E] (Linear default),
 * `out_proj.bias` [E] (zeros).
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly outProj: Linear;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const { dropout = 0, bias = true, batchFirst = false } = options;
    checkPositiveInt('embedDim', embedDim);
    checkPositiveInt('numHeads', numHeads);
    checkProbability('dropout', dropout);
    if (embedDim % numHeads !== 0) throw new InputError(`expected embedDim divisible by numHeads ${numHeads}, got ${embedDim}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    xavierUniform_(this.registerParameter('in_proj_weight', ops.empty([3 * embedDim, embedDim])));
    if (bias) zeros_(this.registerParameter('in_proj_bias', ops.empty([3 * embedDim])));
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias }));
    const outBias = this.outProj.bias;
    if (outBias !== null) zeros_(outBias);
  }

  /**
   * query [L, N, E], key and value [S, N, E] (batch first with batchFirst). Returns the
   * attended output and (by default) the weights averaged over heads.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionCallOptions = {}): AttentionOutput {
    const { keyPaddingMask = null, attnMask = null, needWeights = true, averageAttnWeights = true } = options;
    const { embedDim: E, numHeads: H, headDim } = this;
    const layout = this.batchFirst ? `[N, L, ${E}]` : `[L, N, ${E}]`;
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (t.ndim !== 3 || t.shape[2] !== E) throw new InputError(`expected a ${layout} tensor for ${name}, got ${shapeText(t.shape)}`);
    }
    const selfAttention = query === key && key === value;
    const q0 = this.batchFirst ? query.transpose(0, 1) : query;
    const k0 = selfAttention ? q0 : this.batchFirst ? key.transpose(0, 1) : key;
    const v0 = selfAttention ? q0 : this.batchFirst ? value.transpose(0, 1) : value;
    const [L, N] = q0.shape as [number, number, number];
    const S = k0.shape[0]!;
    if (k0.shape[1] !== N || v0.shape[0] !== S || v0.shape[1] !== N) {
      throw new InputError(`expected key and value with the same shape and query's batch size, got query ${shapeText(query.shape)}, key ${shapeText(key.shape)}, value ${shapeText(value.shape)}`);
    }

    const mask = this.#combinedMask(keyPaddingMask, attnMask, q0.dtype, N, L, S);
    const [q, k, v] = this.#project(q0, k0, v0, selfAttention);
    // [len, N, E] -> [N * H, len, headDim]
    const heads = (t: Tensor, len: number): Tensor => t.reshape([len, N * H, headDim]).transpose(0, 1);
    const qh = heads(q, L).div(Math.sqrt(headDim));
    const kh = heads(k, S);
    const vh = heads(v, S);
    const scores = mask === null ? ops.bmm(qh, kh.transpose(1, 2)) : ops.baddbmm(mask, qh, kh.transpose(1, 2));
    let weights = ops.softmax(scores, -1);
    if (this.dropout > 0 && this.training) weights = ops.dropout(weights, this.dropout, true);
    const attended = ops.bmm(weights, vh).transpose(0, 1).reshape([L * N, E]);
    let output = this.outProj.forward(attended).reshape([L, N, E]);
    if (this.batchFirst) output = output.transpose(0, 1);
    if (!needWeights) return { output, weights: null };
    const perHead = weights.reshape([N, H, L, S]);
    return { output, weights: averageAttnWeights ? perHead.meanDim([1]) : perHead };
  }

  /** q = x W_q^T + b_q etc., with W_q, W_k, W_v the row blocks of in_proj_weight. */
  #project(q: Tensor, k: Tensor, v: Tensor, selfAttention: boolean): [Tensor, Tensor, Tensor] {
    const weight = this.getParameter('in_proj_weight');
    const bias = this.findParameter('in_proj_bias');
    if (selfAttention) {
      const [pq, pk, pv] = ops.linear(q, weight, { bias }).chunk(3, { dim: -1 });
      return [pq!, pk!, pv!];
    }
    const E = this.embedDim;
    const block = (t: Tensor, i: number): Tensor =>
      ops.linear(t, weight.narrow(0, i * E, E), { bias: bias === null ? null : bias.narrow(0, i * E, E) });
    return [block(q, 0), block(k, 1), block(v, 2)];
  }

  /** Both masks as one additive float mask broadcastable to [N * H, L, S], or null. */
  #combinedMask(keyPadding: Tensor | null, attn: Tensor | null, dtype: Tensor['dtype'], N: number, L: number, S: number): Tensor | null {
    const H = this.numHeads;
    let mask: Tensor | null = null;
    if (attn !== null) {
      const shape = attn.shape;
      const ok2d = shape.length === 2 && shape[0] === L && shape[1] === S;
      const ok3d = shape.length === 3 && shape[0] === N * H && shape[1] === L && shape[2] === S;
      if (!ok2d && !ok3d) throw new InputError(`expected attnMask [${L}, ${S}] or [${N * H}, ${L}, ${S}], got ${shapeText(shape)}`);
      mask = additiveMask(attn, dtype, 'attnMask');
      if (ok2d) mask = mask.unsqueeze(0);
    }
    if (keyPadding !== null) {
      const shape = keyPadding.shape;
      if (shape.length !== 2 || shape[0] !== N || shape[1] !== S) {
        throw new InputError(`expected keyPaddingMask [${N}, ${S}], got ${shapeText(shape)}`);
      }
      const perHead = additiveMask(keyPadding, dtype, 'keyPaddingMask')
        .reshape([N, 1, 1, S])
        .expand([N, H, 1, S])
        .reshape([N * H, 1, S]);
      mask = mask === null ? perHead : mask.add(perHead);
    }
    return mask;
  }
}
