/** Count-model baselines for DNA language models: order-k Markov and symmetric-context models. */
export { encodeBaseCodes, softMaskClasses, INVALID_BASE, type DnaSequence, type ReadStrand } from './base-codes.js';
export { ktProbability, type CountModel, type CountModelKind } from './count-model.js';
export { MarkovModel, MAX_MARKOV_ORDER } from './markov.js';
export { SymmetricContextModel, MAX_SYMMETRIC_K } from './symmetric.js';
export { crossEntropy, type ClassCrossEntropy, type CrossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export { variantLlr, type VariantLlrOptions } from './variant-llr.js';
export {
  compareCountModels,
  createCountModel,
  type CompareCountModelsOptions,
  type CountModelComparison,
  type CountModelResult,
  type CountModelSpec,
} from './compare.js';
