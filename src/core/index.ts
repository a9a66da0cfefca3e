export * from './autograd.js';
export { callOp, opRef, type OpRef } from './call.js';
export * from './create.js';
export * from './dtype.js';
export * from './errors.js';
export { closestName, didYouMean, editDistance } from './did-you-mean.js';
export * from './runtime.js';
export { keep, scopeDepth, tidy } from './scope.js';
export { Tensor } from './tensor.js';
