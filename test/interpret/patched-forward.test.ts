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

/** Patched outputs vs plain forwards of the same windows; each group changes `width` columns at per-row starts. */
function check(model: Module, L: number, groupsSpec: { starts: number[]; width: number }[]): void {
  model.eval();
  const layers = patchableLayers(model);
  assert.ok(layers !== null, `${model.constructor.name} has a patchable chain`);
  tidy(() =>
    inferenceMode(() => {
      const ref = oneHot(3, L);
      const forward = (x: Tensor) => (model as unknown as { forward(x: Tensor): Tensor }).forward(x);
      const groups = groupsSpec.map(({ starts, width }) => {
        const rows = tensor(starts.map((_, i) => i % 3), [starts.length], 'int64');
        return { rows, starts: Int32Array.from(starts), width, columns: oneHot(starts.length, width) };
      });
      const result = patchedForward(layers, ref, groups);
      const expectedRef = forward(ref).data<Float32Array>();
      assert.deepEqual(Array.from(result.reference.data<Float32Array>()), Array.from(expectedRef));
      groups.forEach((g, k) => {
        const full = ref.indexSelect(0, g.rows);
        const alt = ops.cat(
          Array.from(g.starts, (start, r) => {
            const row = full.narrow(0, r, 1);
            const parts = [row.narrow(2, 0, start), g.columns.narrow(0, r, 1), row.narrow(2, start + g.width, L - start - g.width)];
            return ops.cat(parts, { dim: 2 });
          }),
          { dim: 0 },
        );
        const expected = forward(alt).data<Float32Array>();
        const got = result.groups[k]!.data<Float32Array>();
        const scale = Math.max(1, ...Array.from(expected, Math.abs));
        const gap = Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i]!)));
        assert.ok(gap <= 1e-5 * scale, `group ${k} (starts ${Array.from(g.starts).join(',')}, width ${g.width}): largest gap ${gap}`);
      });
    }),
  );
}

test('patched forward equals the plain forward: Basset', () => {
  manualSeed(3);
  const L = 300;
  const model = createModel('basset', { length: L, tasks: 5, convolutions: [[16, 9], [12, 5], [8, 3]], hidden: [20] });
  check(model, L, [{ starts: [150, 150, 150], width: 1 }, { starts: [0, 1, 57, 150, 298, 299], width: 1 }, { starts: [149, 0, 297], width: 3 }, { starts: [10], width: 7 }]);
  model.dispose();
});

test('patched forward equals the plain forward: DeepSEA (its layer chain)', () => {
  manualSeed(5);
  const L = 200;
  const model = createModel('deepsea', { length: L, tasks: 4, convolutions: [[12, 8], [10, 8], [8, 8]], hidden: 16 });
  check(model, L, [{ starts: [100, 0, 199], width: 1 }, { starts: [98, 3], width: 4 }]);
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
  check(model, L, [{ starts: [50, 0, 100, 1, 77], width: 1 }, { starts: [30, 0, 97], width: 4 }]);
  model.dispose();
  const deepbind = createModel('deepbind', { tasks: 2, filters: 8, kernel: 7, hidden: 4 });
  check(deepbind, 60, [{ starts: [30, 0, 59], width: 1 }, { starts: [20, 58], width: 2 }]);
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
