/** The model zoo: architectures for sequences, tokens and expression vectors, custom layer lists, and a registry by name. */
export * from './autoencoder.js';
export * from './basset.js';
export * from './conv-lm.js';
export * from './language-model.js';
export * from './transformer-lm.js';
export * from './custom.js';
export * from './danq.js';
export * from './deepbind.js';
export * from './deepsea.js';
export * from './dilated-residual-cnn.js';
export * from './mlp.js';
export * from './multi-view.js';
export * from './registry.js';
export * from './sequence-transformer.js';
export { ACTIVATIONS, ModuleList, type ActivationName } from './common.js';
export { parseOptions } from './schema.js';
export * from './lm-predictions.js';
export * from './lm-classifier.js';
