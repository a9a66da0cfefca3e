/**
 * Expression matrices as training samples: each sample (a matrix row, or a column) is a
 * feature vector; targets come from other features of the same matrix, from a per-sample
 * label table, or are the inputs themselves (autoencoders).
 *
 * Transforms: optional clipping and log1p at construction; per-feature standardisation fitted
 * on the training samples only (`fitStandardizer(samples, split.train)`), then applied to
 * every split, so no statistic of the validation / test samples leaks into training.
 *
 *   const m = await readMatrix('expr.csv.gz', { transpose: true });          // samples x genes
 *   const labels = await readSampleLabels('labels.csv', { idColumn: 'patient', labelColumn: 'cancer' });
 *   const samples = expressionSamples(m, { log1p: true, clip: [1, 16000], targets: { labels, kind: 'class' } });
 *   const split = splitByFraction(samples.sampleNames.length, { train: 0.8, validation: 0.1, test: 0.1 }, 1);
 *   const scaler = fitStandardizer(samples, split.train);
 *   const train = expressionExamples(samples, split.train, scaler);         // ArrayExamples -> inMemoryBatches
 */
import { FormatError, InputError } from '../core/errors.js';
import type { Matrix } from '../io/matrix.js';
import { readTextLines } from '../io/text-lines.js';
import type { ArrayExamples } from './in-memory.js';

export type ExpressionTargets =
  /** Autoencoder: the targets are the (transformed, standardised) inputs. */
  | 'input'
  /** Other features of the same matrix, by name (taken out of the inputs). */
  | { features: readonly string[] }
  /** A label per sample name: class names (-> class index 0..C-1) or numbers. */
  | { labels: ReadonlyMap<string, string | number>; kind: 'class' | 'value'; classes?: readonly string[] };

export interface ExpressionSamplesOptions {
  /** Samples are the matrix's rows (default) or its columns. */
  samples?: 'rows' | 'columns';
  /** Input features by name, in this order. Default: every feature not used as a target. */
  features?: readonly string[];
  /** Default: none (targets of width 0). */
  targets?: ExpressionTargets;
  /** Clamp input values to [min, max] before log1p. Default none. */
  clip?: readonly [number, number];
  /** Inputs become log(1 + x) (after clipping). Values <= -1 are an InputError. Default false. */
  log1p?: boolean;
}

export interface ExpressionSamples {
  sampleNames: string[];
  featureNames: string[];
  /** `[N, F]` row-major, after clip / log1p (not standardised). */
  inputs: Float32Array;
  targetNames: string[];
  /** `[N, K]` row-major; for 'input' targets, a copy of `inputs` (replaced by the standardised inputs in `expressionExamples`). */
  targets: Float32Array;
  /** True for autoencoder data (targets are the inputs). */
  targetsAreInputs: boolean;
  /** Class names in index order (class labels). */
  classes?: string[];
}

/** Samples x features view of a matrix. */
function orient(matrix: Matrix, samples: 'rows' | 'columns'): { names: string[]; features: string[]; at: (s: number, f: number) => number } {
  const { values, cols } = matrix;
  if (values.length !== matrix.rows * cols) throw new InputError(`matrix values (${values.length}) do not match ${matrix.rows} x ${cols}`);
  return samples === 'rows'
    ? { names: matrix.rowNames, features: matrix.colNames, at: (s, f) => values[s * cols + f]! }
    : { names: matrix.colNames, features: matrix.rowNames, at: (s, f) => values[f * cols + s]! };
}

