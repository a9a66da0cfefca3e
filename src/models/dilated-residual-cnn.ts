/**
 * A dilated residual CNN in the style of BPNet (Avsec et al. 2021) and Basenji (Kelley et al.
 * 2018): a stem convolution, then residual blocks of dilated convolutions whose dilation
 * grows geometrically (2, 4, 8, ... by default), all with 'same' padding so every position
 * keeps a value; then two heads for base-resolution signal (e.g. bigWig) targets:
 * - profile: a wide convolution giving per-position logits [N, tasks, L - 2 * crop] (the
 *   shape of the signal; softmax over positions gives its distribution);
 * - counts: the mean of the trunk over positions through a linear layer, the predicted
 *   log total count per task [N, tasks].
 */
import { InputError, type Tensor } from '../core/index.js';
import { Conv1d, Dropout, Linear, Module, type TensorModule } from '../nn/index.js';
import { checkPositive, checkRate, checkSequenceInput, makeActivation, ModuleList, type ActivationName } from './common.js';

export interface DilatedResidualCNNOptions {
  /** Input length in bp; when given, inputs must have it. Default none (any length > 2 * crop). */
  length?: number;
  /** Profile and count outputs (e.g. 2 for the two strands of one experiment). Default 1. */
  tasks?: number;
  /** Channels of every convolution in the trunk. Default 64 (BPNet). */
  filters?: number;
  /** Stem convolution width. Default 21 (bpnet-lite). */
  stemKernel?: number;
  /** Residual dilated blocks. Default 9 (BPNet). */
  layers?: number;
  /** Width of the dilated convolutions. Default 3. */
  kernel?: number;
  /** Block i (from 0) has dilation round(dilationRate^(i + 1)). Default 2 (BPNet: 2 ... 512; Basenji uses 1.5). */
  dilationRate?: number;
  /** Profile head convolution width. Default 75 (BPNet). */
  profileKernel?: number;
  /** Positions removed from each end of the profile output. Default 0. */
  crop?: number;
  /** Activation after the stem and inside each block. Default 'relu'. */
  activation?: ActivationName;
  /** Dropout on each block's branch before the residual sum. Default 0. */
  dropout?: number;
}

/** The two heads' outputs. */
export interface ProfileOutput {
  /** Per-position logits: [N, tasks, L - 2 * crop]. */
  profile: Tensor;
  /** Predicted log total counts: [N, tasks]. */
  counts: Tensor;
}

/** One residual block: x + dropout(activation(conv(x))), the conv dilated with 'same' padding. Children: conv, activation, dropout. */
export class DilatedResidualBlock extends Module {
  readonly conv: Conv1d;
  readonly activation: TensorModule;
  readonly dropout: Dropout;

  constructor(channels: number, kernel: number, dilation: number, activation: ActivationName, dropout: number) {
    super();
    this.conv = this.registerModule('conv', new Conv1d(channels, channels, kernel, { padding: 'same', dilation }));
    this.activation = this.registerModule('activation', makeActivation(activation));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
  }

  /** x: [N, channels, L] -> same shape. */
  forward(x: Tensor): Tensor {
    return x.add(this.dropout.forward(this.activation.forward(this.conv.forward(x))));
  }
}

/**
 * Children (PyTorch names): `stem` Conv1d(4, filters, stemKernel, 'same'), `stemActivation`,
 * `blocks.{i}` DilatedResidualBlock (`blocks.{i}.conv`), `profile` Conv1d(filters, tasks,
 * profileKernel, 'same'), `counts` Linear(filters, tasks).
 */
export class DilatedResidualCNN extends Module {
  readonly length: number | undefined;
  readonly crop: number;
  readonly filters: number;
  /** Dilation of each block. */
  readonly dilations: readonly number[];
  readonly stem: Conv1d;
  readonly stemActivation: TensorModule;
  readonly blocks: ModuleList<DilatedResidualBlock>;
  readonly profile: Conv1d;
  readonly counts: Linear;

  constructor(options: DilatedResidualCNNOptions = {}) {
    super();
    const {
      length,
      tasks = 1,
      filters = 64,
      stemKernel = 21,
      layers = 9,
      kernel = 3,
      dilationRate = 2,
      profileKernel = 75,
      crop = 0,
      activation = 'relu',
      dropout = 0,
    } = options;
    if (length !== undefined) checkPositive('length', length);
    checkPositive('tasks', tasks);
    checkPositive('filters', filters);
    checkPositive('stemKernel', stemKernel);
    if (!(Number.isInteger(layers) && layers >= 0)) throw new InputError(`expected a non-negative integer for layers, got ${layers}`);
    checkPositive('kernel', kernel);
    if (!(dilationRate >= 1)) throw new InputError(`expected a dilationRate of at least 1, got ${dilationRate}`);
    checkPositive('profileKernel', profileKernel);
    if (!(Number.isInteger(crop) && crop >= 0)) throw new InputError(`expected a non-negative integer for crop, got ${crop}`);
    checkRate('dropout', dropout);
    if (length !== undefined && length <= 2 * crop) throw new InputError(`expected a length above 2 * crop = ${2 * crop}, got ${length}`);
    this.length = length;
    this.crop = crop;
    this.filters = filters;
    this.dilations = Array.from({ length: layers }, (_, i) => Math.round(dilationRate ** (i + 1)));
    this.stem = this.registerModule('stem', new Conv1d(4, filters, stemKernel, { padding: 'same' }));
    this.stemActivation = this.registerModule('stemActivation', makeActivation(activation));
    this.blocks = this.registerModule(
      'blocks',
      new ModuleList(this.dilations.map((d) => new DilatedResidualBlock(filters, kernel, d, activation, dropout))),
    );
    this.profile = this.registerModule('profile', new Conv1d(filters, tasks, profileKernel, { padding: 'same' }));
    this.counts = this.registerModule('counts', new Linear(filters, tasks));
  }

  /** The trunk (stem and residual blocks): x [N, 4, L] -> [N, filters, L]. */
  trunk(x: Tensor): Tensor {
    const [, , length] = checkSequenceInput('DilatedResidualCNN', x, 4, this.length);
    if (length <= 2 * this.crop) throw new InputError(`expected sequences longer than 2 * crop = ${2 * this.crop} bp, got ${length}`);
    let h = this.stemActivation.forward(this.stem.forward(x));
    for (const block of this.blocks.items) h = block.forward(h);
    return h;
  }

  /** x: [N, 4, L] float32 -> { profile [N, tasks, L - 2 * crop], counts [N, tasks] }. */
  forward(x: Tensor): ProfileOutput {
    const h = this.trunk(x);
    const length = h.shape[2]!;
    let profile = this.profile.forward(h);
    if (this.crop > 0) profile = profile.narrow(2, this.crop, length - 2 * this.crop);
    const counts = this.counts.forward(h.meanDim([2]));
    return { profile, counts };
  }
}
