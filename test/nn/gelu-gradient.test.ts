/**
 * libtorch 1.13's exact GELU backward is wrong when the incoming gradient is not contiguous
 * (checked in PyTorch 1.13 itself: errors up to 1e7, or NaN). Strand's gelu must give the true
 * gradient whatever follows it: here a transpose, as when a convolution's output over [N, C, L]
 * is read back as [N, L, C] tokens.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, tensor } from '../../src/core/index.js';
import { GELU, gelu } from '../../src/nn/index.js';
import { Random } from '../../src/data/random.js';

/** Abramowitz-Stegun 7.1.26 is too coarse; erf by its Taylor series (|x| < 4 here). */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

test('gelu gives the true gradient when its output is transposed before the loss', () => {
  manualSeed(1);
  const random = new Random(4);
  const [N, C, L] = [4, 8, 16];
  const values = Float32Array.from({ length: N * C * L }, () => (random.next() - 0.5) * 6);
  for (const layer of [(x: ReturnType<typeof tensor>) => gelu(x), (x: ReturnType<typeof tensor>) => new GELU().forward(x)]) {
    const x = tensor(values, [N, C, L]);
    x.requiresGrad = true;
    const y = layer(x).transpose(1, 2).contiguous();
    y.mul(y).sum().backward();
    const grad = x.grad!.toArray();
    let worst = 0;
    values.forEach((v, i) => {
      const expected = 2 * v * Phi(v) * (Phi(v) + v * phi(v)); // d/dx gelu(x)^2
      worst = Math.max(worst, Math.abs(grad[i]! - expected));
    });
    assert.ok(worst < 1e-4, `largest gradient error ${worst}`);
  }
});
