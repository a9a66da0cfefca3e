/** The VAE's KL term against a hand computation, and its reparameterisation in training vs eval mode. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, manualSeed, noGrad, tensor, tidy } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { VAE } from '../../src/models/index.js';
import { klDivergence } from '../../src/train/losses.js';
import { assertClose } from '../helpers/assert-close.js';

test('klDivergence is the batch mean of the per-sample KL(N(mu, sigma^2) || N(0, 1)) summed over dimensions', () => {
  const mu = [[0, 1], [2, -1]];
  const logvar = [[0, Math.log(2)], [-1, 0]];
  // Per dimension, KL = (sigma^2 + mu^2 - 1 - ln sigma^2) / 2 (textbook closed form), written out:
  // sample 0: (1 + 0 - 1 - 0) / 2 = 0 and (2 + 1 - 1 - ln 2) / 2 = 1 - ln(2) / 2;
  // sample 1: (e^-1 + 4 - 1 + 1) / 2 = 2 + e^-1 / 2 and (1 + 1 - 1 - 0) / 2 = 1/2.
  const sample0 = 0 + (1 - Math.log(2) / 2);
  const sample1 = 2 + Math.exp(-1) / 2 + 0.5;
  const expected = (sample0 + sample1) / 2;
  tidy(() => {
    const kl = klDivergence(tensor(mu, undefined, 'float64'), tensor(logvar, undefined, 'float64'));
    assert.deepEqual(kl.shape, []);
    assertClose([kl.item()], [expected], { atol: 1e-12, rtol: 1e-12 });
    // The standard normal itself has no divergence.
    assert.equal(Math.abs(klDivergence(ops.zeros([3, 4]), ops.zeros([3, 4])).item()), 0);
  });
  assert.throws(() => klDivergence(ops.zeros([3, 4]), ops.zeros([3, 5])), InputError);
  assert.throws(() => klDivergence(ops.zeros([4]), ops.zeros([4])), /expected a \(N, D\) float tensor for latent mean/);
});

test('the VAE samples latent = mu + sigma * eps in training and uses mu in eval', () => {
  manualSeed(8);
  const vae = new VAE({ features: 3, hidden: [4], latent: 2 });
  tidy(() => {
    const x = ops.randn([4000, 3]);
    const train = noGrad(() => vae.train().forward(x));
    // eps = (latent - mu) / sigma should be standard normal draws.
    const eps = train.latent.sub(train.mu).div(train.logvar.mul(0.5).exp()).reshape([-1]).toArray();
    const mean = eps.reduce((a, b) => a + b, 0) / eps.length;
    const variance = eps.reduce((a, b) => a + (b - mean) ** 2, 0) / eps.length;
    assert.ok(Math.abs(mean) < 0.05, `eps mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.06, `eps variance ${variance}`);
    const evaluation = noGrad(() => vae.eval().forward(x));
    assert.deepEqual(evaluation.latent.toArray(), evaluation.mu.toArray());
    assert.deepEqual(evaluation.reconstruction.toArray(), noGrad(() => vae.decoder.forward(evaluation.mu)).toArray());
  });
  vae.dispose();
});
