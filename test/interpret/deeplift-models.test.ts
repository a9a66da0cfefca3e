import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, noGrad, tidy, type Tensor } from '../../src/core/index.js';
import { oneHot } from '../../src/genomics/one-hot.js';
import { deeplift } from '../../src/interpret/deeplift.js';
import { createModel } from '../../src/models/registry.js';
import { Conv1d, Module } from '../../src/nn/index.js';
import { Random } from '../../src/data/random.js';

function randomDna(n: number, length: number, seed: number): string[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length }, () => 'ACGT'[r.int(4)]).join(''));
}

for (const [name, options] of [
  ['deepbind', { tasks: 2, filters: 8, kernel: 9, hidden: 8 }],
  ['custom', { length: 60, layers: [{ type: 'conv1d', filters: 8, kernel: 7 }, 'relu', { type: 'maxpool', size: 3 }, 'flatten', { type: 'linear', units: 2 }] }],
] as const) {
  test(`DeepLIFT on ${name}: contributions sum to f(x) - f(reference) and the chain equals forward`, () => {
    manualSeed(4);
    const model = createModel(name, options) as Module & { forward(x: import('../../src/core/index.js').Tensor): import('../../src/core/index.js').Tensor };
    model.eval();
    tidy(() => {
      const x = oneHot(randomDna(6, 60, 1)).toDType('float64');
      model.toDType('float64');
      const result = deeplift(model, x, { target: 1, references: 'zero' });
      const f = noGrad(() => model.forward(x).select(1, 1)).toArray();
      const fr = noGrad(() => model.forward(x.mul(0)).select(1, 1)).toArray();
      const sums = result.attributions.sumDimIntList([1, 2]).toArray();
      sums.forEach((s, i) => {
        const delta = f[i]! - fr[i]!;
        assert.ok(Math.abs(s - delta) <= 1e-3 * Math.max(1e-6, Math.abs(delta)) + 1e-9, `sequence ${i}: sum ${s} vs delta ${delta}`);
      });
      assert.deepEqual(result.output.toArray().map((v) => v.toFixed(9)), f.map((v) => v.toFixed(9)));
    });
    model.dispose();
  });
}

test('DeepLIFT refuses what its rules do not cover: recurrent and attention layers, inline nonlinearities (summation check)', () => {
  const x = oneHot(randomDna(2, 60, 3));
  const danq = createModel('danq', { length: 60, tasks: 1, filters: 4, kernel: 7, pool: 3, hidden: 3, dense: 4 }).eval();
  assert.throws(() => deeplift(danq, x, { references: 'zero' }), /DeepLIFT's rescale rule does not cover lstm \(LSTM\); use integrated gradients, saliency or ISM/);
  const transformer = createModel('transformer', { dModel: 8, heads: 2, layers: 1, maxLength: 64 }).eval();
  assert.throws(() => deeplift(transformer, x, { references: 'zero' }), /does not cover .*MultiheadAttention/);
  const maxavg = createModel('deepbind', { filters: 4, kernel: 5, pooling: 'maxavg' }).eval();
  assert.throws(() => deeplift(maxavg, x, { references: 'zero' }), /'maxavg' is not a chain of layers/);

  // A forward that squares inline: the x half is not linear in x, so contributions cannot sum to the change.
  class InlineSquare extends Module {
    readonly conv = this.registerModule('conv', new Conv1d(4, 2, 5));
    forward(input: Tensor): Tensor {
      return this.conv.forward(input).square().meanDim([1, 2], { keepdim: false }).unsqueeze(1);
    }
  }
  manualSeed(2);
  const inline = new InlineSquare().eval();
  assert.throws(() => deeplift(inline, x, { references: 'zero' }), /DeepLIFT: contributions sum to .* but the output changes by .*nonlinearity outside its activation and max-pooling layers/);
  assert.doesNotThrow(() => deeplift(inline, x, { references: 'zero', checkSummation: false }));
  for (const m of [danq, transformer, maxavg, inline]) m.dispose();
});
