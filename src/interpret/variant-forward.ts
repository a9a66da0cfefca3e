/**
 * Raw model outputs of a batch of variant windows: the REF windows, then the ALT windows.
 * ALT windows of equal-length alleles (SNVs, MNVs) differ from their REF window in the allele's
 * columns only, so for models whose layer chain starts with local layers they go through
 * `patchedForward`; the rest (indels, other models) through a plain forward. The first
 * patched batch of each model is checked against the plain forward, and a model whose chain
 * does not reproduce its forward is scored the plain way from then on.
 */
import { inferenceMode, tensor, tidy, type Tensor } from '../core/index.js';
import { oneHotBytes } from '../genomics/encode-bytes.js';
import { alleleOffset } from '../genomics/variant-windows.js';
import type { SavedModel } from '../models/saved-model.js';
import { confirmPatching, patchedForward, patchingLayers, type PatchGroup } from './patched-forward.js';

export { usesPatchedForward } from './patched-forward.js';

export interface VariantWindowBatch {
  /** REF windows (rows 0 .. refCount - 1), then one ALT window per entry of `alts`, `length` bytes each. */
  bytes: Uint8Array;
  refCount: number;
  alts: readonly { refRow: number; refLength: number; altLength: number }[];
}

/** [rows, 4, length] one-hot floats of the batch's REF then ALT windows. */
function oneHotWindows(batch: VariantWindowBatch, length: number): Float32Array {
  const rows = batch.refCount + batch.alts.length;
  const x = new Float32Array(rows * 4 * length);
  oneHotBytes(batch.bytes.subarray(0, rows * length), length, x);
  return x;
}

/** The windows as a tensor, reverse-complemented when asked (inside the caller's tidy scope). */
function windowTensor(x: Float32Array, rows: number, length: number, reverseComplement: boolean): Tensor {
  const all = tensor(x, [rows, 4, length]);
  return reverseComplement ? all.flip([1, 2]) : all;
}

/**
 * [refCount + alts, outputs] raw outputs (float32, row-major).
 * @param reverseComplement score the reverse-complemented windows.
 */
export function variantWindowOutputs(saved: SavedModel, batch: VariantWindowBatch, length: number, { reverseComplement = false } = {}): Float32Array {
  const model = saved.model;
  model.eval();
  const forward = (x: Tensor): Tensor => (model as unknown as { forward(x: Tensor): Tensor }).forward(x);
  const rows = batch.refCount + batch.alts.length;
  const x = oneHotWindows(batch, length);
  const layers = patchingLayers(model);
  return tidy(() =>
    inferenceMode(() => {
      const all = windowTensor(x, rows, length, reverseComplement);
      const T = saved.description.task.outputs.length;
      const out = new Float32Array(rows * T);
      const patched = layers === null ? [] : batch.alts.map((a, i) => (a.refLength === a.altLength ? i : -1)).filter((i) => i >= 0);
      if (patched.length === 0 || batch.refCount === 0) {
        out.set(forward(all).contiguous().data<Float32Array>());
        return out;
      }
      // groups of ALT windows changed in the same columns: alleles of one length
      const byLength = new Map<number, number[]>();
      for (const i of patched) byLength.set(batch.alts[i]!.refLength, [...(byLength.get(batch.alts[i]!.refLength) ?? []), i]);
      const groups: (PatchGroup & { alts: number[] })[] = [...byLength].map(([n, alts]) => {
        const begin = alleleOffset(n, length);
        const [start, end] = reverseComplement ? [length - begin - n, length - begin] : [begin, begin + n];
        const windows = all.indexSelect(0, tensor(Int32Array.from(alts, (i) => batch.refCount + i), [alts.length], 'int64'));
        return {
          alts,
          starts: new Int32Array(alts.length).fill(start),
          width: end - start,
          columns: windows.narrow(2, start, end - start),
          rows: tensor(Int32Array.from(alts, (i) => batch.alts[i]!.refRow), [alts.length], 'int64'),
        };
      });
      const reference = all.narrow(0, 0, batch.refCount);
      const result = patchedForward(layers!, reference, groups);
      out.set(result.reference.contiguous().data<Float32Array>());
      groups.forEach((g, k) => {
        const values = result.groups[k]!.contiguous().data<Float32Array>();
        g.alts.forEach((i, r) => out.set(values.subarray(r * T, (r + 1) * T), (batch.refCount + i) * T));
      });
      const plain = batch.alts.map((_, i) => i).filter((i) => !patched.includes(i));
      if (plain.length > 0) {
        const values = forward(all.indexSelect(0, tensor(Int32Array.from(plain, (i) => batch.refCount + i), [plain.length], 'int64'))).contiguous().data<Float32Array>();
        plain.forEach((i, r) => out.set(values.subarray(r * T, (r + 1) * T), (batch.refCount + i) * T));
      }
      return confirmPatching(model, out, () => forward(all).contiguous().data<Float32Array>());
    }),
  );
}


export interface WindowProfiles {
  /** [rows, tasks] predicted log counts. */
  counts: Float32Array;
  /** [rows, tasks, positions] profile logits. */
  profiles: Float32Array;
  positions: number;
}

/** Outputs of a profile model (profile and counts heads, e.g. bpnet) for a batch of variant windows (plain forward). */
export function variantWindowProfiles(saved: SavedModel, batch: VariantWindowBatch, length: number, { reverseComplement = false } = {}): WindowProfiles {
  const model = saved.model;
  model.eval();
  const rows = batch.refCount + batch.alts.length;
  const x = oneHotWindows(batch, length);
  return tidy(() =>
    inferenceMode(() => {
      const all = windowTensor(x, rows, length, reverseComplement);
      const out = (model as unknown as { forward(x: Tensor): { profile: Tensor; counts: Tensor } }).forward(all);
      return {
        counts: out.counts.contiguous().data<Float32Array>(),
        profiles: out.profile.contiguous().data<Float32Array>(),
        positions: out.profile.shape[2]!,
      };
    }),
  );
}
