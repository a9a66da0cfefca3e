/**
 * The shared conformance suite every layer goes through:
 * - finite-difference gradient check (float64, central differences) of every floating
 *   input and every parameter against autograd;
 * - conversion to float64 (every floating parameter and buffer follows);
 * - train / eval switching reaches every descendant, and eval mode is deterministic;
 * - state dict round trip: a second, differently initialised instance loaded from the
 *   first's state dict gives the same outputs;
 * - parameters and buffers survive a forward pass inside tidy(), and a training step
 *   inside tidy() leaves no tensor behind.
 */
import assert from 'node:assert/strict';
import { isFloatingDType, liveTensorCount, manualSeed, noGrad, tidy, type DType, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import type { Module } from '../../src/nn/index.js';

export interface LayerCase<M extends Module = Module> {
  name: string;
  /** Builds the layer with its default (float32) initialisation. */
  make: () => M;
  /** The forward inputs, floating ones in `dtype`; the same values on every call (seeded by the suite). */
  inputs: (dtype: DType) => Tensor[];
  /** Runs forward and returns one tensor holding every output (flatten and cat several). */
  run: (m: M, inputs: Tensor[]) => Tensor;
  /** Run the gradient check in eval mode instead of training mode. Default false. */
  evalMode?: boolean;
}

/** Erases the layer type so cases of different layers fit one list. */
export function layerCase<M extends Module>(c: LayerCase<M>): LayerCase {
  return { ...c, make: c.make, run: (m, inputs) => c.run(m as M, inputs) };
}

const STEP = 1e-6;
const ATOL = 1e-6;
const RTOL = 1e-5;
const ELEMENTS_PER_TENSOR = 8;
const FORWARD_SEED = 1234;

/** Element indices to probe: spread over the tensor, deterministic. */
function probeIndices(numel: number): number[] {
  if (numel <= ELEMENTS_PER_TENSOR) return Array.from({ length: numel }, (_, i) => i);
  const stride = numel / ELEMENTS_PER_TENSOR;
  return Array.from({ length: ELEMENTS_PER_TENSOR }, (_, i) => Math.min(numel - 1, Math.floor(i * stride + stride / 3)));
}

/** Adds `delta` to element `index` (row-major) of `t` in place, outside autograd. */
function nudge(t: Tensor, index: number, delta: number): void {
  noGrad(() => tidy(() => void t.reshape([-1]).select(0, index).add_(delta)));
}

/** A float64 module and inputs, the projection weights of the scalar loss, and the loss function. */
function gradientSetup(c: LayerCase): { module: Module; inputs: Tensor[]; loss: () => Tensor } {
  manualSeed(11);
  const module = c.make().toDType('float64');
  module.train(!c.evalMode);
  manualSeed(12);
  const inputs = c.inputs('float64');
  for (const x of inputs) if (isFloatingDType(x.dtype)) x.requiresGrad = true;
  manualSeed(FORWARD_SEED);
  const shape = noGrad(() => tidy(() => c.run(module, inputs).shape));
  manualSeed(13);
  const weights = ops.randn(shape, { dtype: 'float64' });
  const loss = (): Tensor => {
    manualSeed(FORWARD_SEED);
    return c.run(module, inputs).mul(weights).sum();
  };
  return { module, inputs, loss };
}

/** Central-difference gradient of every probed element of every input and parameter vs autograd. */
export function checkGradients(c: LayerCase): void {
  const { module, inputs, loss } = gradientSetup(c);
  const targets: [string, Tensor][] = [
    ...inputs.flatMap((x, i): [string, Tensor][] => (isFloatingDType(x.dtype) ? [[`input ${i}`, x]] : [])),
    ...module.namedParameters(),
  ];
  assert.ok(targets.length > 0, `${c.name}: nothing to check`);
  tidy(() => loss().backward());
  for (const [name, t] of targets) {
    const grad = t.grad;
    const analytic = grad === null ? new Array<number>(t.numel).fill(0) : grad.toArray();
    grad?.dispose();
    for (const index of probeIndices(t.numel)) {
      nudge(t, index, STEP);
      const plus = noGrad(() => tidy(() => loss().item()));
      nudge(t, index, -2 * STEP);
      const minus = noGrad(() => tidy(() => loss().item()));
      nudge(t, index, STEP);
      const numeric = (plus - minus) / (2 * STEP);
      const a = analytic[index]!;
      const tolerance = ATOL + RTOL * Math.max(Math.abs(a), Math.abs(numeric));
      assert.ok(
        Math.abs(numeric - a) <= tolerance,
        `${c.name}: d loss / d ${name}[${index}]: autograd ${a}, finite difference ${numeric}`,
      );
    }
  }
  module.dispose();
  for (const x of inputs) x.dispose();
}

/** Every floating parameter and buffer becomes float64; integer buffers keep their dtype; names are unchanged. */
export function checkFloat64Conversion(c: LayerCase): void {
  const module = c.make();
  const named = (): [string, Tensor][] => [...module.namedParameters(), ...module.namedBuffers()];
  const before = new Map(named().map(([k, t]) => [k, t.dtype]));
  const trainable = [...module.namedParameters()].map(([k, t]) => [k, t.requiresGrad]);
  const keys = Object.keys(module.stateDict());
  module.toDType('float64');
  for (const [k, t] of named()) {
    const old = before.get(k)!;
    assert.equal(t.dtype, isFloatingDType(old) ? 'float64' : old, `${c.name}: ${k} dtype`);
  }
  assert.deepEqual([...named().map(([k]) => k)], [...before.keys()], `${c.name}: names after toDType`);
  assert.deepEqual(Object.keys(module.stateDict()), keys, `${c.name}: state dict keys after toDType`);
  assert.deepEqual([...module.namedParameters()].map(([k, t]) => [k, t.requiresGrad]), trainable, `${c.name}: requiresGrad after toDType`);
  module.dispose();
}

/** train() / eval() reach every descendant; eval mode gives the same output twice. */
export function checkTrainEval(c: LayerCase): void {
  const module = c.make();
  const modes = (): boolean[] => [...module.namedModules().values()].map((m) => m.training);
  assert.ok(modes().every(Boolean), `${c.name}: a new module is in training mode`);
  assert.equal(module.eval(), module);
  assert.ok(modes().every((t) => !t), `${c.name}: eval() reaches every descendant`);
  tidy(() => {
    manualSeed(5);
    const inputs = c.inputs('float32');
    const first = noGrad(() => c.run(module, inputs).toArray());
    const second = noGrad(() => c.run(module, inputs).toArray());
    assert.deepEqual(second, first, `${c.name}: eval mode is deterministic`);
  });
  module.train();
  assert.ok(modes().every(Boolean), `${c.name}: train() reaches every descendant`);
  module.dispose();
}

/** A second instance loaded from the first's state dict computes the same outputs; tensors survive tidy(). */
export function checkStateDictRoundTrip(c: LayerCase): void {
  manualSeed(21);
  const source = c.make().eval();
  manualSeed(22);
  const target = c.make().eval();
  const state = source.stateDict();
  const result = target.loadStateDict(state);
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  const targetState = target.stateDict();
  assert.deepEqual(Object.keys(targetState), Object.keys(state));
  for (const [k, t] of Object.entries(state)) {
    assert.deepEqual(targetState[k]!.toArray(), t.toArray(), `${c.name}: ${k} after loadStateDict`);
    assert.notEqual(targetState[k], t, `${c.name}: ${k} is copied, not shared`);
  }
  tidy(() => {
    manualSeed(23);
    const inputs = c.inputs('float32');
    const a = noGrad(() => c.run(source, inputs).toArray());
    const b = noGrad(() => c.run(target, inputs).toArray());
    assert.deepEqual(b, a, `${c.name}: outputs after loadStateDict`);
  });
  for (const [k, t] of [...target.namedParameters(), ...target.namedBuffers()]) {
    assert.ok(!t.isDisposed, `${c.name}: ${k} survived tidy()`);
  }
  source.dispose();
  target.dispose();
  for (const t of [...target.parameters(), ...target.namedBuffers().values()]) assert.ok(t.isDisposed);
}

/** A forward and backward pass inside tidy() leaves no live tensor behind (gradients live in libtorch). */
export function checkNoLeaks(c: LayerCase): void {
  const module = c.make();
  manualSeed(31);
  const inputs = c.inputs('float32');
  const before = liveTensorCount();
  for (let step = 0; step < 2; step++) {
    tidy(() => {
      const out = c.run(module, inputs);
      if (module.parameters().length > 0 || inputs.some((x) => x.requiresGrad)) out.sum().backward();
    });
  }
  assert.equal(liveTensorCount(), before, `${c.name}: tensors left after two steps in tidy()`);
  module.dispose();
  for (const x of inputs) x.dispose();
}
