export * from './core/index.js';
export * as ops from './ops/index.js';
