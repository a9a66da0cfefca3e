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
import { tidy, type Tensor } from '../core/index.js';
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

/** ALT windows equal to reference rows except in columns [start, end). */
export interface PatchGroup {
  /** Reference row of each ALT window: [P] int64. */
  rows: Tensor;
  start: number;
  end: number;
  /** The ALT windows' columns [start, end): [P, C, end - start]. */
  columns: Tensor;
}

/**
 * Outputs of `layers` for the reference windows and for each group of patched windows.
 * @param reference [R, C, L]
 * @returns the reference outputs [R, ...] and one [P, ...] output per group.
 */
export function patchedForward(layers: readonly Module[], reference: Tensor, groups: readonly PatchGroup[]): { reference: Tensor; groups: Tensor[] } {
  return tidy(() => {
    let ref = reference;
    let patches = groups.map((g) => ({ rows: g.rows, start: g.start, end: g.end, columns: g.columns }));
    let full: Tensor[] | null = null;
    for (const layer of layers) {
      const role = full === null ? roleOf(layer) : ({ kind: 'global' } as const);
      if (role.kind === 'global') {
        full ??= patches.map((p) => spliced(ref, p));
        full = full.map((x) => (layer as unknown as { forward(x: Tensor): Tensor }).forward(x));
        ref = (layer as unknown as { forward(x: Tensor): Tensor }).forward(ref);
        continue;
      }
      const next = (layer as unknown as { forward(x: Tensor): Tensor }).forward(ref);
      if (role.kind === 'pointwise') {
        patches = patches.map((p) => ({ ...p, columns: (layer as unknown as { forward(x: Tensor): Tensor }).forward(p.columns) }));
      } else if (role.kind === 'shift') {
        patches = patches.map((p) => ({ ...p, start: p.start + role.left, end: p.end + role.left }));
      } else {
        patches = patches.map((p) => windowPatch(role, ref, next, p));
      }
      ref = next;
    }
    return { reference: ref, groups: full ?? patches.map((p) => spliced(ref, p)) };
  });
}

/** The patched rows as whole activations: reference rows with columns [start, end) replaced. */
function spliced(ref: Tensor, p: { rows: Tensor; start: number; end: number; columns: Tensor }): Tensor {
  const rows = ref.indexSelect(0, p.rows);
  const L = ref.shape[2]!;
  const parts = [rows.narrow(2, 0, p.start), p.columns, rows.narrow(2, p.end, L - p.end)].filter((t) => t.shape[2]! > 0);
  return ops.cat(parts, { dim: 2 });
}

/** The changed outputs of a window layer: those whose receptive field meets [start, end). */
function windowPatch(w: Window, ref: Tensor, next: Tensor, p: { rows: Tensor; start: number; end: number; columns: Tensor }) {
  const span = w.dilation * (w.kernel - 1);
  const first = Math.max(0, Math.ceil((p.start + w.left - span) / w.stride));
  const last = Math.min(next.shape[2]!, Math.floor((p.end - 1 + w.left) / w.stride) + 1);
  const [n, c] = [p.rows.shape[0]!, ref.shape[1]!];
  if (p.end <= p.start || last <= first) {
    return { rows: p.rows, start: first, end: first, columns: ops.empty([n, next.shape[1]!, 0], { dtype: next.dtype }) };
  }
  // the inputs those outputs read, [from, to), with the layer's own padding outside [0, L)
  const from = first * w.stride - w.left;
  const to = (last - 1) * w.stride - w.left + span + 1;
  const L = ref.shape[2]!;
  const [lo, hi] = [Math.max(from, 0), Math.min(to, L)];
  const rows = ref.narrow(2, lo, hi - lo).indexSelect(0, p.rows); // only the reference columns read
  const pieces: Tensor[] = [];
  const take = (source: Tensor, offset: number, a: number, b: number) => {
    if (b > a) pieces.push(source.narrow(2, a - offset, b - a));
  };
  if (from < 0) pieces.push(ops.full([n, c, -from], w.padValue, { dtype: ref.dtype }));
  take(rows, lo, lo, Math.min(p.start, hi));
  take(p.columns, p.start, Math.max(from, p.start), Math.min(to, p.end));
  take(rows, lo, Math.max(lo, p.end), hi);
  if (to > L) pieces.push(ops.full([n, c, to - L], w.padValue, { dtype: ref.dtype }));
  return { rows: p.rows, start: first, end: last, columns: w.apply(ops.cat(pieces, { dim: 2 })) };
}