function featureIndices(all: readonly string[], wanted: readonly string[], what: string): number[] {
  const index = new Map<string, number>();
  all.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const missing = wanted.filter((n) => !index.has(n));
  if (missing.length > 0) {
    throw new InputError(`${what}: ${missing.length} name(s) not among the ${all.length} features: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
  }
  return wanted.map((n) => index.get(n)!);
}

/** Builds samples from an expression matrix; see the module comment. */
export function expressionSamples(matrix: Matrix, options: ExpressionSamplesOptions = {}): ExpressionSamples {
  const m = orient(matrix, options.samples ?? 'rows');
  const N = m.names.length;
  const target = options.targets;
  const targetFeatures = target !== undefined && target !== 'input' && 'features' in target ? featureIndices(m.features, target.features, 'targets.features') : [];
  const taken = new Set(targetFeatures);
  const inputIdx = options.features !== undefined
    ? featureIndices(m.features, options.features, 'features')
    : m.features.map((_, i) => i).filter((i) => !taken.has(i));
  if (inputIdx.length === 0) throw new InputError('no input features selected');
  const F = inputIdx.length;
  const clip = options.clip;
  if (clip !== undefined && !(clip[0] <= clip[1])) throw new InputError(`clip must be [min, max] with min <= max, got [${clip.join(', ')}]`);

  const inputs = new Float32Array(N * F);
  for (let s = 0; s < N; s++) {
    for (let k = 0; k < F; k++) {
      let v = m.at(s, inputIdx[k]!);
      if (clip !== undefined && !Number.isNaN(v)) v = Math.min(clip[1], Math.max(clip[0], v));
      if (options.log1p) {
        if (v <= -1) throw new InputError(`log1p needs values > -1, got ${v} for sample '${m.names[s]}', feature '${m.features[inputIdx[k]!]}' (clip the values first)`);
        v = Math.log1p(v);
      }
      inputs[s * F + k] = v;
    }
  }

  const out: ExpressionSamples = {
    sampleNames: [...m.names], featureNames: inputIdx.map((i) => m.features[i]!), inputs,
    targetNames: [], targets: new Float32Array(0), targetsAreInputs: false,
  };
  if (target === 'input') {
    out.targetNames = [...out.featureNames];
    out.targets = Float32Array.from(inputs);
    out.targetsAreInputs = true;
  } else if (target !== undefined && 'features' in target) {
    const K = targetFeatures.length;
    out.targetNames = targetFeatures.map((i) => m.features[i]!);
    out.targets = new Float32Array(N * K);
    for (let s = 0; s < N; s++) for (let k = 0; k < K; k++) out.targets[s * K + k] = m.at(s, targetFeatures[k]!);
  } else if (target !== undefined) {
    const absent = m.names.filter((n) => !target.labels.has(n));
    if (absent.length > 0) {
      throw new InputError(`${absent.length} of ${N} samples have no label: ${absent.slice(0, 5).join(', ')}${absent.length > 5 ? ', ...' : ''}`);
    }
    out.targetNames = ['label'];
    out.targets = new Float32Array(N);
    if (target.kind === 'class') {
      const classes = target.classes !== undefined ? [...target.classes] : [...new Set(m.names.map((n) => String(target.labels.get(n))))].sort();
      const index = new Map(classes.map((c, i) => [c, i]));
      m.names.forEach((n, s) => {
        const c = index.get(String(target.labels.get(n)));
        if (c === undefined) throw new InputError(`sample '${n}': label '${String(target.labels.get(n))}' is not one of the classes ${classes.join(', ')}`);
        out.targets[s] = c;
      });
      out.classes = classes;
    } else {
      m.names.forEach((n, s) => {
        const raw = target.labels.get(n)!;
        const v = typeof raw === 'number' ? raw : Number(raw.trim() === '' ? Number.NaN : raw);
        if (!Number.isFinite(v)) throw new InputError(`sample '${n}': expected a numeric label, got '${String(raw)}'`);
        out.targets[s] = v;
      });
    }
  }
  return out;
}

/** Per-feature mean and scale (population standard deviation; 1 for constant features). */
export interface Standardizer {
  mean: Float64Array;
  scale: Float64Array;
}

/**
 * Mean and population variance (ddof 0) of each of the F features over the samples `rows` of
 * `[N, F]` row-major values, in two passes; NaN values are left out (no values: 0 and 0).
 */
export function featureMoments(values: Float32Array, F: number, rows: readonly number[]): { mean: Float64Array; variance: Float64Array } {
  const N = F > 0 ? values.length / F : 0;
  const sum = new Float64Array(F);
  const count = new Float64Array(F);
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= N) throw new InputError(`sample index ${r} is outside [0, ${N})`);
    for (let f = 0; f < F; f++) {
      const v = values[r * F + f]!;
      if (!Number.isNaN(v)) {
        sum[f] += v;
        count[f]++;
      }
    }
  }
  const mean = new Float64Array(F);
  for (let f = 0; f < F; f++) mean[f] = count[f]! > 0 ? sum[f]! / count[f]! : 0;
  const squares = new Float64Array(F);
  for (const r of rows) {
    for (let f = 0; f < F; f++) {
      const v = values[r * F + f]!;
      if (!Number.isNaN(v)) squares[f] += (v - mean[f]!) ** 2;
    }
  }
  const variance = new Float64Array(F);
  for (let f = 0; f < F; f++) variance[f] = count[f]! > 0 ? squares[f]! / count[f]! : 0;
  return { mean, variance };
}

/**
 * Fits per-feature standardisation on the samples `rows` only (the training split): mean and
 * population standard deviation (ddof 0, like scikit-learn's StandardScaler), NaN values left
 * out; a feature with zero spread (or no values) gets scale 1.
 */
export function fitStandardizer(samples: Pick<ExpressionSamples, 'inputs' | 'featureNames'>, rows: readonly number[]): Standardizer {
  if (rows.length === 0) throw new InputError('cannot fit a standardizer on zero samples');
  const { mean, variance } = featureMoments(samples.inputs, samples.featureNames.length, rows);
  const scale = variance.map((v) => (v > 0 ? Math.sqrt(v) : 1));
  return { mean, scale };
}

/** `(x - mean) / scale` per feature, for `[N, F]` row-major values; NaN becomes 0 (the mean). */
export function applyStandardizer(standardizer: Standardizer, values: Float32Array): Float32Array {
  const F = standardizer.mean.length;
  if (F === 0 || values.length % F !== 0) throw new InputError(`expected [N, ${F}] values, got ${values.length} numbers`);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const f = i % F;
    const v = values[i]!;
    out[i] = Number.isNaN(v) ? 0 : (v - standardizer.mean[f]!) / standardizer.scale[f]!;
  }
  return out;
}

/**
 * The samples `rows` as in-memory examples (inputs `[F]`, targets `[K]`), standardised with
 * `standardizer` when given (autoencoder targets are the standardised inputs). Without a
 * standardizer, NaN inputs are an InputError.
 */
export function expressionExamples(samples: ExpressionSamples, rows: readonly number[], standardizer?: Standardizer): ArrayExamples {
  const F = samples.featureNames.length;
  const K = samples.targetNames.length;
  const N = samples.sampleNames.length;
  const raw = new Float32Array(rows.length * F);
  const targets = new Float32Array(rows.length * K);
  rows.forEach((r, k) => {
    if (!Number.isInteger(r) || r < 0 || r >= N) throw new InputError(`sample index ${r} is outside [0, ${N})`);
    raw.set(samples.inputs.subarray(r * F, (r + 1) * F), k * F);
    if (!samples.targetsAreInputs) targets.set(samples.targets.subarray(r * K, (r + 1) * K), k * K);
  });
  let inputs: Float32Array = raw;
  if (standardizer !== undefined) {
    if (standardizer.mean.length !== F) throw new InputError(`standardizer has ${standardizer.mean.length} features, samples have ${F}`);
    inputs = applyStandardizer(standardizer, raw);
  } else {
    const bad = raw.findIndex(Number.isNaN);
    if (bad >= 0) {
      throw new InputError(`sample '${samples.sampleNames[rows[Math.floor(bad / F)]!]}' has a missing value for feature '${samples.featureNames[bad % F]}'; standardise (NaN -> 0) or fill it first`);
    }
  }
  return {
    inputs,
    inputShape: [F],
    targets: samples.targetsAreInputs ? Float32Array.from(inputs) : targets,
    targetShape: [K],
    count: rows.length,
  };
}

export interface ReadSampleLabelsOptions {
  /** Column of sample names, by header name or 0-based index. Default 0. */
  idColumn?: string | number;
  /** Column of labels, by header name or 0-based index. Default 1. */
  labelColumn?: string | number;
  /** Default: tab when the header has one, else comma. */
  delimiter?: ',' | '\t';
}

function unquote(field: string): string {
  const t = field.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/**
 * Reads a per-sample label table (CSV / TSV with a header, plain or gzip): sample name ->
 * label text. FormatError (file, line, field) for a short row, an empty name or a name seen
 * twice; InputError for a column that is not in the header.
 */
export async function readSampleLabels(path: string, options: ReadSampleLabelsOptions = {}): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  let header: string[] | undefined;
  let delimiter = options.delimiter;
  let id = 0;
  let label = 1;
  const column = (option: string | number | undefined, fallback: number, what: string, fields: string[], line: number): number => {
    if (option === undefined) return fallback;
    const i = typeof option === 'number' ? option : fields.indexOf(option);
    if (!Number.isInteger(i) || i < 0 || i >= fields.length) {
      throw new FormatError(path, line, 'header', `no column ${typeof option === 'number' ? option : `'${option}'`} for ${what}; the header is ${fields.join(', ')}`);
    }
    return i;
  };
  for await (const { text, line } of readTextLines(path)) {
    if (text.trim().length === 0) continue;
    if (header === undefined) {
      delimiter ??= text.includes('\t') ? '\t' : ',';
      header = text.split(delimiter).map(unquote);
      id = column(options.idColumn, 0, 'idColumn', header, line);
      label = column(options.labelColumn, 1, 'labelColumn', header, line);
      continue;
    }
    const fields = text.split(delimiter!).map(unquote);
    if (fields.length <= Math.max(id, label)) {
      throw new FormatError(path, line, header[Math.max(id, label)] ?? 'columns', `expected at least ${Math.max(id, label) + 1} fields, got ${fields.length}`);
    }
    const name = fields[id]!;
    if (name === '') throw new FormatError(path, line, header[id]!, 'empty sample name');
    if (labels.has(name)) throw new FormatError(path, line, header[id]!, `sample '${name}' is listed twice`);
    labels.set(name, fields[label]!);
  }
  if (header === undefined) throw new FormatError(path, undefined, undefined, 'empty file, expected a header line');
  return labels;
}
