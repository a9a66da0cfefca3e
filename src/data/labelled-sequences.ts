/**
 * Labelled sequences (from a table or FASTA + labels) turned into training examples:
 * one-hot inputs [4, L] and targets by task kind (binary 0/1 per label column, one class
 * index, or real values), with optional dinucleotide-shuffled negatives for positive-only
 * data (DeepBind's recipe).
 */
import { FormatError, InputError } from '../core/errors.js';
import { writeOneHot } from '../genomics/one-hot.js';
import { dinucleotideShuffle } from '../genomics/shuffle.js';
import { gatherRows, type ArrayExamples } from './in-memory.js';
import { Random } from './random.js';

export type LabelKind = 'binary' | 'multiclass' | 'regression';

/** Rows of sequences with raw label text, and where each came from (for errors). */
export interface LabelledRows {
  ids: string[];
  sequences: string[];
  labels: string[][];
  labelNames: string[];
  /** Numeric side information per row (raw text), for multi-view models. */
  features?: string[][];
  featureNames?: string[];
  /** Source file and line of each row, when known. */
  path?: string;
  lines?: number[];
}

export interface EncodeOptions {
  kind: LabelKind;
  /** Class names in output order (multiclass). Default: sorted distinct labels. */
  classes?: readonly string[];
  /** Centre-crop or N-pad every sequence to this length. Default: all must have the same length. */
  length?: number;
  /** Add this many dinucleotide-shuffled copies of each positive as negatives (binary, one label column). */
  shuffledNegatives?: number;
  seed?: number;
}

export interface EncodedSequences {
  examples: ArrayExamples;
  /** Output names: label columns (binary, regression) or classes (multiclass). */
  outputs: string[];
  classes?: string[];
  ids: string[];
  sequences: string[];
  /** sources[e]: the input row example e comes from (a shuffled negative: its positive's row). */
  sources: number[];
}

/** Centre-crops or pads (with N, split evenly, extra on the right) `seq` to `length`. */
export function fitLength(seq: string, length: number): string {
  if (seq.length === length) return seq;
  if (seq.length > length) {
    const start = Math.floor((seq.length - length) / 2);
    return seq.slice(start, start + length);
  }
  const left = Math.floor((length - seq.length) / 2);
  return 'N'.repeat(left) + seq + 'N'.repeat(length - seq.length - left);
}

function where(rows: LabelledRows, i: number, field: string, problem: string): FormatError {
  return new FormatError(rows.path ?? '<labels>', rows.lines?.[i], field, problem);
}

function parseBinary(rows: LabelledRows, i: number, j: number): number {
  const text = rows.labels[i]![j]!;
  if (text === '1' || text.toLowerCase() === 'true') return 1;
  if (text === '0' || text.toLowerCase() === 'false') return 0;
  if (text === '' || text.toUpperCase() === 'NA' || text.toLowerCase() === 'nan') return Number.NaN;
  throw where(rows, i, rows.labelNames[j]!, `expected a binary label (0/1, true/false, or NA), got '${text}'`);
}

function parseFeature(rows: LabelledRows, i: number, k: number): number {
  const text = rows.features![i]![k]!;
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw where(rows, i, rows.featureNames?.[k] ?? `feature ${k}`, `expected a number, got '${text}'`);
  return v;
}

function parseReal(rows: LabelledRows, i: number, j: number): number {
  const text = rows.labels[i]![j]!;
  if (text === '' || text.toUpperCase() === 'NA' || text.toLowerCase() === 'nan') return Number.NaN;
  const v = Number(text);
  if (!Number.isFinite(v)) throw where(rows, i, rows.labelNames[j]!, `expected a number, got '${text}'`);
  return v;
}

export function encodeLabelledSequences(rows: LabelledRows, options: EncodeOptions): EncodedSequences {
  const { kind } = options;
  const n = rows.sequences.length;
  if (n === 0) throw new InputError('expected at least one sequence');
  if (kind === 'multiclass' && rows.labelNames.length !== 1) {
    throw new InputError(`a multiclass task reads one label column, got ${rows.labelNames.length} (${rows.labelNames.join(', ')})`);
  }
  const length = options.length ?? rows.sequences[0]!.length;
  if (options.length === undefined) {
    const bad = rows.sequences.findIndex((s) => s.length !== length);
    if (bad >= 0) {
      throw where(rows, bad, 'sequence', `expected length ${length} like the first sequence, got ${rows.sequences[bad]!.length}; set data.length to crop or pad`);
    }
  }
  let classes: string[] | undefined;
  let targets: number[][];
  if (kind === 'multiclass') {
    classes = options.classes ? [...options.classes] : [...new Set(rows.labels.map((l) => l[0]!))].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    targets = rows.labels.map((l, i) => {
      const c = index.get(l[0]!);
      if (c === undefined) throw where(rows, i, rows.labelNames[0]!, `unknown class '${l[0]}'; classes are ${classes!.join(', ')}`);
      return [c];
    });
  } else {
    const parse = kind === 'binary' ? parseBinary : parseReal;
    targets = rows.labels.map((l, i) => l.map((_, j) => parse(rows, i, j)));
  }

  const sequences = rows.sequences.map((s) => fitLength(s, length));
  const ids = [...rows.ids];
  const sources = rows.sequences.map((_, i) => i);
  const features = rows.features?.map((f, i) => f.map((_, k) => parseFeature(rows, i, k)));
  if (options.shuffledNegatives !== undefined && options.shuffledNegatives > 0) {
    if (kind !== 'binary' || rows.labelNames.length !== 1) {
      throw new InputError('shuffled negatives need a binary task with one label column');
    }
    const random = new Random(options.seed ?? 1);
    const count = sequences.length;
    for (let i = 0; i < count; i++) {
      if (targets[i]![0] !== 1) continue;
      for (let k = 0; k < options.shuffledNegatives; k++) {
        sequences.push(dinucleotideShuffle(sequences[i]!, random));
        targets.push([0]);
        features?.push(features[i]!);
        ids.push(`${ids[i]}_shuffled${k + 1}`);
        sources.push(i);
      }
    }
  }

  const inputs = new Float32Array(sequences.length * 4 * length);
  sequences.forEach((s, i) => {
    try {
      writeOneHot(s, inputs, i * 4 * length);
    } catch (err) {
      if (i < n) throw where(rows, i, 'sequence', (err as Error).message);
      throw err;
    }
  });
  const width = kind === 'multiclass' ? 1 : rows.labelNames.length;
  return {
    examples: {
      inputs,
      inputShape: [4, length],
      targets: Float32Array.from(targets.flat()),
      targetShape: kind === 'multiclass' ? [] : [width],
      count: sequences.length,
      ...(features ? { features: Float32Array.from(features.flat()), featureShape: [rows.featureNames?.length ?? features[0]?.length ?? 0] } : {}),
    },
    outputs: kind === 'multiclass' ? classes! : [...rows.labelNames],
    ...(classes ? { classes } : {}),
    ids,
    sequences,
    sources,
  };
}

/** The examples at `indices`, as a new ArrayExamples (copies). */
export function subsetExamples(data: ArrayExamples, indices: readonly number[]): ArrayExamples {
  return {
    inputs: gatherRows(data.inputs, data.inputShape, indices),
    inputShape: data.inputShape,
    targets: gatherRows(data.targets, data.targetShape, indices),
    targetShape: data.targetShape,
    count: indices.length,
    ...(data.features ? { features: gatherRows(data.features, data.featureShape ?? [], indices), featureShape: data.featureShape ?? [] } : {}),
  };
}
