/**
 * A transformer encoder classifier for sequences: an embedding of one-hot DNA (a linear map
 * or a convolution), of token ids (nucleotides or k-mers, id 0 = padding), or of the k-mer
 * tokens of one-hot DNA computed inside the model (DNABERT style), positional encodings, a
 * stack of encoder layers, pooling ('cls' or 'mean') and a linear head.
 */
import { InputError, tensor, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import {
  Conv1d,
  Embedding,
  init,
  LayerNorm,
  LearnedPositionalEncoding,
  Linear,
  Module,
  SinusoidalPositionalEncoding,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '../nn/index.js';
import { checkPositive, checkRate, checkSequenceInput, shapeText } from './common.js';

export interface SequenceTransformerOptions {
  /**
   * 'onehot': x is [N, 4, L] float; 'tokens': x is [N, L] int64 ids, 0 = padding; 'kmers': x is
   * [N, 4, L] one-hot, read as [CLS], its overlapping k-mers, [SEP] (the ids of
   * genomics/tokenizers/kmer.ts: [PAD] 0, [UNK] 1 for a k-mer with N, [CLS] 2, [SEP] 3, [MASK] 4, then the
   * 4^k k-mers), so the model takes the same input as the other sequence models (DNABERT style;
   * gradients do not reach the bases: explain such a model by ISM). Default 'onehot'.
   */
  input?: 'onehot' | 'tokens' | 'kmers';
  /** Token vocabulary size including the padding id 0 (required with input 'tokens'), e.g. 4^k + 1 for k-mers. */
  vocabSize?: number;
  /** k-mer length with input 'kmers', 1..6. Default 6. */
  k?: number;
  /** One-hot embedding: 'linear' (per position) or 'conv' (a 'same' convolution). Default 'linear'. */
  embedding?: 'linear' | 'conv';
  /** Width of the 'conv' embedding. Default 9. */
  embeddingKernel?: number;
  /** Model width. Default 128. */
  dModel?: number;
  /** Attention heads (must divide dModel). Default 8. */
  heads?: number;
  /** Encoder layers. Default 4. */
  layers?: number;
  /** Feed-forward hidden size. Default 4 * dModel. */
  dimFeedforward?: number;
  /** Dropout in the encoder layers. Default 0.1. */
  dropout?: number;
  /** Feed-forward activation. Default 'gelu'. */
  activation?: 'relu' | 'gelu';
  /** 'pre' (x + f(norm(x)), with a final LayerNorm) or 'post' (norm(x + f(x)), as the original). Default 'pre'. */
  norm?: 'pre' | 'post';
  /** Positional encodings: fixed 'sinusoidal' or 'learned'. Default 'sinusoidal'. */
  positional?: 'sinusoidal' | 'learned';
  /** Longest input (positions supported). Default 5000. */
  maxLength?: number;
  /**
   * 'cls': the output at a CLS position (a learned vector prepended to one-hot input; for
   * tokens, position 0, where the tokenizer puts its CLS token); 'mean': the mean over
   * positions (padding tokens excluded). Default 'cls'.
   */
  pooling?: 'cls' | 'mean';
  /** Output tasks. Default 1. */
  tasks?: number;
}

/**
 * Children (PyTorch names): `embed` (Linear(4, dModel), Conv1d(4, dModel, kernel, 'same') or
 * Embedding(vocabSize, dModel, paddingIdx 0)), parameter `cls_token` [dModel] (one-hot input
 * with 'cls' pooling), `positions`, `encoder` (batch-first TransformerEncoder; `encoder.norm`
 * with pre-norm), `head` Linear(dModel, tasks).
 */
/** Ids before the k-mers (as genomics/tokens.ts): [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4. */
const KMER_SPECIAL_TOKENS = 5;
const UNK = 1;
const CLS = 2;
const SEP = 3;

/**
 * [N, 4, L] one-hot -> [N, L - k + 3] int64: [CLS], the id of each overlapping k-mer
 * (5 + its base-4 code, first base most significant; [UNK] when it holds a base that is not
 * one-hot, such as N's 0.25 row), [SEP].
 */
function kmerTokensOfOneHot(x: Tensor, k: number): Tensor {
  const n = x.shape[0]!;
  const bases = x.argmax({ dim: 1 }); // [N, L]
  const unknown = ops.amax(x, { dim: 1 }).lt(0.5); // N rows (0.25) and empty columns
  const windows = ops.unfold(bases, 1, k, 1); // [N, L - k + 1, k]
  const powers = tensor(Array.from({ length: k }, (_, j) => 4 ** (k - 1 - j)), [k], 'int64');
  const codes = windows.mul(powers).sumDimIntList([2]).add(KMER_SPECIAL_TOKENS);
  const ambiguous = ops.anyDim(ops.unfold(unknown, 1, k, 1), 2);
  const ids = ops.whereScalarSelf(ambiguous, UNK, codes);
  const column = (id: number) => ops.full([n, 1], id, { dtype: 'int64' });
  return ops.cat([column(CLS), ids, column(SEP)], { dim: 1 });
}

export class SequenceTransformer extends Module {
  readonly input: 'onehot' | 'tokens' | 'kmers';
  /** k-mer length with input 'kmers'. */
  readonly k: number;
  readonly pooling: 'cls' | 'mean';
  readonly dModel: number;
  readonly maxLength: number;
  readonly embed: Linear | Conv1d | Embedding;
  readonly positions: SinusoidalPositionalEncoding | LearnedPositionalEncoding;
  readonly encoder: TransformerEncoder;
  readonly head: Linear;

  constructor(options: SequenceTransformerOptions = {}) {
    super();
    const {
      input = 'onehot',
      vocabSize,
      k = 6,
      embedding = 'linear',
      embeddingKernel = 9,
      dModel = 128,
      heads = 8,
      layers = 4,
      dimFeedforward = 4 * dModel,
      dropout = 0.1,
      activation = 'gelu',
      norm = 'pre',
      positional = 'sinusoidal',
      maxLength = 5000,
      pooling = 'cls',
      tasks = 1,
    } = options;
    if (input !== 'onehot' && input !== 'tokens' && input !== 'kmers') throw new InputError(`expected input 'onehot', 'tokens' or 'kmers', got '${String(input)}'`);
    if (!Number.isInteger(k) || k < 1 || k > 6) throw new InputError(`expected k to be an integer in 1..6, got ${k}`);
    if (pooling !== 'cls' && pooling !== 'mean') throw new InputError(`expected pooling 'cls' or 'mean', got '${String(pooling)}'`);
    if (norm !== 'pre' && norm !== 'post') throw new InputError(`expected norm 'pre' or 'post', got '${String(norm)}'`);
    checkPositive('dModel', dModel);
    checkPositive('heads', heads);
    if (dModel % heads !== 0) throw new InputError(`expected dModel divisible by heads ${heads}, got ${dModel}`);
    checkPositive('layers', layers);
    checkPositive('dimFeedforward', dimFeedforward);
    checkRate('dropout', dropout);
    checkPositive('maxLength', maxLength);
    checkPositive('tasks', tasks);
    this.input = input;
    this.k = k;
    this.pooling = pooling;
    this.dModel = dModel;
    this.maxLength = maxLength;

    if (input === 'tokens') {
      if (vocabSize === undefined) throw new InputError("expected vocabSize with input 'tokens', got none");
      checkPositive('vocabSize', vocabSize);
      if (vocabSize < 2) throw new InputError(`expected vocabSize of at least 2 (padding id 0 and one token), got ${vocabSize}`);
      this.embed = this.registerModule('embed', new Embedding(vocabSize, dModel, { paddingIdx: 0 }));
    } else if (input === 'kmers') {
      if (vocabSize !== undefined && vocabSize !== KMER_SPECIAL_TOKENS + 4 ** k) {
        throw new InputError(`expected no vocabSize with input 'kmers' (it is ${KMER_SPECIAL_TOKENS} + 4^k = ${KMER_SPECIAL_TOKENS + 4 ** k}), got ${vocabSize}`);
      }
      this.embed = this.registerModule('embed', new Embedding(KMER_SPECIAL_TOKENS + 4 ** k, dModel, { paddingIdx: 0 }));
    } else if (embedding === 'conv') {
      checkPositive('embeddingKernel', embeddingKernel);
      this.embed = this.registerModule('embed', new Conv1d(4, dModel, embeddingKernel, { padding: 'same' }));
    } else if (embedding === 'linear') {
      this.embed = this.registerModule('embed', new Linear(4, dModel));
    } else {
      throw new InputError(`expected embedding 'linear' or 'conv', got '${String(embedding)}'`);
    }
    if (input === 'onehot' && pooling === 'cls') {
      init.normal_(this.registerParameter('cls_token', tensor(new Float32Array(dModel), [dModel])), { std: 0.02 });
    }
    const maxLen = maxLength + (this.hasClsToken ? 1 : 0);
    this.positions = this.registerModule(
      'positions',
      positional === 'learned'
        ? new LearnedPositionalEncoding(dModel, { maxLen, batchFirst: true })
        : new SinusoidalPositionalEncoding(dModel, { maxLen, batchFirst: true }),
    );
    const normFirst = norm === 'pre';
    this.encoder = this.registerModule(
      'encoder',
      new TransformerEncoder(
        () => new TransformerEncoderLayer(dModel, heads, { dimFeedforward, dropout, activation, batchFirst: true, normFirst }),
        layers,
        { norm: normFirst ? new LayerNorm(dModel) : null },
      ),
    );
    this.head = this.registerModule('head', new Linear(dModel, tasks));
  }

  /** True when a learned CLS vector is prepended (one-hot input with 'cls' pooling). */
  get hasClsToken(): boolean {
    return this.input === 'onehot' && this.pooling === 'cls';
  }

  /**
   * The encoder output before pooling: [N, L (+1 with a CLS vector), dModel], and the
   * padding mask [N, L] (true = padding) for token input (null for one-hot).
   */
  encode(x: Tensor): { hidden: Tensor; padding: Tensor | null } {
    const { embedded, padding } = this.#embed(x);
    return { hidden: this.encoder.forward(embedded, { srcKeyPaddingMask: padding }), padding };
  }

  /**
   * Attention maps of every encoder layer for x, heads averaged: [N, L', L'] each, where L'
   * is the input length (+1 for a prepended CLS vector, at index 0).
   */
  attentionMaps(x: Tensor): Tensor[] {
    const { embedded, padding } = this.#embed(x);
    return this.encoder.attentionMaps(embedded, { srcKeyPaddingMask: padding });
  }

  #embed(x: Tensor): { embedded: Tensor; padding: Tensor | null } {
    let h: Tensor;
    let padding: Tensor | null = null;
    if (this.input === 'tokens') {
      if (x.ndim !== 2 || (x.dtype !== 'int64' && x.dtype !== 'int32')) {
        throw new InputError(`expected a [N, L] int64 tensor of token ids for SequenceTransformer input, got ${shapeText(x.shape)} ${x.dtype}`);
      }
      this.#checkLength(x.shape[1]!);
      h = this.embed.forward(x);
      padding = x.eq(0);
    } else if (this.input === 'kmers') {
      const [, , length] = checkSequenceInput('SequenceTransformer', x);
      if (length < this.k) throw new InputError(`expected sequences of at least k = ${this.k} bases for k-mer input, got ${length}`);
      const ids = kmerTokensOfOneHot(x, this.k);
      this.#checkLength(ids.shape[1]!);
      h = this.embed.forward(ids);
    } else {
      const [n, , length] = checkSequenceInput('SequenceTransformer', x);
      this.#checkLength(length);
      h = this.embed instanceof Conv1d ? this.embed.forward(x).transpose(1, 2) : this.embed.forward(x.transpose(1, 2));
      if (this.hasClsToken) {
        const cls = this.getParameter('cls_token').reshape([1, 1, this.dModel]).expand([n, 1, this.dModel]);
        h = ops.cat([cls, h], { dim: 1 });
      }
    }
    return { embedded: this.positions.forward(h), padding };
  }

  /** x: [N, 4, L] float32 (one-hot) or [N, L] int64 (tokens) -> [N, tasks] logits. */
  forward(x: Tensor): Tensor {
    const { hidden, padding } = this.encode(x);
    let pooled: Tensor;
    if (this.pooling === 'cls') {
      pooled = hidden.select(1, 0);
    } else if (padding === null) {
      pooled = hidden.meanDim([1]);
    } else {
      const keep = padding.logicalNot().unsqueeze(2).toDType(hidden.dtype);
      pooled = hidden.mul(keep).sumDimIntList([1]).div(keep.sumDimIntList([1]).clampMin(1));
    }
    return this.head.forward(pooled);
  }

  #checkLength(length: number): void {
    if (length < 1 || length > this.maxLength) {
      throw new InputError(`expected sequences of 1 to maxLength ${this.maxLength} positions for SequenceTransformer, got ${length}`);
    }
  }
}
