/** The op surface: every wrapped ATen operator (generated) and the Tensor methods. */
import './generated/methods.js';

export * from './generated/ops.js';
