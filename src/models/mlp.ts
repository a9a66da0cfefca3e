/**
 * A multilayer perceptron for expression regression in the style of D-GEX (Chen et al. 2016),
 * which predicts the expression of target genes from ~1000 landmark genes with fully connected
 * tanh layers and dropout. Input [N, features]; output [N, targets].
 */
import { Dropout, Linear, Module, BatchNorm1d, Sequential, type TensorModule } from '../nn/index.js';
import type { Tensor } from '../core/index.js';
import { checkFeatureInput, checkPositive, checkRate, makeActivation, type ActivationName } from './common.js';

export interface MLPOptions {
  /** Input features. Default 943 (the D-GEX / LINCS L1000 landmark genes). */
  features?: number;
  /** Outputs. Default 4760 (D-GEX splits its 9520 target genes into two halves of 4760, one model each). */
  targets?: number;
  /** Hidden layer sizes. Default [3000, 3000]. */
  hidden?: readonly number[];
  /** Dropout after each hidden layer. Default 0.1 (D-GEX's best setting). */
  dropout?: number;
  /** Hidden activation. Default 'tanh' (D-GEX). */
  activation?: ActivationName;
  /** BatchNorm1d after each hidden Linear, before the activation. Default false. */
  batchNorm?: boolean;
}

/**
 * The hidden stack shared by the MLP, the autoencoders and the multi-view model: per size
 * [Linear, BatchNorm1d (with batchNorm), activation, Dropout (when dropout > 0)].
 */
export function hiddenLayers(
  inputs: number,
  sizes: readonly number[],
  { activation = 'relu', dropout = 0, batchNorm = false }: { activation?: ActivationName; dropout?: number; batchNorm?: boolean },
): { layers: TensorModule[]; outputs: number } {
  checkRate('dropout', dropout);
  const layers: TensorModule[] = [];
  let width = inputs;
  sizes.forEach((size, i) => {
    checkPositive(`hidden[${i}]`, size);
    layers.push(new Linear(width, size));
    if (batchNorm) layers.push(new BatchNorm1d(size));
    layers.push(makeActivation(activation));
    if (dropout > 0) layers.push(new Dropout(dropout));
    width = size;
  });
  return { layers, outputs: width };
}

/** Child (PyTorch names): `body` Sequential of the hidden blocks (Dropout omitted when 0) and the output Linear. */
export class MLP extends Module {
  readonly features: number;
  readonly body: Sequential;

  constructor(options: MLPOptions = {}) {
    super();
    const { features = 943, targets = 4760, hidden = [3000, 3000], dropout = 0.1, activation = 'tanh', batchNorm = false } = options;
    checkPositive('features', features);
    checkPositive('targets', targets);
    const { layers, outputs } = hiddenLayers(features, hidden, { activation, dropout, batchNorm });
    this.features = features;
    this.body = this.registerModule('body', new Sequential(...layers, new Linear(outputs, targets)));
  }

  /** x: [N, features] float32 -> [N, targets]. */
  forward(x: Tensor): Tensor {
    checkFeatureInput('MLP', x, this.features);
    return this.body.forward(x);
  }
}
