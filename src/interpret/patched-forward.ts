/**
 * Forward passes of windows that differ from a reference window in a few columns only (the
 * ALT windows of SNVs and MNVs), computing the changed stretch of each activation instead of
 * the whole window: through the leading local layers of a layer chain (convolutions and
 * poolings along the length, element-wise layers, constant padding), only the outputs whose
 * receptive field covers the changed columns are computed, from the reference activations
 * around them; at the first layer that mixes all positions (flatten, global pooling, linear,
 * recurrent, attention) the stretch is written into the reference activation and the rest of
 * the chain runs on whole windows. The result equals a plain forward of the ALT windows up to
 * floating-point rounding (the idea behind fast in-silico mutagenesis, e.g. Yuzu).
 */
import { tensor, tidy, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import {
  BatchNorm1d, ConstantPad1d, Conv1d, Dropout, ELU, Exp, GELU, LeakyReLU, MaxPool1d, ReLU, Sigmoid, SiLU, Softplus, Tanh, type Module,
} from '../nn/index.js';
import { modelLayers } from './layer-chain.js';

/** How a local layer maps positions: output j reads inputs j * stride - left + [0, dilation * (kernel - 1)]. */
interface Window {
  kernel: number;
  stride: number;
  left: number;
  dilation: number;
  /** Runs the layer on an input that already holds its padding. */
  apply(x: Tensor): Tensor;
  /** What the layer pads with. */
  padValue: number;
}

type LayerRole = { kind: 'pointwise' } | { kind: 'shift'; left: number } | ({ kind: 'window' } & Window) | { kind: 'global' };

const POINTWISE = [BatchNorm1d, Dropout, ReLU, GELU, Sigmoid, Tanh, Softplus, LeakyReLU, ELU, SiLU, Exp];

function roleOf(layer: Module): LayerRole {
  if (POINTWISE.some((cls) => layer instanceof cls)) return { kind: 'pointwise' };
  if (layer instanceof ConstantPad1d) return { kind: 'shift', left: layer.left };
  if (layer instanceof Conv1d) {
    const { kernelSize: kernel, stride, dilation, groups } = layer;
    const total = dilation * (kernel - 1);
    const left = layer.padding === 'valid' ? 0 : layer.padding === 'same' ? Math.floor(total / 2) : layer.padding;
    const weight = layer.weight;
    const bias = layer.findParameter('bias');
    return { kind: 'window', kernel, stride, left, dilation, padValue: 0, apply: (x) => ops.conv1d(x, weight, { bias, stride, dilation, groups }) };
  }
  if (layer instanceof MaxPool1d && !layer.ceilMode) {
    const { kernelSize: kernel, stride, dilation, padding: left } = layer;
    return { kind: 'window', kernel, stride, left, dilation, padValue: Number.NEGATIVE_INFINITY, apply: (x) => ops.maxPool1d(x, kernel, { stride, dilation }) };
  }
  return { kind: 'global' };
}

/** The model's layer chain when it starts with at least one window layer (so patching saves work); else null. */
export function patchableLayers(model: Module): Module[] | null {
  const layers = modelLayers(model);
  if (layers === null) return null;
  for (const layer of layers) {
    const role = roleOf(layer);
    if (role.kind === 'window') return layers;
    if (role.kind === 'global') return null;
  }
  return null;
}

/** Per model: the layers to patch through (null: plain forward), and whether the first patched batch was checked. */
const states = new WeakMap<Module, { layers: Module[] | null; checked: boolean }>();

function stateOf(model: Module): { layers: Module[] | null; checked: boolean } {
  let state = states.get(model);
  if (state === undefined) {
    state = { layers: patchableLayers(model), checked: false };
    states.set(model, state);
  }
  return state;
}

/** The layers to patch through for `model`, or null (not patchable, or found not to reproduce its forward). */
export function patchingLayers(model: Module): Module[] | null {
  return stateOf(model).layers;
}

/** Whether `model` is patched (after its first batch: checked against its plain forward). */
export function usesPatchedForward(model: Module): boolean {
  return patchingLayers(model) !== null;
}

/**
 * The first time a model is patched: compares the patched outputs with its plain forward and,
 * when they differ by more than 1e-4 (relative to the largest output), turns patching off for
 * that model. Returns the outputs to use.
 */
export function confirmPatching<T extends ArrayLike<number>>(model: Module, patched: T, plain: () => T): T {
  const state = stateOf(model);
  if (state.checked) return patched;
  state.checked = true;
  const expected = plain();
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(expected[i]! - patched[i]!) <= 1e-4 * scale)) {
      state.layers = null;
      return expected;
    }
  }
  return patched;
}

/** Windows equal to reference rows except in `width` columns from a per-row start. */
export interface PatchGroup {
  /** Reference row of each window: [P] int64. */
  rows: Tensor;
  /** First changed column of each window. */
  starts: Int32Array;
  width: number;
  /** Each window's columns [start, start + width): [P, C, width]. */
  columns: Tensor;
}

