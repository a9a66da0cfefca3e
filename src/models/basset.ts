/**
 * Basset (Kelley et al. 2016): three convolution blocks (conv + batch norm + ReLU + max pool)
 * and two fully connected layers, one logit per task.
 * Input [N, 4, length] one-hot DNA; output [N, tasks] logits.
 */
import { InputError, type Tensor } from '../core/index.js';
import { BatchNorm1d, Conv1d, Dropout, Flatten, Linear, MaxPool1d, Module, ReLU, Sequential } from '../nn/index.js';

export interface BassetOptions {
  /** Input length in bp. Default 600. */
  length?: number;
  /** Output tasks. Default 164 (the Basset DNase-seq cell types). */
  tasks?: number;
  /** Filters and widths of the three convolutions. Default [[300, 19], [200, 11], [200, 7]]. */
  convolutions?: readonly (readonly [number, number])[];
  /** Max-pool widths after each convolution. Default [3, 4, 4]. */
  pools?: readonly number[];
  /** Fully connected hidden sizes. Default [1000, 1000]. */
  hidden?: readonly number[];
  /** Dropout after each hidden layer. Default 0.3. */
  dropout?: number;
}

export class Basset extends Module {
  readonly length: number;
  readonly body: Sequential;

  constructor(options: BassetOptions = {}) {
    super();
    const {
      length = 600,
      tasks = 164,
      convolutions = [[300, 19], [200, 11], [200, 7]],
      pools = [3, 4, 4],
      hidden = [1000, 1000],
      dropout = 0.3,
    } = options;
    if (pools.length !== convolutions.length) {
      throw new InputError(`expected one pool width per convolution (${convolutions.length}), got ${pools.length}`);
    }
    const layers: Module[] = [];
    let channels = 4;
    let width = length;
    convolutions.forEach(([filters, kernel], i) => {
      layers.push(new Conv1d(channels, filters, kernel), new BatchNorm1d(filters), new ReLU(), new MaxPool1d(pools[i]!));
      channels = filters;
      width = Math.floor((width - kernel + 1) / pools[i]!);
    });
    if (width < 1) throw new InputError(`input length ${length} is too short for the convolutions and pools`);
    layers.push(new Flatten());
    let features = channels * width;
    for (const size of hidden) {
      layers.push(new Linear(features, size), new BatchNorm1d(size), new ReLU(), new Dropout(dropout));
      features = size;
    }
    layers.push(new Linear(features, tasks));
    this.length = length;
    this.body = this.registerModule('body', new Sequential(...(layers as ConstructorParameters<typeof Sequential>)));
  }

  /** x: [N, 4, length] float32 -> [N, tasks] logits. */
  forward(x: Tensor): Tensor {
    return this.body.forward(x);
  }
}
