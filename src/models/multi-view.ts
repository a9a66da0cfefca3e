/**
 * A two-input model: a sequence branch ([N, 4, length] one-hot DNA) and a numeric branch
 * ([N, features]: expression, chromatin marks, ...), their outputs concatenated and passed
 * through a fully connected head. The sequence branch is either a small convolution stack
 * (the default) or any module mapping [N, 4, length] to one tensor (e.g. a DeepSEA or DeepBind
 * whose `tasks` is the embedding size wanted; outputs with more than 2 dimensions are flattened).
 */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Conv1d, GlobalMaxPool1d, Linear, MaxPool1d, Module, Sequential, type TensorModule } from '../nn/index.js';
import { checkFeatureInput, checkPositive, checkRate, checkSequenceInput, dryRunShape, makeActivation, type ActivationName } from './common.js';
import { hiddenLayers } from './mlp.js';

export interface MultiViewOptions {
  /** Numeric features per sample. Required. */
  features: number;
  /** Input length in bp. Default 1000. */
  length?: number;
  /** Output tasks. Default 1. */
  tasks?: number;
  /** A sequence branch to use instead of the convolution stack (registered as child `sequence`). */
  sequenceBranch?: TensorModule;
  /** Convolution stack of the default branch: [filters, kernel] with 'same' padding. Default [[64, 9], [64, 9]]. */
  convolutions?: readonly (readonly [number, number])[];
  /** Max-pool width after each convolution of the default branch (then a global max). Default 4. */
  pool?: number;
  /** Hidden sizes of the numeric branch. Default [64]. */
  featureHidden?: readonly number[];
  /** Hidden sizes of the head after fusion. Default [64]. */
  hidden?: readonly number[];
  /** Dropout after each hidden layer (numeric branch and head). Default 0.2. */
  dropout?: number;
  /** Activation of the hidden layers and convolutions. Default 'relu'. */
  activation?: ActivationName;
}

/** The default sequence branch: per convolution [Conv1d('same'), activation, MaxPool1d], then GlobalMaxPool1d: [N, 4, L] -> [N, last filters]. */
function convBranch(convolutions: readonly (readonly [number, number])[], pool: number, activation: ActivationName, length: number): Sequential {
  if (convolutions.length === 0) throw new InputError('expected at least one convolution for the sequence branch, got none');
  checkPositive('pool', pool);
  if (Math.floor(length / pool ** convolutions.length) < 1) {
    throw new InputError(`input length ${length} is too short for ${convolutions.length} max pools of width ${pool}`);
  }
  const layers: TensorModule[] = [];
  let channels = 4;
  convolutions.forEach(([filters, kernel], i) => {
    checkPositive(`convolutions[${i}] filters`, filters);
    checkPositive(`convolutions[${i}] kernel`, kernel);
    layers.push(new Conv1d(channels, filters, kernel, { padding: 'same' }), makeActivation(activation));
    if (pool > 1) layers.push(new MaxPool1d(pool));
    channels = filters;
  });
  layers.push(new GlobalMaxPool1d());
  return new Sequential(...layers);
}

/**
 * Children (PyTorch names): `sequence` (the branch), `numeric` Sequential of hidden blocks,
 * `head` Sequential [hidden blocks over the concatenation (sequence features first)...,
 * Linear(last, tasks)].
 */
export class MultiViewModel extends Module {
  readonly length: number;
  readonly features: number;
  /** Width of the sequence branch's (flattened) output. */
  readonly sequenceFeatures: number;
  readonly sequence: TensorModule;
  readonly numeric: Sequential;
  readonly head: Sequential;

  constructor(options: MultiViewOptions) {
    super();
    if (options === undefined || options === null || typeof options !== 'object') throw new InputError('expected multi-view options with features, got none');
    const {
      features,
      length = 1000,
      tasks = 1,
      sequenceBranch,
      convolutions = [[64, 9], [64, 9]],
      pool = 4,
      featureHidden = [64],
      hidden = [64],
      dropout = 0.2,
      activation = 'relu',
    } = options;
    checkPositive('features', features);
    checkPositive('length', length);
    checkPositive('tasks', tasks);
    checkRate('dropout', dropout);
    this.length = length;
    this.features = features;
    this.sequence = this.registerModule('sequence', sequenceBranch ?? convBranch(convolutions, pool, activation, length));
    let shape: number[];
    try {
      shape = branchOutputShape(this.sequence, length);
    } catch (err) {
      if (sequenceBranch === undefined) this.sequence.dispose(); // built here; a given branch stays the caller's
      throw err;
    }
    this.sequenceFeatures = shape.slice(1).reduce((a, b) => a * b, 1);
    const numeric = hiddenLayers(features, featureHidden, { activation, dropout });
    this.numeric = this.registerModule('numeric', new Sequential(...numeric.layers));
    const fused = hiddenLayers(this.sequenceFeatures + numeric.outputs, hidden, { activation, dropout });
    this.head = this.registerModule('head', new Sequential(...fused.layers, new Linear(fused.outputs, tasks)));
  }

  /** x: [N, 4, length] float32, features: [N, features] float32 -> [N, tasks] logits. */
  forward(x: Tensor, features: Tensor): Tensor {
    const [n] = checkSequenceInput('MultiViewModel', x, 4, this.length);
    checkFeatureInput('MultiViewModel', features, this.features, 'features');
    if (features.shape[0] !== n) throw new InputError(`expected as many feature rows as sequences (${n}), got ${features.shape[0]}`);
    let s = this.sequence.forward(x);
    if (s.ndim > 2) s = s.flatten({ startDim: 1 });
    const fused = ops.cat([s, this.numeric.forward(features)], { dim: 1 });
    return this.head.forward(fused);
  }
}

/** The branch's output shape on a [1, 4, length] batch; InputError when it is not a tensor of at least 2 dimensions. */
function branchOutputShape(branch: TensorModule, length: number): number[] {
  let shape: number[];
  try {
    shape = dryRunShape(branch, [1, 4, length], (x) => {
      const y: unknown = branch.forward(x);
      if (y === null || typeof y !== 'object' || !('shape' in y) || !('dtype' in y)) {
        throw new InputError(`expected a sequence branch with one tensor output, got ${branch.constructor.name} with named outputs`);
      }
      return y as Tensor;
    });
  } catch (err) {
    if (err instanceof InputError && err.message.startsWith('expected a sequence branch')) throw err;
    throw new InputError(`the sequence branch does not accept [N, 4, ${length}] input: ${(err as Error).message}`, { cause: err });
  }
  if (shape.length < 2) throw new InputError(`expected a sequence branch output of at least 2 dimensions [N, ...], got [${shape.join(', ')}]`);
  return shape;
}
