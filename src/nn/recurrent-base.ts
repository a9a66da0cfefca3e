/**
 * What LSTM and GRU share, as torch.nn.RNNBase: the parameter layout, initialisation,
 * input checks and initial states. Per layer k and direction (suffix '' or '_reverse'):
 * `weight_ih_l{k}` [gates * H, inputSize for k = 0 else H * directions],
 * `weight_hh_l{k}` [gates * H, H], `bias_ih_l{k}` and `bias_hh_l{k}` [gates * H],
 * all from U(-1/sqrt(H), 1/sqrt(H)).
 */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkPositiveInt, checkProbability, shapeText } from './check.js';
import { uniform_ } from './init.js';
import { Module } from './module.js';

export interface RecurrentOptions {
  /** Stacked layers, each fed the previous one's output. Default 1. */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output are [N, L, features] instead of [L, N, features]. Default false. */
  batchFirst?: boolean;
  /** Dropout on the output of every layer but the last, in training mode. Default 0. */
  dropout?: number;
  /** Also run each layer right to left and concatenate both directions. Default false. */
  bidirectional?: boolean;
}

export abstract class RecurrentBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly hasBiases: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly #flatNames: string[] = [];

  /** `gates`: 4 for LSTM, 3 for GRU. */
  protected constructor(gates: number, inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false } = options;
    checkPositiveInt('inputSize', inputSize);
    checkPositiveInt('hiddenSize', hiddenSize);
    checkPositiveInt('numLayers', numLayers);
    checkProbability('dropout', dropout);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.hasBiases = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;

    const bound = 1 / Math.sqrt(hiddenSize);
    const directions = this.numDirections;
    for (let layer = 0; layer < numLayers; layer++) {
      const layerInput = layer === 0 ? inputSize : hiddenSize * directions;
      for (let direction = 0; direction < directions; direction++) {
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [
          [`weight_ih${suffix}`, [gates * hiddenSize, layerInput]],
          [`weight_hh${suffix}`, [gates * hiddenSize, hiddenSize]],
        ];
        if (bias) shapes.push([`bias_ih${suffix}`, [gates * hiddenSize]], [`bias_hh${suffix}`, [gates * hiddenSize]]);
        for (const [name, shape] of shapes) {
          uniform_(this.registerParameter(name, ops.empty(shape)), { a: -bound, b: bound });
          this.#flatNames.push(name);
        }
      }
    }
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The parameters in the order the ATen kernels take them (layer, direction, w_ih, w_hh, b_ih, b_hh). */
  protected flatWeights(): Tensor[] {
    return this.#flatNames.map((name) => this.getParameter(name));
  }

  /** Checks x ([N, L, inputSize] with batchFirst, else [L, N, inputSize]) and returns the batch size. */
  protected batchSizeOf(x: Tensor): number {
    const shape = x.shape;
    if (shape.length !== 3 || shape[2] !== this.inputSize) {
      const layout = this.batchFirst ? `[N, L, ${this.inputSize}]` : `[L, N, ${this.inputSize}]`;
      throw new InputError(`expected a ${layout} tensor for ${this.constructor.name} input, got ${shapeText(shape)}`);
    }
    return this.batchFirst ? shape[0]! : shape[1]!;
  }

  /** `given` after a shape check, or zeros: [numLayers * directions, N, hiddenSize]. */
  protected initialState(x: Tensor, batch: number, name: string, given: Tensor | undefined): Tensor {
    const expected = [this.numLayers * this.numDirections, batch, this.hiddenSize];
    if (given === undefined) return ops.zeros(expected, { dtype: x.dtype, device: x.device });
    const shape = given.shape;
    if (shape.length !== 3 || shape.some((d, i) => d !== expected[i])) {
      throw new InputError(`expected a ${shapeText(expected)} tensor for ${this.constructor.name} initial state ${name}, got ${shapeText(shape)}`);
    }
    return given;
  }
}
