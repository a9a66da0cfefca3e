/**
 * DanQ (Quang & Xie 2016): one wide convolution, max pooling, a bidirectional LSTM over the
 * pooled positions, then two fully connected layers, one logit per task.
 * Input [N, 4, length] one-hot DNA; output [N, tasks] logits.
 */
import { InputError, type Tensor } from '../core/index.js';
import { Conv1d, Dropout, Linear, LSTM, MaxPool1d, Module } from '../nn/index.js';

export interface DanQOptions {
  /** Input length in bp. Default 1000. */
  length?: number;
  /** Output tasks. Default 919 (the DeepSEA chromatin profiles). */
  tasks?: number;
  /** Convolution filters and width. Default 320 x 26. */
  filters?: number;
  kernel?: number;
  /** Max-pool width and stride. Default 13. */
  pool?: number;
  /** LSTM hidden size per direction. Default 320. */
  hidden?: number;
  /** Fully connected hidden size. Default 925. */
  dense?: number;
}

export class DanQ extends Module {
  readonly conv: Conv1d;
  readonly pool: MaxPool1d;
  readonly drop1 = this.registerModule('drop1', new Dropout(0.2));
  readonly lstm: LSTM;
  readonly drop2 = this.registerModule('drop2', new Dropout(0.5));
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(options: DanQOptions = {}) {
    super();
    const { length = 1000, tasks = 919, filters = 320, kernel = 26, pool = 13, hidden = 320, dense = 925 } = options;
    const steps = Math.floor((length - kernel + 1) / pool);
    if (steps < 1) throw new InputError(`input length ${length} is too short for a ${kernel} bp convolution and ${pool} bp pooling`);
    this.conv = this.registerModule('conv', new Conv1d(4, filters, kernel));
    this.pool = this.registerModule('pool', new MaxPool1d(pool, { stride: pool }));
    this.lstm = this.registerModule('lstm', new LSTM(filters, hidden, { batchFirst: true, bidirectional: true }));
    this.fc1 = this.registerModule('fc1', new Linear(steps * 2 * hidden, dense));
    this.fc2 = this.registerModule('fc2', new Linear(dense, tasks));
  }

  /** x: [N, 4, length] float32 -> [N, tasks] logits. */
  forward(x: Tensor): Tensor {
    // Intermediates are freed as soon as they are used (autograd keeps what backward needs).
    const steps: ((t: Tensor) => Tensor)[] = [
      (t) => this.conv.forward(t),
      (t) => t.relu(),
      (t) => this.pool.forward(t),
      (t) => this.drop1.forward(t),
      (t) => t.transpose(1, 2),
      (t) => {
        const { output, h, c } = this.lstm.forward(t);
        h.dispose();
        c.dispose();
        return output;
      },
      (t) => this.drop2.forward(t),
      (t) => t.flatten({ startDim: 1 }),
      (t) => this.fc1.forward(t),
      (t) => t.relu(),
      (t) => this.fc2.forward(t),
    ];
    let y = x;
    for (const step of steps) {
      const next = step(y);
      if (next !== y && y !== x) y.dispose();
      y = next;
    }
    return y;
  }
}
