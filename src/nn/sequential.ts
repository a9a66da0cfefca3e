/** Sequential: modules applied one after another, as torch.nn.Sequential (children named '0', '1', ...). */
import { InputError, type Tensor } from '../core/index.js';
import { Module, type TensorModule } from './module.js';

export class Sequential extends Module {
  readonly #layers: TensorModule[] = [];

  constructor(...layers: TensorModule[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  /** Adds `layer` at the end (named by its position). Returns this. */
  append(layer: TensorModule): this {
    this.registerModule(String(this.#layers.length), layer);
    this.#layers.push(layer);
    return this;
  }

  get length(): number {
    return this.#layers.length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): TensorModule {
    const layer = this.#layers.at(index);
    if (layer === undefined) throw new InputError(`expected a layer index in [${-this.length}, ${this.length}), got ${index}`);
    return layer;
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    return this.#layers[Symbol.iterator]();
  }

  /**
   * x through every layer in order. Each intermediate result is freed as soon as the next
   * layer has consumed it (autograd keeps its own reference to what backward needs), so
   * peak memory matches PyTorch's and training is not slowed by it.
   */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.#layers) {
      const next = layer.forward(y);
      if (next !== y && y !== x) y.dispose();
      y = next;
    }
    return y;
  }
}
