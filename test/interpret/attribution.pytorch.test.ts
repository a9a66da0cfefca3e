/**
 * Saliency, integrated gradients and DeepLIFT of a conv net against PyTorch with the same
 * weights, inputs and baselines: autograd's input gradient, integrated gradients written out
 * with the same trapezoid rule, and the hook-based DeepLIFT of the benchmark peer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { manualSeed, tidy } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { oneHot } from '../../src/genomics/one-hot.js';
import { shuffledReferences } from '../../src/interpret/baselines.js';
import { deeplift } from '../../src/interpret/deeplift.js';
import { integratedGradients } from '../../src/interpret/integrated-gradients.js';
import { saliency } from '../../src/interpret/saliency.js';
import { AvgPool1d, BatchNorm1d, Conv1d, Flatten, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { assertMatches, PY_HELPERS, randomizeParameters, stateJson, tensorJson } from '../nn/torch-bridge.js';

const PEERS = fileURLToPath(new URL('../../../bench/peers/', import.meta.url));
const LENGTH = 40;

const PY_NET = `
import torch.nn as nn
net = nn.Sequential(nn.Conv1d(4, 6, 5), nn.BatchNorm1d(6), nn.ReLU(), nn.AvgPool1d(2), nn.Conv1d(6, 5, 3), nn.ReLU(),
                    nn.Flatten(), nn.Linear(5 * 16, 8), nn.ReLU(), nn.Linear(8, 3)).double()
load(net, inputs['state'])
net.eval()
for p in net.parameters():
    p.requires_grad_(False)
x, refs = T(inputs['x']), T(inputs['refs'])
n, k = refs.shape[0], refs.shape[1]
target = inputs['target']

def grad(inp):
    inp = inp.clone().requires_grad_()
    net(inp)[:, target].sum().backward()
    return inp.grad

saliency = grad(x) * x
steps = inputs['steps']
alphas = torch.linspace(0, 1, steps, dtype=torch.float64)
weights = torch.full((steps,), 1.0 / (steps - 1), dtype=torch.float64)
weights[0] = weights[-1] = 0.5 / (steps - 1)
ig = torch.zeros_like(x)
for j in range(k):
    b = refs[:, j]
    total = sum(w * grad(b + a * (x - b)) for a, w in zip(alphas, weights))
    ig += total * (x - b) / k

sys.path.insert(0, inputs['peers'])
from torch_interpret import hook_deeplift
dl = sum(hook_deeplift(net, x, refs[:, j], lambda out, m: out[:m, target]) for j in range(k)) / k
result = {'saliency': J(saliency), 'ig': J(ig), 'deeplift': J(dl)}
`;

test('saliency, integrated gradients and DeepLIFT equal PyTorch (autograd, the same trapezoid rule, hook DeepLIFT)', (t) => {
  manualSeed(12);
  const net = new Sequential(
    new Conv1d(4, 6, 5),
    new BatchNorm1d(6),
    new ReLU(),
    new AvgPool1d(2),
    new Conv1d(6, 5, 3),
    new ReLU(),
    new Flatten(),
    new Linear(5 * 16, 8),
    new ReLU(),
    new Linear(8, 3),
  );
  randomizeParameters(net);
  net.toDType('float64').eval();
  const random = new Random(5);
  tidy(() => {
    const x = oneHot(Array.from({ length: 4 }, () => Array.from({ length: LENGTH }, () => 'ACGT'[random.int(4)]).join(''))).toDType('float64');
    const refs = shuffledReferences(x, { count: 3, seed: 2 });
    const target = 2;
    const steps = 24;
    const expected = runPyTorch<Record<'saliency' | 'ig' | 'deeplift', { shape: number[]; values: number[] }>>(`${PY_HELPERS}${PY_NET}`, {
      state: stateJson(net),
      x: tensorJson(x),
      refs: tensorJson(refs),
      target,
      steps,
      peers: PEERS,
    });
    if (expected === null) return t.skip('python3-torch not installed');
    assertMatches(saliency(net, x, { target }).attributions, expected.saliency, { message: 'saliency', atol: 1e-10, rtol: 1e-8 });
    assertMatches(integratedGradients(net, x, { target, baseline: refs, steps }).attributions, expected.ig, { message: 'integrated gradients', atol: 1e-10, rtol: 1e-8 });
    assertMatches(deeplift(net, x, { target, references: refs }).attributions, expected.deeplift, { message: 'DeepLIFT', atol: 1e-10, rtol: 1e-8 });
    assert.ok(expected.deeplift.values.some((v) => Math.abs(v) > 1e-3), 'non-trivial attributions');
  });
  net.dispose();
});
