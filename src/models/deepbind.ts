/**
 * DeepBind (Alipanahi et al. 2015): one layer of motif detectors (a convolution), rectified,
 * pooled over the whole sequence (max, or max and average), then an optional hidden layer,
 * one output per task. The input is padded with kernel - 1 positions of 0.25 (an unknown
 * base) on each side, so a motif overlapping either end is still scored.
 * Input [N, 4, L] one-hot DNA (any L); output [N, tasks] logits.
 */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { ConstantPad1d, Conv1d, Dropout, GlobalMaxPool1d, globalMaxPool1d, Linear, Module, ReLU } from '../nn/index.js';
import { checkPositive, checkRate, checkSequenceInput } from './common.js';

export interface DeepBindOptions {
  /** Output tasks. Default 1. */
  tasks?: number;
  /** Motif detectors (convolution filters). Default 16. */
  filters?: number;
  /** Motif detector width in bp. Default 24. */
  kernel?: number;
  /** Pooling over positions: 'max', or 'maxavg' (max and average, concatenated). Default 'max'. */
  pooling?: 'max' | 'maxavg';
  /** Hidden layer size (ReLU); 0 for none (a linear output on the pooled features). Default 32. */
  hidden?: number;
  /** Dropout on the pooled features (the input of the fully connected stage). Default 0.5. */
  dropout?: number;
  /** Pad the input with kernel - 1 positions of 0.25 on each side. Default true. */
  padInput?: boolean;
}

/**
 * Children: `conv` Conv1d(4, filters, kernel), `dropout`, `hidden` Linear(pooled, hidden)
 * (absent when hidden = 0), `output` Linear(hidden or pooled, tasks); pooled = filters, or
 * 2 * filters with 'maxavg' (max features first).
 */
export class DeepBind extends Module {
  readonly kernel: number;
  readonly pooling: 'max' | 'maxavg';
  readonly padInput: boolean;
  readonly conv: Conv1d;
  readonly dropout: Dropout;
  readonly hidden: Linear | null;
  readonly output: Linear;

  constructor(options: DeepBindOptions = {}) {
    super();
    const { tasks = 1, filters = 16, kernel = 24, pooling = 'max', hidden = 32, dropout = 0.5, padInput = true } = options;
    checkPositive('tasks', tasks);
    checkPositive('filters', filters);
    checkPositive('kernel', kernel);
    checkRate('dropout', dropout);
    if (!(Number.isInteger(hidden) && hidden >= 0)) throw new InputError(`expected a non-negative integer for hidden, got ${hidden}`);
    this.kernel = kernel;
    this.pooling = pooling;
    this.padInput = padInput;
    const pooled = pooling === 'maxavg' ? 2 * filters : filters;
    this.conv = this.registerModule('conv', new Conv1d(4, filters, kernel));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.hidden = hidden > 0 ? this.registerModule('hidden', new Linear(pooled, hidden)) : null;
    this.output = this.registerModule('output', new Linear(hidden > 0 ? hidden : pooled, tasks));
  }

  /** x: [N, 4, L] float32 (L >= kernel unless padInput) -> [N, tasks] logits. */
  /**
   * The forward pass as a chain of layers (for DeepLIFT): padding, convolution, ReLU, global
   * max pooling, dropout, hidden layer, output. Only with max pooling ('maxavg' concatenates
   * two branches, which is not a chain).
   */
  layerChain(): Module[] {
    if (this.pooling !== 'max') throw new InputError("DeepBind's layer chain needs pooling 'max' ('maxavg' is not a chain of layers)");
    const chain: Module[] = [];
    if (this.padInput) chain.push(new ConstantPad1d(this.kernel - 1, this.kernel - 1, 0.25));
    chain.push(this.conv, new ReLU(), new GlobalMaxPool1d(), this.dropout);
    if (this.hidden !== null) chain.push(this.hidden, new ReLU());
    chain.push(this.output);
    return chain;
  }

  forward(x: Tensor): Tensor {
    const [, , length] = checkSequenceInput('DeepBind', x);
    if (!this.padInput && length < this.kernel) {
      throw new InputError(`expected sequences of at least kernel ${this.kernel} bp for DeepBind without padInput, got ${length}`);
    }
    const input = this.padInput ? ops.constantPadNd(x, [this.kernel - 1, this.kernel - 1], { value: 0.25 }) : x;
    const activations = this.conv.forward(input).relu();
    const max = globalMaxPool1d(activations);
    const pooled = this.pooling === 'maxavg' ? ops.cat([max, ops.meanDim(activations, [2])], { dim: 1 }) : max;
    let h = this.dropout.forward(pooled);
    if (this.hidden !== null) h = this.hidden.forward(h).relu();
    return this.output.forward(h);
  }
}
