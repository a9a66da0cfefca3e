/**
 * Autoencoders for expression profiles (embeddings of samples): a plain autoencoder
 * (encoder MLP to a latent vector, decoder MLP back) and a variational autoencoder (Kingma &
 * Welling 2014: the encoder gives the mean and log-variance of a Gaussian posterior; training
 * samples from it by reparameterisation). Input [N, features].
 */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Linear, Module, Sequential, type TensorModule } from '../nn/index.js';
import { checkFeatureInput, checkPositive, makeActivation, type ActivationName } from './common.js';
import { hiddenLayers } from './mlp.js';

export interface AutoencoderOptions {
  /** Input features (e.g. genes). Required. */
  features: number;
  /** Encoder hidden sizes; the decoder uses them in reverse. Default [512, 128]. */
  hidden?: readonly number[];
  /** Latent size. Default 32. */
  latent?: number;
  /** Hidden activation. Default 'relu'. */
  activation?: ActivationName;
  /** Dropout after each hidden layer. Default 0. */
  dropout?: number;
  /** Activation on the reconstruction: 'none' (real values), 'sigmoid' ([0, 1] data) or 'softplus' (non-negative). Default 'none'. */
  outputActivation?: 'none' | 'sigmoid' | 'softplus';
}

export interface AutoencoderOutput {
  /** [N, features]. */
  reconstruction: Tensor;
  /** [N, latent]. */
  latent: Tensor;
}

export interface VAEOutput extends AutoencoderOutput {
  /** Posterior means [N, latent]. */
  mu: Tensor;
  /** Posterior log-variances [N, latent]. */
  logvar: Tensor;
}

/** Decoder: hidden sizes reversed, then Linear to features and the output activation. */
function decoder(options: AutoencoderOptions, latent: number): Sequential {
  const { features, hidden = [512, 128], activation = 'relu', dropout = 0, outputActivation = 'none' } = options;
  const { layers, outputs } = hiddenLayers(latent, [...hidden].reverse(), { activation, dropout });
  const out: TensorModule[] = [...layers, new Linear(outputs, features)];
  if (outputActivation === 'sigmoid' || outputActivation === 'softplus') out.push(makeActivation(outputActivation));
  else if (outputActivation !== 'none') throw new InputError(`expected outputActivation 'none', 'sigmoid' or 'softplus', got '${String(outputActivation)}'`);
  return new Sequential(...out);
}

function checkCommon(options: AutoencoderOptions): void {
  if (options === undefined || options === null || typeof options !== 'object') throw new InputError('expected autoencoder options with features, got none');
  checkPositive('features', options.features);
  checkPositive('latent', options.latent ?? 32);
}

/**
 * Children (PyTorch names): `encoder` Sequential [hidden blocks..., Linear(last, latent)],
 * `decoder` Sequential [reversed hidden blocks..., Linear(first, features), output activation].
 */
export class Autoencoder extends Module {
  readonly features: number;
  readonly latentSize: number;
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(options: AutoencoderOptions) {
    super();
    checkCommon(options);
    const { features, hidden = [512, 128], latent = 32, activation = 'relu', dropout = 0 } = options;
    const { layers, outputs } = hiddenLayers(features, hidden, { activation, dropout });
    this.features = features;
    this.latentSize = latent;
    this.encoder = this.registerModule('encoder', new Sequential(...layers, new Linear(outputs, latent)));
    this.decoder = this.registerModule('decoder', decoder(options, latent));
  }

  /** x: [N, features] float32 -> { reconstruction [N, features], latent [N, latent] }. */
  forward(x: Tensor): AutoencoderOutput {
    checkFeatureInput('Autoencoder', x, this.features);
    const latent = this.encoder.forward(x);
    return { reconstruction: this.decoder.forward(latent), latent };
  }
}

/**
 * Children (PyTorch names): `encoder` Sequential of the hidden blocks, `mu` and `logvar`
 * Linear(last hidden, latent), `decoder` as the Autoencoder's.
 */
export class VAE extends Module {
  readonly features: number;
  readonly latentSize: number;
  readonly encoder: Sequential;
  readonly mu: Linear;
  readonly logvar: Linear;
  readonly decoder: Sequential;

  constructor(options: AutoencoderOptions) {
    super();
    checkCommon(options);
    const { features, hidden = [512, 128], latent = 32, activation = 'relu', dropout = 0 } = options;
    const { layers, outputs } = hiddenLayers(features, hidden, { activation, dropout });
    this.features = features;
    this.latentSize = latent;
    this.encoder = this.registerModule('encoder', new Sequential(...layers));
    this.mu = this.registerModule('mu', new Linear(outputs, latent));
    this.logvar = this.registerModule('logvar', new Linear(outputs, latent));
    this.decoder = this.registerModule('decoder', decoder(options, latent));
  }

  /**
   * x: [N, features] float32 -> { reconstruction [N, features], mu, logvar, latent [N, latent] }.
   * In training mode latent = mu + exp(logvar / 2) * eps with eps ~ N(0, I); in eval mode latent = mu.
   */
  forward(x: Tensor): VAEOutput {
    checkFeatureInput('VAE', x, this.features);
    const h = this.encoder.forward(x);
    const mu = this.mu.forward(h);
    const logvar = this.logvar.forward(h);
    const latent = this.training ? mu.add(logvar.mul(0.5).exp().mul(ops.randnLike(mu))) : mu;
    return { reconstruction: this.decoder.forward(latent), mu, logvar, latent };
  }
}
