/**
 * Feature (gene) selection fitted on the training samples only, so held-out samples never
 * choose the genes they are scored on:
 * - 'variance': the `count` features of largest variance (unsupervised);
 * - 'snr': Golub et al.'s signal-to-noise |mean_c - mean_rest| / (sd_c + sd_rest), the largest
 *   over classes c (one-vs-rest), for class labels.
 * NaN values are left out of the statistics.
 */
import { InputError } from '../core/errors.js';
import { featureMoments, type ExpressionSamples } from './expression.js';

export type FeatureSelectionMethod = 'variance' | 'snr';

export interface FeatureSelection {
  method: FeatureSelectionMethod;
  count: number;
}

/** Mean and population deviation per feature over the samples `rows`. */
function meanAndDeviation(values: Float32Array, F: number, rows: readonly number[]): { mean: Float64Array; sd: Float64Array } {
  const { mean, variance } = featureMoments(values, F, rows);
  return { mean, sd: variance.map(Math.sqrt) };
}

/** Per-feature scores of a selection method on the training samples `rows`. */
export function featureScores(samples: ExpressionSamples, rows: readonly number[], method: FeatureSelectionMethod): Float64Array {
  const F = samples.featureNames.length;
  if (rows.length < 2) throw new InputError(`feature selection needs at least 2 training samples, got ${rows.length}`);
  if (method === 'variance') {
    return featureMoments(samples.inputs, F, rows).variance;
  }
  if (samples.classes === undefined) throw new InputError("feature selection 'snr' needs class labels (task.kind multiclass)");
  const scores = new Float64Array(F);
  for (let c = 0; c < samples.classes.length; c++) {
    const inClass = rows.filter((r) => samples.targets[r] === c);
    const rest = rows.filter((r) => samples.targets[r] !== c);
    if (inClass.length === 0 || rest.length === 0) continue;
    const a = meanAndDeviation(samples.inputs, F, inClass);
    const b = meanAndDeviation(samples.inputs, F, rest);
    for (let f = 0; f < F; f++) {
      const spread = a.sd[f]! + b.sd[f]!;
      const snr = spread > 0 ? Math.abs(a.mean[f]! - b.mean[f]!) / spread : 0;
      if (snr > scores[f]!) scores[f] = snr;
    }
  }
  return scores;
}

/** Names of the `count` best-scoring features (ties: the earlier feature), in the matrix's order. */
export function selectFeatures(samples: ExpressionSamples, rows: readonly number[], selection: FeatureSelection): string[] {
  const F = samples.featureNames.length;
  if (!Number.isInteger(selection.count) || selection.count < 1) throw new InputError(`expected a positive number of features to select, got ${selection.count}`);
  if (selection.count >= F) return [...samples.featureNames];
  const scores = featureScores(samples, rows, selection.method);
  const order = Array.from({ length: F }, (_, f) => f).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order
    .slice(0, selection.count)
    .sort((a, b) => a - b)
    .map((f) => samples.featureNames[f]!);
}

/** The samples with only the features `names` (inputs; autoencoder targets follow the inputs). */
export function keepFeatures(samples: ExpressionSamples, names: readonly string[]): ExpressionSamples {
  const index = new Map(samples.featureNames.map((n, i) => [n, i]));
  const columns = names.map((n) => {
    const i = index.get(n);
    if (i === undefined) throw new InputError(`feature '${n}' is not among the samples' features`);
    return i;
  });
  const F = samples.featureNames.length;
  const N = samples.sampleNames.length;
  const inputs = new Float32Array(N * columns.length);
  for (let s = 0; s < N; s++) columns.forEach((f, k) => (inputs[s * columns.length + k] = samples.inputs[s * F + f]!));
  return {
    ...samples,
    featureNames: [...names],
    inputs,
    ...(samples.targetsAreInputs ? { targetNames: [...names], targets: Float32Array.from(inputs) } : {}),
  };
}
