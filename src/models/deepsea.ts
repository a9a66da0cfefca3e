/**
 * DeepSEA (Zhou & Troyanskaya 2015): three convolution layers (ReLU; max pooling after the
 * first two; dropout after each), a fully connected ReLU layer and one logit per chromatin
 * profile. Input [N, 4, length] one-hot DNA; output [N, tasks] logits (apply a sigmoid for
 * probabilities).
 */
import { InputError, type Tensor } from '../core/index.js';
import { Conv1d, Dropout, Flatten, Linear, MaxPool1d, Module, ReLU, Sequential, type TensorModule } from '../nn/index.js';
import { checkPositive, checkRate, checkSequenceInput } from './common.js';

export interface DeepSEAOptions {
  /** Input length in bp. Default 1000. */
  length?: number;
  /** Output tasks. Default 919 (the DeepSEA chromatin profiles). */
  tasks?: number;
  /** Filters and widths of the convolutions. Default [[320, 8], [480, 8], [960, 8]]. */
  convolutions?: readonly (readonly [number, number])[];
  /** Max-pool width (and stride) after each convolution; 1 for none. Default [4, 4, 1]. */
  pools?: readonly number[];
  /** Dropout after each convolution block. Default [0.2, 0.2, 0.5]. */
  dropouts?: readonly number[];
  /** Fully connected hidden size. Default 925. */
  hidden?: number;
}

/**
 * Children (PyTorch names): `features` Sequential of per convolution [Conv1d, ReLU, MaxPool1d
 * (omitted for pool 1), Dropout]; `classifier` Sequential [Flatten, Linear(channels *
 * featureLength, hidden), ReLU, Linear(hidden, tasks)].
 */
export class DeepSEA extends Module {
  readonly length: number;
  /** Channels and length of the `features` output: [N, featureChannels, featureLength]. */
  readonly featureChannels: number;
  readonly featureLength: number;
  readonly features: Sequential;
  readonly classifier: Sequential;

  constructor(options: DeepSEAOptions = {}) {
    super();
    const {
      length = 1000,
      tasks = 919,
      convolutions = [[320, 8], [480, 8], [960, 8]],
      pools = [4, 4, 1],
      dropouts = [0.2, 0.2, 0.5],
      hidden = 925,
    } = options;
    checkPositive('length', length);
    checkPositive('tasks', tasks);
    checkPositive('hidden', hidden);
    if (convolutions.length === 0) throw new InputError('expected at least one convolution, got none');
    if (pools.length !== convolutions.length) {
      throw new InputError(`expected one pool width per convolution (${convolutions.length}), got ${pools.length}`);
    }
    if (dropouts.length !== convolutions.length) {
      throw new InputError(`expected one dropout rate per convolution (${convolutions.length}), got ${dropouts.length}`);
    }
    // Shapes first, so a bad combination fails before any weight is allocated.
    let width = length;
    convolutions.forEach(([filters, kernel], i) => {
      checkPositive(`convolutions[${i}] filters`, filters);
      checkPositive(`convolutions[${i}] kernel`, kernel);
      checkPositive(`pools[${i}]`, pools[i]!);
      checkRate(`dropouts[${i}]`, dropouts[i]!);
      if (width < kernel) throw new InputError(`input length ${length} is too short for the convolutions and pools (${width} bp left before convolution ${i} of width ${kernel})`);
      width = Math.floor((width - kernel + 1) / pools[i]!);
    });
    if (width < 1) throw new InputError(`input length ${length} is too short for the convolutions and pools`);
    const layers: TensorModule[] = [];
    let channels = 4;
    convolutions.forEach(([filters, kernel], i) => {
      layers.push(new Conv1d(channels, filters, kernel), new ReLU());
      if (pools[i]! > 1) layers.push(new MaxPool1d(pools[i]!));
      layers.push(new Dropout(dropouts[i]!));
      channels = filters;
    });
    this.length = length;
    this.featureChannels = channels;
    this.featureLength = width;
    this.features = this.registerModule('features', new Sequential(...layers));
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(new Flatten(), new Linear(channels * width, hidden), new ReLU(), new Linear(hidden, tasks)),
    );
  }

  /** The forward pass as a chain of layers (features, then classifier), for methods that walk it (patched ISM and variant scoring). */
  layerChain(): Module[] {
    return [this.features, this.classifier];
  }

  /** x: [N, 4, length] float32 -> [N, tasks] logits. */
  forward(x: Tensor): Tensor {
    checkSequenceInput('DeepSEA', x, 4, this.length);
    return this.classifier.forward(this.features.forward(x));
  }
}
