/** Position information added to sequence embeddings: fixed sinusoids or a learned table. */
import { InputError, tensor, type Tensor } from '../core/index.js';
import { checkPositiveInt, shapeText } from './check.js';
import { normal_ } from './init.js';
import { Module } from './module.js';

export interface PositionalEncodingOptions {
  /** Longest sequence supported. Default 5000. */
  maxLen?: number;
  /** Input is [N, L, dModel] instead of [L, N, dModel]. Default false (as the transformer layers). */
  batchFirst?: boolean;
}

/** The sinusoid table of 'Attention is all you need': [maxLen, dModel] float32, row = position. */
export function sinusoidTable(maxLen: number, dModel: number): Tensor {
  checkPositiveInt('maxLen', maxLen);
  checkPositiveInt('dModel', dModel);
  const values = new Float32Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let i = 0; 2 * i < dModel; i++) {
      const angle = pos / Math.pow(10000, (2 * i) / dModel);
      values[pos * dModel + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < dModel) values[pos * dModel + 2 * i + 1] = Math.cos(angle);
    }
  }
  return tensor(values, [maxLen, dModel]);
}

/** Checks x and returns the positions table sliced and shaped to broadcast against it. */
function positionsFor(layer: string, x: Tensor, table: Tensor, batchFirst: boolean): Tensor {
  const [maxLen, dModel] = table.shape as [number, number];
  const shape = x.shape;
  const layout = batchFirst ? `[N, L, ${dModel}]` : `[L, N, ${dModel}]`;
  if (shape.length !== 3 || shape[2] !== dModel) throw new InputError(`expected a ${layout} tensor for ${layer} input, got ${shapeText(shape)}`);
  const length = batchFirst ? shape[1]! : shape[0]!;
  if (length > maxLen) throw new InputError(`expected a sequence of at most maxLen ${maxLen} for ${layer}, got length ${length}`);
  const rows = table.narrow(0, 0, length);
  return batchFirst ? rows.unsqueeze(0) : rows.unsqueeze(1);
}

/**
 * Adds PE(pos, 2i) = sin(pos / 10000^(2i / dModel)), PE(pos, 2i + 1) = cos(same angle).
 * The table is a non-persistent buffer `pe` [maxLen, dModel] (not in the state dict).
 */
export class SinusoidalPositionalEncoding extends Module {
  readonly dModel: number;
  readonly batchFirst: boolean;

  constructor(dModel: number, { maxLen = 5000, batchFirst = false }: PositionalEncodingOptions = {}) {
    super();
    this.dModel = dModel;
    this.batchFirst = batchFirst;
    this.registerBuffer('pe', sinusoidTable(maxLen, dModel), { persistent: false });
  }

  /** x: [L, N, dModel] ([N, L, dModel] with batchFirst) -> x + PE, same shape. */
  forward(x: Tensor): Tensor {
    return x.add(positionsFor('SinusoidalPositionalEncoding', x, this.getBuffer('pe'), this.batchFirst));
  }
}

/** Adds a learned vector per position: parameter `weight` [maxLen, dModel] from N(0, initStd^2). */
export class LearnedPositionalEncoding extends Module {
  readonly dModel: number;
  readonly batchFirst: boolean;

  /** `initStd`: standard deviation of the initial table. Default 0.02 (as BERT). */
  constructor(dModel: number, { maxLen = 5000, batchFirst = false, initStd = 0.02 }: PositionalEncodingOptions & { initStd?: number } = {}) {
    super();
    checkPositiveInt('maxLen', maxLen);
    checkPositiveInt('dModel', dModel);
    this.dModel = dModel;
    this.batchFirst = batchFirst;
    normal_(this.registerParameter('weight', tensor(new Float32Array(maxLen * dModel), [maxLen, dModel])), { std: initStd });
  }

  get weight(): Tensor {
    return this.getParameter('weight');
  }

  /** x: [L, N, dModel] ([N, L, dModel] with batchFirst) -> x + weight[:L], same shape. */
  forward(x: Tensor): Tensor {
    return x.add(positionsFor('LearnedPositionalEncoding', x, this.weight, this.batchFirst));
  }
}
