import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inferenceMode, manualSeed, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { createModel } from '../../src/models/registry.js';
import type { Module } from '../../src/nn/index.js';
import { patchableLayers, patchedForward } from '../../src/interpret/patched-forward.js';

function oneHot(n: number, L: number): Tensor {
  return ops.oneHot(ops.randint(4, [n, L]), { numClasses: 4 }).transpose(1, 2).toDType('float32').contiguous();
}

/** Patched outputs vs plain forwards of the same ALT windows, for changes at several places. */
function check(model: Module, L: number, changes: [number, number][]): void {
  model.eval();
  const layers = patchableLayers(model);
  assert.ok(layers !== null, `${model.constructor.name} has a patchable chain`);
  tidy(() =>
    inferenceMode(() => {
      const ref = oneHot(3, L);
      const forward = (x: Tensor) => (model as unknown as { forward(x: Tensor): Tensor }).forward(x);
      const groups = changes.map(([start, end]) => {
        const rows = tensor([2, 0, 1, 1], [4], 'int64');
        const columns = oneHot(4, end - start);
        return { rows, start, end, columns };
      });
      const result = patchedForward(layers, ref, groups);
      const expectedRef = forward(ref).data<Float32Array>();
      assert.deepEqual(Array.from(result.reference.data<Float32Array>()), Array.from(expectedRef));
      groups.forEach((g, k) => {
        const full = ref.indexSelect(0, g.rows);
        const alt = ops.cat([full.narrow(2, 0, g.start), g.columns, full.narrow(2, g.end, L - g.end)], { dim: 2 });
        const expected = forward(alt).data<Float32Array>();
        const got = result.groups[k]!.data<Float32Array>();
        const scale = Math.max(1, ...Array.from(expected, Math.abs));
        const gap = Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i]!)));
        assert.ok(gap <= 1e-5 * scale, `change [${g.start}, ${g.end}): largest gap ${gap}`);
      });
    }),
  );
}

test('patched forward equals the plain forward: Basset', () => {
  manualSeed(3);
  const L = 300;
  const model = createModel('basset', { length: L, tasks: 5, convolutions: [[16, 9], [12, 5], [8, 3]], hidden: [20] });
  check(model, L, [[150, 151], [149, 152], [0, 1], [299, 300], [10, 17]]);
  model.dispose();
});

test('patched forward equals the plain forward: strides, dilation, padding, same, pooling with padding, constant padding', () => {
  manualSeed(4);
  const L = 101;
  const model = createModel('custom', {
    length: L,
    layers: [
      { type: 'conv1d', filters: 6, kernel: 5, padding: 2 },
      'relu',
      { type: 'maxpool', size: 3, stride: 2, padding: 1 },
      { type: 'conv1d', filters: 5, kernel: 3, dilation: 2, padding: 'same' },
      { type: 'batchnorm' },
      'gelu',
      { type: 'conv1d', filters: 4, kernel: 2, stride: 3 },
      { type: 'avgpool', size: 2 },
      'flatten',
      { type: 'linear', units: 3 },
    ],
  });
  check(model, L, [[50, 51], [0, 1], [100, 101], [30, 34], [1, 2]]);
  model.dispose();
  const deepbind = createModel('deepbind', { tasks: 2, filters: 8, kernel: 7, hidden: 4 });
  check(deepbind, 60, [[30, 31], [0, 1], [59, 60]]);
  deepbind.dispose();
});

test('models without a leading local layer are not patchable', () => {
  const mlp = createModel('custom', { features: 10, layers: [{ type: 'linear', units: 3 }] });
  assert.equal(patchableLayers(mlp), null);
  mlp.dispose();
  const danq = createModel('danq', { length: 100, tasks: 2 });
  assert.equal(patchableLayers(danq), null); // not a layer chain
  danq.dispose();
});
