/** GRU: a multi-layer gated recurrent unit network, as torch.nn.GRU (gates r, z, n). */
import type { Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { RecurrentBase, type RecurrentOptions } from './recurrent-base.js';

export interface GRUOutput {
  /** Last layer's hidden state at every step: [N, L, directions * hiddenSize] with batchFirst, else [L, N, ...]. */
  output: Tensor;
  /** Final hidden state: [numLayers * directions, N, hiddenSize]. */
  h: Tensor;
}

/** Parameters as torch.nn.GRU (see RecurrentBase), with 3 * hiddenSize gate rows. */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(3, inputSize, hiddenSize, options);
  }

  /**
   * x: [N, L, inputSize] with batchFirst, else [L, N, inputSize]; `h`: initial hidden state
   * [numLayers * directions, N, hiddenSize] (zeros when omitted).
   */
  forward(x: Tensor, h?: Tensor): GRUOutput {
    const batch = this.batchSizeOf(x);
    const h0 = this.initialState(x, batch, 'h', h);
    const [output, hN] = ops.gru(
      x,
      h0,
      this.flatWeights(),
      this.hasBiases,
      this.numLayers,
      this.dropout,
      this.training,
      this.bidirectional,
      this.batchFirst,
    );
    return { output, h: hN };
  }
}
