/** LSTM: a multi-layer long short-term memory network, as torch.nn.LSTM (gates i, f, g, o). */
import type { Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent-base.js';

export interface LSTMState {
  /** Hidden state: [numLayers * directions, N, hiddenSize]. */
  h: Tensor;
  /** Cell state: [numLayers * directions, N, hiddenSize]. */
  c: Tensor;
}

export interface LSTMOutput extends LSTMState {
  /** Last layer's hidden state at every step: [N, L, directions * hiddenSize] with batchFirst, else [L, N, ...]. */
  output: Tensor;
}

/** Parameters as torch.nn.LSTM (see RecurrentBase), with 4 * hiddenSize gate rows. */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(4, inputSize, hiddenSize, options);
  }

  /**
   * x: [N, L, inputSize] with batchFirst, else [L, N, inputSize]; `state`: initial h and c
   * (zeros when omitted). Returns the output sequence and the final h and c.
   */
  forward(x: Tensor, state?: LSTMState): LSTMOutput {
    const batch = this.batchSizeOf(x);
    const h0 = this.initialState(x, batch, 'h', state?.h);
    const c0 = this.initialState(x, batch, 'c', state?.c);
    const [output, h, c] = ops.lstm(
      x,
      [h0, c0],
      this.flatWeights(),
      this.hasBiases,
      this.numLayers,
      this.dropout,
      this.training,
      this.bidirectional,
      this.batchFirst,
    );
    return { output, h, c };
  }
}