type Patch = PatchGroup;

/**
 * Outputs of `layers` for the reference windows and for each group of patched windows.
 * @param reference [R, C, L]
 * @returns the reference outputs [R, ...] and one [P, ...] output per group.
 */
export function patchedForward(layers: readonly Module[], reference: Tensor, groups: readonly PatchGroup[]): { reference: Tensor; groups: Tensor[] } {
  return tidy(() => {
    const run = (layer: Module, x: Tensor): Tensor => (layer as unknown as { forward(x: Tensor): Tensor }).forward(x);
    let ref = reference;
    let patches: Patch[] = [...groups];
    let full: Tensor[] | null = null;
    for (const layer of layers) {
      const role = full === null ? roleOf(layer) : ({ kind: 'global' } as const);
      if (role.kind === 'global') {
        full ??= patches.map((p) => spliced(ref, p));
        full = full.map((x) => run(layer, x));
        ref = run(layer, ref);
        continue;
      }
      const next = run(layer, ref);
      if (role.kind === 'pointwise') patches = patches.map((p) => ({ ...p, columns: run(layer, p.columns) }));
      else if (role.kind === 'shift') patches = patches.map((p) => ({ ...p, starts: p.starts.map((v) => v + role.left) }));
      else patches = patches.map((p) => windowPatch(role, ref, next, p));
      ref = next;
    }
    return { reference: ref, groups: full ?? patches.map((p) => spliced(ref, p)) };
  });
}

/** int64 tensor of JS integers. */
function indexTensor(values: ArrayLike<number>, shape: number[]): Tensor {
  return tensor(Float64Array.from(values as ArrayLike<number>), shape, 'int64');
}

/**
 * Rows of `ref` (each patch row's reference row) over columns `from_r + [0, W)`, with the
 * patch's columns where they fall; `pad` outside [0, L). [P, C, W]
 */
function assemble(ref: Tensor, p: Patch, from: Int32Array, W: number, pad: number): Tensor {
  const [P, C, L] = [p.starts.length, ref.shape[1]!, ref.shape[2]!];
  const before = Math.max(0, -Math.min(...from));
  const after = Math.max(0, Math.max(...from) + W - L);
  const padded = before + after > 0 ? ops.constantPadNd(ref, [before, after], { value: pad }) : ref;
  // windows of W columns at every offset (a view), then one per patch row: [P, C, W]
  const windows = ops.unfold(padded, 2, W, 1);
  const fromPadded = indexTensor(Array.from(from, (f) => f + before), [P]);
  const base = ops.index(windows, [p.rows, null, fromPadded]);
  if (p.width === 0) return base;
  const positions = new Float64Array(P * W);
  const inside = new Float64Array(P * W);
  for (let r = 0; r < P; r++) {
    for (let k = 0; k < W; k++) {
      const offset = from[r]! + k - p.starts[r]!;
      const hit = offset >= 0 && offset < p.width;
      inside[r * W + k] = hit ? 1 : 0;
      positions[r * W + k] = hit ? offset : 0;
    }
  }
  const gathered = p.columns.gather(2, indexTensor(positions, [P, 1, W]).expand([P, C, W]));
  return ops.whereSelf(tensor(inside, [P, 1, W], 'float64').gt(0), gathered, base);
}

/** The patched rows as whole activations. */
function spliced(ref: Tensor, p: Patch): Tensor {
  return assemble(ref, p, new Int32Array(p.starts.length), ref.shape[2]!, 0);
}

/**
 * The outputs of a window layer that can differ: per row those whose receptive field meets
 * its changed columns, as one window of m outputs for all rows (m the widest; a window moved
 * inside [0, Lout) just recomputes a few unchanged outputs).
 */
function windowPatch(w: Window, ref: Tensor, next: Tensor, p: Patch): Patch {
  const span = w.dilation * (w.kernel - 1);
  const outLength = next.shape[2]!;
  const P = p.starts.length;
  const firstTrue = new Int32Array(P);
  let m = 0;
  for (let r = 0; r < P; r++) {
    const first = Math.max(0, Math.ceil((p.starts[r]! + w.left - span) / w.stride));
    const last = Math.min(outLength, Math.floor((p.starts[r]! + p.width - 1 + w.left) / w.stride) + 1);
    firstTrue[r] = first;
    m = Math.max(m, last - first);
  }
  if (p.width === 0 || m <= 0) return { rows: p.rows, starts: new Int32Array(P), width: 0, columns: ops.empty([P, next.shape[1]!, 0], { dtype: next.dtype }) };
  const starts = firstTrue.map((f) => Math.min(f, outLength - m));
  const from = starts.map((f) => f * w.stride - w.left);
  const input = assemble(ref, p, from, (m - 1) * w.stride + span + 1, w.padValue);
  return { rows: p.rows, starts, width: m, columns: w.apply(input) };
}
