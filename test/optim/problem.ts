/**
 * A tiny deterministic least-squares problem shared by the optimizer tests: 8 samples,
 * 3 features, parameters w: [3] and b: [1], loss = mean((X w + b - y)^2).
 */
import { tensor, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';

export const X: number[][] = Array.from({ length: 8 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(3 * i + j + 1)));
export const Y: number[] = X.map((row, i) => 0.5 * row[0]! - 1.5 * row[1]! + 2 * row[2]! + 0.3 + 0.1 * Math.cos(i));
export const W0: number[] = [0.2, -0.1, 0.4];
export const B0: number[] = [0.05];

/** Fresh leaf parameters at the initial values. */
export function makeParams(): { w: Tensor; b: Tensor } {
  return { w: tensor(W0).requiresGrad_(), b: tensor(B0).requiresGrad_() };
}

/** The loss at (w, b) with its gradients accumulated into w.grad and b.grad. Call inside tidy(). */
export function backwardLoss(w: Tensor, b: Tensor): number {
  const loss = ops.matmul(tensor(X), w).add(b).sub(tensor(Y)).pow(2).mean();
  loss.backward();
  return loss.item();
}

/**
 * Python (for runPyTorch) defining `make_params()` and `loss_of(w, b)` for the same problem;
 * it expects `inputs.X`, `inputs.Y`, `inputs.W0`, `inputs.B0`.
 */
export const pythonProblem = `
X = torch.tensor(inputs['X'])
Y = torch.tensor(inputs['Y'])
def make_params():
    return torch.tensor(inputs['W0'], requires_grad=True), torch.tensor(inputs['B0'], requires_grad=True)
def loss_of(w, b):
    return ((X @ w + b - Y) ** 2).mean()
`;

export const problemInputs = { X, Y, W0, B0 };
