/**
 * DeepLIFT on a model that is not a layer chain (bpnet: residual blocks, two heads) against an
 * independent PyTorch DeepLIFT done the way captum and tangermeme do it: the model runs on
 * [x; reference], and a backward hook on every ReLU module replaces its gradient by the rescale
 * multiplier (y - y_ref) / (z - z_ref). Same weights, inputs and references on both sides.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, noGrad, tidy, type Tensor } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { oneHot } from '../../src/genomics/one-hot.js';
import { shuffledReferences } from '../../src/interpret/baselines.js';
import { deeplift } from '../../src/interpret/deeplift.js';
import { selectTarget, type HeadTarget } from '../../src/interpret/target.js';
import { DilatedResidualCNN } from '../../src/models/index.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { PY_MODELS } from '../models/pytorch-zoo.js';
import { assertMatches, PY_HELPERS, randomizeParameters, stateJson, tensorJson } from '../nn/torch-bridge.js';

const PY_DEEPLIFT = `
def deeplift(model, x, ref, target):
    memo = {}
    def keep(mod, inp, out):
        memo[mod] = (inp[0].detach(), out.detach())
    def rescale(mod, grad_in, grad_out):
        z, y = memo[mod]
        n = z.shape[0] // 2
        dz, dy = z[:n] - z[n:], y[:n] - y[n:]
        small = dz.abs() < 1e-6
        m = torch.where(small, (z[:n] > 0).to(z.dtype), dy / torch.where(small, torch.ones_like(dz), dz))
        return (grad_out[0] * torch.cat([m, m]),)
    hooks = []
    for mod in model.modules():
        if isinstance(mod, nn.ReLU):
            hooks += [mod.register_forward_hook(keep), mod.register_full_backward_hook(rescale)]
    n = x.shape[0]
    both = torch.cat([x, ref]).requires_grad_()
    out = model(both)
    task = target['task']
    if target['head'] == 'counts':
        y = out['counts'][:n, task]
    else:
        logits = out['profile'][:n, task]
        c = logits - logits.mean(-1, keepdim=True)
        y = (c * torch.softmax(c.detach(), -1)).sum(-1)
    y.sum().backward()
    for h in hooks:
        h.remove()
    return both.grad[:n] * (x - ref)
`;

function randomDna(n: number, length: number, seed: number): string[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length }, () => 'ACGT'[r.int(4)]).join(''));
}

test('DeepLIFT on bpnet (residual blocks, profile and counts heads) equals a hook-based PyTorch DeepLIFT', (t) => {
  manualSeed(8);
  const model = new DilatedResidualCNN({ tasks: 2, filters: 8, stemKernel: 7, layers: 3, profileKernel: 11, crop: 5 });
  randomizeParameters(model);
  model.toDType('float64').eval();
  const n = 3;
  const length = 60;
  tidy(() => {
    const x = oneHot(randomDna(n, length, 2)).toDType('float64');
    const refs = shuffledReferences(x, { count: 1, seed: 5 }); // [N, 1, 4, L]
    const targets: HeadTarget[] = [
      { head: 'counts', task: 1 },
      { head: 'profile', task: 0 },
    ];
    const ours = targets.map((target) => deeplift(model, x, { target, references: refs }));
    const expected = runPyTorch<{ attributions: { shape: number[]; values: number[] }[] }>(
      `${PY_HELPERS}
${PY_MODELS}
${PY_DEEPLIFT}
model = load(BPNetRef(tasks=2, f=8, stem=7, layers=3, pk=11, crop=5).double(), inputs['state'])
model.eval()
x, ref = T(inputs['x']), T(inputs['ref'])
result = {'attributions': [J(deeplift(model, x, ref, target)) for target in inputs['targets']]}
`,
      { state: stateJson(model), x: tensorJson(x), ref: tensorJson(refs.reshape([n, 4, length])), targets },
    );
    if (expected === null) return t.skip('python3-torch not installed');
    ours.forEach((result, i) => assertMatches(result.attributions, expected.attributions[i]!, { message: `${targets[i]!.head} head`, atol: 1e-9, rtol: 1e-7 }));
    // The counts head is linear in the output: contributions sum to f(x) - f(ref) exactly.
    const counts = ours[0]!;
    const f = (input: Tensor): number[] => noGrad(() => selectTarget(model.forward(input), targets[0]).toArray());
    const delta = f(x).map((v, i) => v - f(refs.reshape([n, 4, length]))[i]!);
    counts.attributions.sumDimIntList([1, 2]).toArray().forEach((s, i) => assert.ok(Math.abs(s - delta[i]!) < 1e-9, `sequence ${i}: ${s} vs ${delta[i]}`));
    assert.ok(delta.some((d) => Math.abs(d) > 1e-3), 'the references change the output');
  });
  model.dispose();
});
