/** Custom models from layer specs: shapes inferred layer by layer (expected values from the PyTorch layer formulas, by hand) and error messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, manualSeed, noGrad, tidy } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { Conv1d, Linear } from '../../src/nn/index.js';
import { CustomModel, parseLayerSpecs, type CustomModelOptions } from '../../src/models/index.js';

/** Running the layers one by one on data gives the inferred shapes. */
function assertShapesByRunning(model: CustomModel, inputShape: number[]): void {
  tidy(() =>
    noGrad(() => {
      model.eval();
      let x = ops.randn(inputShape);
      [...model.layers].forEach((layer, i) => {
        x = layer.forward(x);
        assert.deepEqual(x.shape, [inputShape[0], ...model.layerShapes[i]!], `layer ${i}`);
      });
      assert.deepEqual(model.forward(ops.randn(inputShape)).shape, [inputShape[0], ...model.outputShape]);
    }),
  );
}

test('shapes are inferred layer by layer, and input channels and features come from them', () => {
  manualSeed(1);
  const model = new CustomModel({
    length: 1000,
    layers: [
      { type: 'conv1d', filters: 64, kernel: 9, padding: 'same' },
      'relu',
      { type: 'maxpool', size: 4 },
      { type: 'dropout', p: 0.2 },
      { type: 'conv1d', filters: 32, kernel: 5, stride: 2, dilation: 2 },
      { type: 'avgpool', size: 3, stride: 2, padding: 1 },
      { type: 'flatten' },
      { type: 'linear', units: 100 },
      { type: 'relu' },
      { type: 'linear', units: 3 },
    ],
  });
  // By hand (PyTorch's formulas): 'same' keeps 1000; pool 4 -> 250; kernel 5 dilated 2 spans 9:
  // floor((250 - 9) / 2) + 1 = 121; avg pool: floor((121 + 2 - 3) / 2) + 1 = 61; flatten 32 * 61 = 1952.
  assert.deepEqual(model.layerShapes, [[64, 1000], [64, 1000], [64, 250], [64, 250], [32, 121], [32, 61], [1952], [100], [100], [3]]);
  assert.deepEqual(model.outputShape, [3]);
  assert.equal((model.layers.at(4) as Conv1d).inChannels, 64);
  assert.equal((model.layers.at(7) as Linear).inFeatures, 1952);
  assertShapesByRunning(model, [2, 4, 1000]);
  model.dispose();
});

test('numeric inputs, recurrent layers, global pooling and residual blocks', () => {
  const mlp = new CustomModel({ features: 20, layers: [{ type: 'linear', units: 10 }, { type: 'batchnorm' }, 'tanh', { type: 'linear', units: 2 }] });
  assert.deepEqual(mlp.inputShape, [20]);
  assert.deepEqual(mlp.layerShapes, [[10], [10], [10], [2]]);
  const hybrid = new CustomModel({
    length: 60,
    channels: 5,
    layers: [
      { type: 'conv1d', filters: 8, kernel: 7 }, // 60 - 6 = 54
      { type: 'residual', layers: [{ type: 'conv1d', filters: 8, kernel: 3, padding: 'same' }, 'relu'] },
      { type: 'maxpool', size: 6 }, // 9
      { type: 'lstm', hidden: 5, bidirectional: true }, // [10, 9]
      { type: 'gru', hidden: 4, layers: 2, output: 'last' }, // [4]
      { type: 'softmax' },
    ],
  });
  assert.deepEqual(hybrid.layerShapes, [[8, 54], [8, 54], [8, 9], [10, 9], [4], [4]]);
  const pooled = new CustomModel({ length: 30, layers: [{ type: 'conv1d', filters: 6, kernel: 3, groups: 1 }, { type: 'globalmaxpool' }, { type: 'linear', units: 1 }] });
  assert.deepEqual(pooled.layerShapes, [[6, 28], [6], [1]]);
  assertShapesByRunning(hybrid, [3, 5, 60]);
  assertShapesByRunning(mlp, [3, 20]);
  assertShapesByRunning(pooled, [3, 4, 30]);
  assert.throws(() => mlp.forward(ops.zeros([3, 21])), /expected a \[N, 20\] tensor for CustomModel input, got \[3, 21\]/);
  for (const m of [mlp, hybrid, pooled]) m.dispose();
});

/** The ConfigError message building `options` gives (fails when it builds). */
function errorOf(options: unknown, path?: string): string {
  try {
    new CustomModel(options as CustomModelOptions, path === undefined ? {} : { path });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`built ${JSON.stringify(options)}`);
}

