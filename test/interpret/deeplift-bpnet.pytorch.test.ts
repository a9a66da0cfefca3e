/**
 * DeepLIFT on a model that is not a layer chain (bpnet: residual blocks, two heads) against an
 * independent PyTorch DeepLIFT done the way captum and tangermeme do it (`hook_deeplift` of the
 * benchmark peer): the model runs on [x; reference], and a backward hook on every ReLU module
 * replaces its gradient by the rescale multiplier (y - y_ref) / (z - z_ref). Same weights,
 * inputs and references on both sides.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
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

/** bench/peers/torch_interpret.py: its `hook_deeplift` is the reference here too. */
const PEERS = fileURLToPath(new URL('../../../bench/peers/', import.meta.url));

const PY_SELECT = `
def select_head(target):
    def select(out, n):
        if target['head'] == 'counts':
            return out['counts'][:n, target['task']]
        logits = out['profile'][:n, target['task']]
        c = logits - logits.mean(-1, keepdim=True)
        return (c * torch.softmax(c.detach(), -1)).sum(-1)
    return select
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
${PY_SELECT}
sys.path.insert(0, inputs['peers'])
from torch_interpret import hook_deeplift
model = load(BPNetRef(tasks=2, f=8, stem=7, layers=3, pk=11, crop=5).double(), inputs['state'])
model.eval()
x, ref = T(inputs['x']), T(inputs['ref'])
result = {'attributions': [J(hook_deeplift(model, x, ref, select_head(target))) for target in inputs['targets']]}
`,
      { state: stateJson(model), x: tensorJson(x), ref: tensorJson(refs.reshape([n, 4, length])), targets, peers: PEERS },
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
