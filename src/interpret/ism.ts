/** In-silico mutagenesis: every single-base substitution, and window deletions, scored by the model. */
import { inferenceMode, tensor, tidy, type Tensor } from '../core/index.js';
import { Module } from '../nn/index.js';
import { confirmPatching, patchedForward, patchingLayers } from './patched-forward.js';
import { checkOneHot, checkPositiveInt, selectTarget, type ForwardModel, type Target } from './target.js';

export interface IsmOptions {
  target?: Target;
  /** Variant sequences per forward pass. Default 256. */
  batchSize?: number;
}

export interface Ism {
  /** [N, 4, L]: f(mutant) - f(reference) for base b at position j; 0 at the reference base. */
  deltas: Tensor;
}

export interface DeletionScan {
  /** [N, L]: f(x without bases j..j+window-1, N-padded at the 3' end) - f(x). */
  deltas: Tensor;
}

/** Scores `count` variant rows built by `fill(row, out, offset)` plus the unmodified x_n (row -1). */
function scoreVariants(
  model: ForwardModel,
  reference: Float32Array | Float64Array,
  shape: [number, number],
  count: number,
  fill: (row: number, out: Float32Array | Float64Array, offset: number) => void,
  { target, batchSize }: { target: Target | undefined; batchSize: number },
  dtype: 'float32' | 'float64',
): { ref: number; scores: Float64Array } {
  const size = shape[0] * shape[1];
  const scores = new Float64Array(count);
  let ref = 0;
  for (let start = -1; start < count; start += batchSize) {
    const rows = Math.min(batchSize, count - start);
    const buf = dtype === 'float64' ? new Float64Array(rows * size) : new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) {
      buf.set(reference, r * size);
      if (start + r >= 0) fill(start + r, buf, r * size);
    }
    const y = tidy(() => inferenceMode(() => selectTarget(model.forward(tensor(buf, [rows, ...shape], dtype)), target).toDType('float64').contiguous().data<Float64Array>()));
    for (let r = 0; r < rows; r++) {
      if (start + r < 0) ref = y[r]!;
      else scores[start + r] = y[r]!;
    }
  }
  return { ref, scores };
}

/**
 * All substitutions of each sequence (3 per position where the column is one-hot, 4 at N),
 * batched. `model.forward` runs in inference mode. For a model whose layer chain starts with
 * local layers (convolutions, poolings), each mutant is computed from the reference's
 * activations around the changed base only (`patchedForward`), checked once per model against
 * the plain forward.
 * @param x [N, 4, L] float32 / float64; not modified.
 */
export function ism(model: ForwardModel, x: Tensor, { target, batchSize = 256 }: IsmOptions = {}): Ism {
  checkOneHot(x);
  checkPositiveInt('batchSize', batchSize);
  const [n, , length] = x.shape as [number, number, number];
  const dtype = x.dtype as 'float32' | 'float64';
  const all = tidy(() => x.contiguous().data<Float32Array | Float64Array>());
  const out = new Float64Array(n * 4 * length);
  for (let i = 0; i < n; i++) {
    const seq = all.subarray(i * 4 * length, (i + 1) * 4 * length);
    const variants: [number, number][] = [];
    for (let j = 0; j < length; j++) for (let b = 0; b < 4; b++) if (seq[b * length + j] !== 1) variants.push([j, b]);
    const fill = (row: number, buf: Float32Array | Float64Array, offset: number) => {
      const [j, b] = variants[row]!;
      for (let c = 0; c < 4; c++) buf[offset + c * length + j] = c === b ? 1 : 0;
    };
    const plain = (count = variants.length) => scoreVariants(model, seq, [4, length], count, fill, { target, batchSize }, dtype);
    const layers = model instanceof Module ? patchingLayers(model) : null;
    const { ref, scores } = layers === null ? plain() : patchedSubstitutions(model as unknown as Module, layers, seq, length, variants, { target, batchSize }, dtype, plain);
    variants.forEach(([j, b], v) => (out[i * 4 * length + b * length + j] = scores[v]! - ref));
  }
  return { deltas: tensor(dtype === 'float64' ? out : Float32Array.from(out), [n, 4, length], dtype) };
}

/** The substitution scores through the patched forward: every mutant differs from the reference in one column. */
function patchedSubstitutions(
  model: Module,
  layers: Module[],
  seq: Float32Array | Float64Array,
  length: number,
  variants: readonly [number, number][],
  { target, batchSize }: { target: Target | undefined; batchSize: number },
  dtype: 'float32' | 'float64',
  plain: (count?: number) => { ref: number; scores: Float64Array },
): { ref: number; scores: Float64Array } {
  const scores = new Float64Array(variants.length);
  let ref = 0;
  for (let start = 0; start < variants.length; start += batchSize) {
    const batch = variants.slice(start, start + batchSize);
    const columns = new Float64Array(batch.length * 4);
    batch.forEach(([, b], r) => (columns[r * 4 + b] = 1));
    const { reference, mutants } = tidy(() =>
      inferenceMode(() => {
        const result = patchedForward(layers, tensor(seq, [1, 4, length], dtype), [
          { rows: tensor(new Float64Array(batch.length), [batch.length], 'int64'), starts: Int32Array.from(batch, ([j]) => j), width: 1, columns: tensor(columns, [batch.length, 4, 1], dtype) },
        ]);
        const read = (y: Tensor) => selectTarget(y, target).toDType('float64').contiguous().data<Float64Array>();
        return { reference: read(result.reference)[0]!, mutants: read(result.groups[0]!) };
      }),
    );
    ref = reference;
    scores.set(mutants, start);
    if (start === 0) {
      // the first batch of a model is checked against the plain forward of the same mutants
      confirmPatching(model, Float64Array.from([ref, ...mutants]), () => {
        const p = plain(batch.length);
        return Float64Array.from([p.ref, ...p.scores]);
      });
      if (patchingLayers(model) === null) return plain();
    }
  }
  return { ref, scores };
}

/**
 * Deletes `window` bases at each position j (bases j..j+window-1, truncated at the end), shifts
 * the rest left and pads the 3' end with N (every channel `padValue`, default 0.25 as `oneHot`) to keep the length.
 * @param x [N, 4, L]; not modified. Default window 1.
 */
export function windowDeletions(model: ForwardModel, x: Tensor, { target, batchSize = 256, window = 1, padValue = 0.25 }: IsmOptions & { window?: number; padValue?: 0 | 0.25 } = {}): DeletionScan {
  checkOneHot(x);
  checkPositiveInt('batchSize', batchSize);
  checkPositiveInt('window', window);
  const [n, , length] = x.shape as [number, number, number];
  const dtype = x.dtype as 'float32' | 'float64';
  const all = tidy(() => x.contiguous().data<Float32Array | Float64Array>());
  const out = new Float64Array(n * length);
  for (let i = 0; i < n; i++) {
    const seq = all.subarray(i * 4 * length, (i + 1) * 4 * length);
    const { ref, scores } = scoreVariants(
      model,
      seq,
      [4, length],
      length,
      (j, buf, offset) => {
        const w = Math.min(window, length - j);
        for (let c = 0; c < 4; c++) {
          const row = offset + c * length;
          buf.copyWithin(row + j, row + j + w, row + length);
          buf.fill(padValue, row + length - w, row + length);
        }
      },
      { target, batchSize },
      dtype,
    );
    for (let j = 0; j < length; j++) out[i * length + j] = scores[j]! - ref;
  }
  return { deltas: tensor(dtype === 'float64' ? out : Float32Array.from(out), [n, length], dtype) };
}