test('a bad layer spec is a ConfigError naming the layer index and field', () => {
  const base = [{ type: 'conv1d', filters: 8, kernel: 3 }, 'relu', { type: 'maxpool', size: 2 }];
  const at3 = (spec: unknown): string => errorOf({ length: 100, layers: [...base, spec] });
  assert.equal(at3({ type: 'conv1d', filters: 8, kernel: 0 }), 'layers.3.kernel: expected a positive integer, got 0');
  assert.equal(at3({ type: 'conv1d', filters: 2.5, kernel: 3 }), 'layers.3.filters: expected a positive integer, got 2.5');
  assert.equal(at3({ type: 'conv1d', filters: 8 }), 'layers.3.kernel: expected a positive integer, got nothing');
  assert.equal(at3({ type: 'conv1d', filters: 8, kernel: 3, padding: 'full' }), "layers.3.padding: expected a non-negative integer, 'same' or 'valid', got 'full'");
  assert.match(at3({ type: 'conv2d' }), /^layers\.3\.type: expected one of conv1d, linear, relu, .*residual, got 'conv2d' \(did you mean 'conv1d'\?\)$/);
  assert.match(at3({ filters: 3 }), /^layers\.3\.type: expected one of .*, got nothing$/);
  assert.equal(at3(7), 'layers.3: expected a layer spec object with a type, got 7');
  assert.equal(at3({ type: 'dropout', rate: 0.2 }), 'layers.3.rate: unknown field (expected one of type, p)');
  assert.equal(at3({ type: 'dropout', p: 'high' }), "layers.3.p: expected a number in [0, 1), got 'high'");
  assert.equal(at3({ type: 'dropout', p: 1 }), 'layers.3.p: expected a number in [0, 1), got 1');
  assert.equal(at3({ type: 'lstm', hidden: 4, output: 'all' }), "layers.3.output: expected one of 'sequence', 'last', got 'all'");
  assert.equal(at3({ type: 'linear', units: -1 }), 'layers.3.units: expected a positive integer, got -1');
  assert.equal(at3({ type: 'residual', layers: [{ type: 'conv1d', filters: -2, kernel: 3 }] }), 'layers.3.layers.0.filters: expected a positive integer, got -2');
});

test('a layer that does not fit its input shape is a ConfigError naming the layer', () => {
  assert.equal(
    errorOf({ length: 10, layers: [{ type: 'flatten' }, { type: 'conv1d', filters: 3, kernel: 3 }] }),
    'layers.1: conv1d expects a [channels, length] input, got [40]',
  );
  assert.equal(
    errorOf({ length: 10, layers: [{ type: 'conv1d', filters: 3, kernel: 11 }] }),
    'layers.0.kernel: kernel 11 (dilation 1, span 11) does not fit the input length 10',
  );
  assert.equal(errorOf({ length: 10, layers: [{ type: 'maxpool', size: 11 }] }), 'layers.0.size: pool size 11 does not fit the input length 10');
  assert.equal(errorOf({ length: 10, layers: [{ type: 'maxpool', size: 4, padding: 3 }] }), 'layers.0.padding: expected at most half the size 4, got 3');
  assert.equal(
    errorOf({ length: 10, layers: [{ type: 'conv1d', filters: 4, kernel: 3, stride: 2, padding: 'same' }] }),
    "layers.0.stride: expected 1 with padding 'same', got 2",
  );
  assert.equal(
    errorOf({ length: 10, layers: [{ type: 'conv1d', filters: 6, kernel: 3, groups: 3 }] }),
    'layers.0.groups: expected a divisor of the 4 input channels, got 3',
  );
  assert.equal(
    errorOf({ length: 10, layers: [{ type: 'conv1d', filters: 8, kernel: 3, padding: 'same' }, { type: 'residual', layers: [{ type: 'conv1d', filters: 4, kernel: 3, padding: 'same' }] }] }),
    'layers.1.layers: expected the residual layers to keep their input shape [8, 10], got [4, 10]',
  );
  assert.equal(errorOf({ features: 5, layers: [{ type: 'maxpool', size: 2 }] }), 'layers.0: maxpool expects a [channels, length] input, got [5]');
  assert.equal(errorOf({ features: 5, layers: [{ type: 'softmax', dim: 2 }] }), 'layers.0.dim: expected an axis in [-2, 1] of the [N, 5] input, got 2');
  assert.equal(errorOf({ length: 10, layers: [] }), 'layers: expected at least one layer, got none');
  assert.equal(errorOf({ length: 10, layers: 'conv' }), "layers: expected a list of layer specs, got 'conv'");
  assert.equal(errorOf({ length: 0, layers: ['relu'] }), 'length: expected a positive integer, got 0');
  assert.equal(errorOf({ length: 10, layers: [{ type: 'linear', units: 0 }] }, 'model.options'), 'model.options.layers.0.units: expected a positive integer, got 0');
});

test('parseLayerSpecs validates without building and expands bare type names', () => {
  assert.deepEqual(parseLayerSpecs(['relu', { type: 'residual', layers: ['gelu'] }]), [{ type: 'relu' }, { type: 'residual', layers: [{ type: 'gelu' }] }]);
  assert.throws(() => parseLayerSpecs([{ type: 'linear' }], 'model.layers'), (e: unknown) => e instanceof ConfigError && e.path === 'model.layers.0.units');
});
