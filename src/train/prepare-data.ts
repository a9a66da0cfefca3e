/**
 * From a config's `data` and `split` sections to train / validation / test batch sources:
 * the composition of readers, encoders, datasets and splits the config names.
 */
import type { DataConfig, TrainConfig } from '../config/train.js';
import { ConfigError, InputError } from '../core/index.js';
import type { BatchSource } from '../data/batch.js';
import { bigWigTargets } from '../data/bigwig-targets.js';
import { genomicBatches, type GenomicBatchSource, type WindowTargets } from '../data/genomic-batches.js';
import { inMemoryBatches, type ArrayExamples } from '../data/in-memory.js';
import type { Shard } from '../data/shard.js';
import { buildIntervalDataset, labelTargets, splitIntervalDataset, type IntervalDataset } from '../data/interval-dataset.js';
import { encodeLabelledSequences, subsetExamples, type EncodedSequences, type LabelKind } from '../data/labelled-sequences.js';
import { consensusPwm, plantedMotifDataset } from '../data/planted-motifs.js';
import type { SplitName } from '../io/sequence-table.js';
import { keepFeatures, selectFeatures } from '../data/feature-selection.js';
import { splitByFraction, splitExamplesByRow, type SplitIndices } from '../data/splits.js';
import { openGenome } from '../io/genome.js';
import { readFastaWithLabels, readSequenceTable } from '../io/sequence-table.js';
import { readMatrix } from '../io/matrix.js';
import { expressionExamples, expressionSamples, fitStandardizer, readSampleLabels, type ExpressionSamples, type ExpressionTargets } from '../data/expression.js';
import type { TargetMatrix } from './task.js';

export interface PreparedData {
  train: BatchSource;
  validation: BatchSource;
  test: BatchSource;
  /** Training targets [N, T] (for class balance). */
  trainTargets: TargetMatrix;
  /** Output names: tasks, or classes for multiclass. */
  outputs: string[];
  classes?: string[];
  /** What the model takes: one-hot sequences (with numeric features when features > 0), or feature vectors only. */
  inputKind: 'sequence' | 'features';
  /** Input length in bp (sequence input), or 0. */
  length: number;
  /** Numeric features per example (the only input for 'features'; a second input otherwise), or 0. */
  features: number;
  /** One line per notable fact about the data (sizes, dropped records), for logs. */
  summary: string[];
  /** Releases files and worker threads. */
  close(): Promise<void>;
}

const EVAL_BATCH = 256;

type TableData = Extract<DataConfig, { kind: 'table' }>;
type PlantedData = Extract<DataConfig, { kind: 'planted' }>;
type IntervalsData = Extract<DataConfig, { kind: 'intervals' }>;

function readTable(data: TableData, path: string, withSplits = false) {
  return readSequenceTable(path, {
    ...(withSplits && data.splitColumn !== undefined ? { splitColumn: data.splitColumn } : {}),
    ...(data.delimiter ? { delimiter: data.delimiter } : {}),
    header: data.header,
    sequenceColumn: data.sequenceColumn,
    labelColumns: data.labelColumns,
    ...(data.idColumn !== undefined ? { idColumn: data.idColumn } : {}),
    ...(data.featureColumns !== undefined ? { featureColumns: data.featureColumns } : {}),
  });
}

function generatePlanted(data: PlantedData, seed: number) {
  return plantedMotifDataset({
    count: data.count,
    length: data.length,
    motifs: data.motifs.map((m) => ({ name: m.name, pwm: consensusPwm(m.consensus) })),
    positiveFraction: data.positiveFraction,
    seed,
  });
}

async function encodeTable(
  data: TableData,
  path: string,
  task: TrainConfig['task'],
  seed: number,
  negatives?: number,
  classes?: string[],
): Promise<EncodedSequences & { rowSplits?: SplitName[] }> {
  const table = await readTable(data, path, path === data.path);
  const encoded = encodeLabelledSequences(table, {
    kind: labelKind(task),
    ...((classes ?? task.classes) ? { classes: classes ?? task.classes } : {}),
    ...(data.length !== undefined ? { length: data.length } : {}),
    ...(negatives !== undefined ? { shuffledNegatives: negatives } : {}),
    seed,
  });
  return table.splits ? { ...encoded, rowSplits: table.splits } : encoded;
}

/** The label kind of sequence-table data; profile and reconstruction tasks need other data. */
function labelKind(task: TrainConfig['task']): LabelKind {
  if (task.kind === 'reconstruction') throw new ConfigError('task.kind', 'labelled sequences are not reconstruction data; use data.kind expression');
  if (task.kind === 'profile') throw new ConfigError('task.kind', 'a profile task needs base-resolution tracks: data.kind intervals with data.tracks');
  return task.kind;
}

function fractionOf(config: TrainConfig, part: 'validation' | 'test'): number {
  const value = config.split[part];
  if (typeof value !== 'number') {
    throw new ConfigError(`split.${part}`, `chromosome hold-outs need genomic data (data.kind: intervals), got data.kind '${config.data.kind}'`);
  }
  return value;
}

/** Sequences held in memory (planted, table): split by seeded fractions or a separate test file. */
async function inMemoryData(config: TrainConfig, shard?: Shard): Promise<PreparedData> {
  const { data, task, seed } = config;
  let all: EncodedSequences;
  let heldOut: EncodedSequences | undefined;
  let rowSplits: SplitName[] | undefined;
  if (data.kind === 'planted') {
    if (task.kind !== 'binary') throw new ConfigError('task.kind', `planted-motif data is binary (one task per motif), got '${task.kind}'`);
    const generated = generatePlanted(data, seed);
    all = encodeLabelledSequences(
      { ids: generated.sequences.map((_, i) => `seq${i + 1}`), sequences: generated.sequences, labels: generated.labels.map((l) => l.map(String)), labelNames: generated.tasks },
      { kind: 'binary' },
    );
  } else if (data.kind === 'fasta') {
    all = encodeLabelledSequences(await readFastaWithLabels(data.fasta, data.labels, data.idColumn, data.labelColumns), {
      kind: labelKind(task),
      ...(task.classes ? { classes: task.classes } : {}),
      ...(data.length !== undefined ? { length: data.length } : {}),
      ...(data.shuffledNegatives !== undefined ? { shuffledNegatives: data.shuffledNegatives } : {}),
      seed,
    });
  } else if (data.kind === 'table') {
    const table = await encodeTable(data, data.path, task, seed, data.shuffledNegatives);
    all = table;
    rowSplits = table.rowSplits;
    if (data.testPath !== undefined) heldOut = await encodeTable(data, data.testPath, task, seed + 1, data.testShuffledNegatives, all.classes);
  } else {
    throw new InputError(`data.kind '${data.kind}' is not held in memory`);
  }
  let parts: SplitIndices;
  if (rowSplits !== undefined) {
    const splits = rowSplits;
    if (heldOut && splits.includes('test')) {
      throw new ConfigError('data.splitColumn', `${splits.filter((s) => s === 'test').length} rows of ${data.kind === 'table' ? data.path : 'the table'} are marked test, but data.testPath also gives a test set; use one of the two`);
    }
    parts = splitExamplesByRow(all.sources, (row) => splits[row]!);
  } else {
    const test = heldOut ? 0 : fractionOf(config, 'test');
    const validation = fractionOf(config, 'validation');
    if (validation + test >= 1) throw new ConfigError('split', `validation (${validation}) and test (${test}) leave nothing to train on`);
    // Split the input rows, so shuffled negatives stay in their positive's part.
    const rows = splitByFraction(all.sources.reduce((last, row) => Math.max(last, row), -1) + 1, { train: 1 - validation - test, validation, test }, config.split.seed ?? seed);
    const partOfRow: (keyof SplitIndices)[] = [];
    for (const part of ['train', 'validation', 'test'] as const) for (const row of rows[part]) partOfRow[row] = part;
    parts = splitExamplesByRow(all.sources, (row) => partOfRow[row]!);
  }
  const train = subsetExamples(all.examples, parts.train);
  const valid = subsetExamples(all.examples, parts.validation);
  const testExamples: ArrayExamples = heldOut ? heldOut.examples : subsetExamples(all.examples, parts.test);
  for (const [name, part] of [['training', train], ['validation', valid], ['test', testExamples]] as const) {
    if (part.count === 0) throw new ConfigError('split', `the ${name} split is empty (${all.examples.count} examples); use more data or other fractions`);
  }
  const length = all.examples.inputShape[1]!;
  return {
    train: inMemoryBatches(train, { batchSize: config.train.batchSize, reverseComplement: data.augment.reverseComplement, ...(shard ? { shard } : {}) }),
    validation: inMemoryBatches(valid, { batchSize: EVAL_BATCH, shuffle: false }),
    test: inMemoryBatches(testExamples, { batchSize: EVAL_BATCH, shuffle: false }),
    trainTargets: { values: train.targets, shape: [train.count, ...train.targetShape] },
    outputs: all.outputs,
    ...(all.classes ? { classes: all.classes } : {}),
    inputKind: 'sequence',
    length,
    features: all.examples.featureShape?.[0] ?? 0,
    summary: [`data: ${train.count} training, ${valid.count} validation, ${testExamples.count} test sequences of ${length} bp; outputs ${all.outputs.join(', ')}`],
    close: async () => {},
  };
}

function describeSplit(name: string, d: IntervalDataset): string {
  const positives = d.tasks.map((t, j) => {
    let n = 0;
    for (let i = 0; i < d.windows.length; i++) n += d.labels[i * d.tasks.length + j]!;
    return `${t} ${n}`;
  });
  return `${name} ${d.windows.length} windows (positives: ${positives.join(', ')})`;
}

/** Genomic windows labelled by peaks, read from the genome batch by batch. */
/** Targets of a split from bigWig tracks: the central-bin mean (log1p optional), or base-resolution profiles. */
async function trackTargets(data: IntervalsData, part: IntervalDataset, profile: boolean): Promise<WindowTargets> {
  const targets = await bigWigTargets(part.windows, { tracks: data.tracks!, mode: profile ? 'profile' : 'center', bin: data.bin, missing: 'zero' });
  if (profile) return { values: targets.values, shape: targets.shape };
  if (data.logTargets) for (let i = 0; i < targets.values.length; i++) targets.values[i] = Math.log1p(Math.max(0, targets.values[i]!));
  return { values: targets.values, shape: targets.shape };
}

async function intervalData(config: TrainConfig, data: IntervalsData, shard: Shard | undefined): Promise<PreparedData> {
  const regression = data.tracks !== undefined;
  const profile = config.task.kind === 'profile';
  if (regression && config.task.kind !== 'regression' && !profile) {
    throw new ConfigError('task.kind', `bigWig tracks (data.tracks) are regression or profile targets, got '${config.task.kind}'`);
  }
  if (profile && !regression) throw new ConfigError('data.tracks', 'a profile task needs bigWig tracks (data.tracks)');
  if (profile && data.augment.shift > 0) throw new ConfigError('data.augment.shift', 'shifting windows would misalign base-resolution profiles; use 0');
  if (!regression && config.task.kind !== 'binary') {
    throw new ConfigError('task.kind', `peak-labelled windows are binary tasks (or give data.tracks for regression), got '${config.task.kind}'`);
  }
  const genome = await openGenome(data.genome);
  const sources: GenomicBatchSource[] = [];
  try {
    const dataset = await buildIntervalDataset(genome, {
      tasks: data.tasks.map((t) => ({ name: t.name, peaks: t.peaks, ...(t.format ? { format: t.format } : {}) })),
      window: data.window,
      bin: data.bin,
      minOverlap: data.minOverlap,
      positives: data.positives,
      ...(data.stride ? { stride: data.stride } : {}),
      outOfBounds: data.outOfBounds,
      ...(data.chromosomes ? { chromosomes: data.chromosomes } : {}),
      negativeRatio: data.negatives.ratio,
      gcMatch: data.negatives.gcMatch,
      maxN: data.negatives.maxN,
      ...(data.negatives.blacklist ? { blacklist: data.negatives.blacklist } : {}),
      seed: config.seed,
    });
    const { validation, test } = config.split;
    let split;
    if (typeof validation === 'number' && typeof test === 'number') {
      if (validation + test >= 1) throw new ConfigError('split', `validation (${validation}) and test (${test}) leave nothing to train on`);
      split = splitIntervalDataset(dataset, { fractions: { train: 1 - validation - test, validation, test }, seed: config.split.seed ?? config.seed });
    } else if (typeof validation !== 'number' && typeof test !== 'number') {
      split = splitIntervalDataset(dataset, { validation: validation.chromosomes, test: test.chromosomes }, genome.chromosomes().keys());
    } else {
      throw new ConfigError('split', 'hold out chromosomes for both validation and test, or fractions for both');
    }
    for (const [name, part] of [['training', split.train], ['validation', split.validation], ['test', split.test]] as const) {
      if (part.windows.length === 0) throw new ConfigError('split', `the ${name} split has no windows; hold out other chromosomes or use fractions`);
    }
    const common = { genome, unknown: 0.25 as const };
    const targetsOf = (part: IntervalDataset) => (regression ? trackTargets(data, part, profile) : Promise.resolve(labelTargets(part)));
    const trainTargets = await targetsOf(split.train);
    sources.push(
      await genomicBatches({
        ...common,
        windows: split.train.windows,
        targets: trainTargets,
        batchSize: config.train.batchSize,
        seed: config.seed,
        reverseComplement: data.augment.reverseComplement,
        shift: data.augment.shift,
        workers: data.workers,
        ...(shard ? { shard } : {}),
      }),
    );
    for (const part of [split.validation, split.test]) {
      sources.push(await genomicBatches({ ...common, windows: part.windows, targets: await targetsOf(part), batchSize: EVAL_BATCH, shuffle: false, workers: 0 }));
    }
    return {
      train: sources[0]!,
      validation: sources[1]!,
      test: sources[2]!,
      trainTargets: { values: trainTargets.values, shape: trainTargets.shape },
      outputs: regression ? data.tracks!.map((t) => t.name) : dataset.tasks,
      inputKind: 'sequence',
      length: data.window,
      features: 0,
      summary: [
        `data: ${dataset.report.peakWindows} peak windows and ${dataset.report.negatives} negatives of ${data.window} bp from ${data.genome}`,
        `split: ${describeSplit('training', split.train)}; ${describeSplit('validation', split.validation)}; ${describeSplit('test', split.test)}`,
        ...dataset.report.warnings.map((w) => `warning: ${w}`),
      ],
      close: async () => {
        for (const s of sources) await s.close();
        await genome.close();
      },
    };
  } catch (err) {
    for (const s of sources) await s.close();
    await genome.close();
    throw err;
  }
}

type ExpressionData = Extract<DataConfig, { kind: 'expression' }>;

async function readExpression(data: ExpressionData, path: string, task: TrainConfig['task'], classes?: string[]): Promise<ExpressionSamples> {
  const matrix = await readMatrix(path, {
    ...(data.rowNameColumn !== undefined ? { rowNameColumn: data.rowNameColumn } : {}),
    ...(data.columns !== undefined ? { columns: new RegExp(data.columns) } : {}),
  });
  let targets: ExpressionTargets = 'input';
  if (task.kind === 'reconstruction') {
    if (data.labels) throw new ConfigError('data.labels', 'a reconstruction task reconstructs the inputs; remove data.labels or change task.kind');
  } else {
    if (!data.labels) throw new ConfigError('data.labels', `a ${task.kind} task needs a label per sample (data.labels), or task.kind reconstruction`);
    if (task.kind === 'binary' || task.kind === 'profile') throw new ConfigError('task.kind', 'expression labels are classes (multiclass) or values (regression)');
    const labels = await readSampleLabels(data.labels.path, {
      ...(data.labels.idColumn !== undefined ? { idColumn: data.labels.idColumn } : {}),
      ...(data.labels.labelColumn !== undefined ? { labelColumn: data.labels.labelColumn } : {}),
    });
    const wanted = classes ?? task.classes;
    targets = { labels, kind: task.kind === 'multiclass' ? 'class' : 'value', ...(wanted ? { classes: wanted } : {}) };
  }
  return expressionSamples(matrix, {
    samples: data.samples,
    targets,
    log1p: data.log1p,
    ...(data.clip ? { clip: data.clip } : {}),
  });
}

/** Expression samples as feature vectors; standardised with the training split's statistics. */
async function expressionData(config: TrainConfig, data: ExpressionData, shard?: Shard): Promise<PreparedData> {
  let all = await readExpression(data, data.path, config.task);
  let heldOut = data.testPath ? await readExpression(data, data.testPath, config.task, all.classes) : undefined;
  if (heldOut && heldOut.featureNames.join('\t') !== all.featureNames.join('\t')) {
    throw new InputError(`${data.testPath}: its features differ from ${data.path}'s (same genes in the same order expected)`);
  }
  const test = heldOut ? 0 : fractionOf(config, 'test');
  const validation = fractionOf(config, 'validation');
  if (validation + test >= 1) throw new ConfigError('split', `validation (${validation}) and test (${test}) leave nothing to train on`);
  const n = all.sampleNames.length;
  const parts = splitByFraction(n, { train: 1 - validation - test, validation, test }, config.split.seed ?? config.seed);
  const summary: string[] = [];
  if (data.select !== undefined) {
    if (data.select.method === 'snr' && config.task.kind !== 'multiclass') {
      throw new ConfigError('data.select.method', `'snr' ranks genes between classes; task.kind is '${config.task.kind}' (use 'variance')`);
    }
    const kept = selectFeatures(all, parts.train, data.select);
    summary.push(`genes: ${kept.length} of ${all.featureNames.length} kept by ${data.select.method} on the ${parts.train.length} training samples`);
    all = keepFeatures(all, kept);
    if (heldOut) heldOut = keepFeatures(heldOut, kept);
  }
  const standardizer = data.standardize ? fitStandardizer(all, parts.train) : undefined;
  const train = expressionExamples(all, parts.train, standardizer);
  const valid = expressionExamples(all, parts.validation, standardizer);
  const testExamples = heldOut ? expressionExamples(heldOut, heldOut.sampleNames.map((_, i) => i), standardizer) : expressionExamples(all, parts.test, standardizer);
  for (const [name, part] of [['training', train], ['validation', valid], ['test', testExamples]] as const) {
    if (part.count === 0) throw new ConfigError('split', `the ${name} split is empty (${n} samples); use other fractions`);
  }
  const multiclass = config.task.kind === 'multiclass';
  const outputs = config.task.kind === 'reconstruction' ? all.featureNames : multiclass ? all.classes ?? [] : all.targetNames;
  // Class targets are stored [N, 1]; the multiclass loss and metrics take [N] class indices.
  const squeeze = (e: ArrayExamples): ArrayExamples => (multiclass ? { ...e, targetShape: [] } : e);
  return {
    train: inMemoryBatches(squeeze(train), { batchSize: config.train.batchSize, ...(shard ? { shard } : {}) }),
    validation: inMemoryBatches(squeeze(valid), { batchSize: EVAL_BATCH, shuffle: false }),
    test: inMemoryBatches(squeeze(testExamples), { batchSize: EVAL_BATCH, shuffle: false }),
    trainTargets: { values: train.targets, shape: [train.count, ...train.targetShape] },
    outputs,
    ...(multiclass && all.classes ? { classes: all.classes } : {}),
    inputKind: 'features',
    length: 0,
    features: all.featureNames.length,
    summary: [`data: ${train.count} training, ${valid.count} validation, ${testExamples.count} test samples of ${all.featureNames.length} features${multiclass ? `; classes ${outputs.join(', ')}` : ''}`, ...summary],
    close: async () => {},
  };
}

export interface PrepareOptions {
  /** Data-parallel training: the training source serves this rank's share of every epoch. */
  shard?: Shard;
}

export async function prepareData(config: TrainConfig, options: PrepareOptions = {}): Promise<PreparedData> {
  const { shard } = options;
  switch (config.data.kind) {
    case 'intervals':
      return intervalData(config, config.data, shard);
    case 'expression':
      return expressionData(config, config.data, shard);
    default:
      return inMemoryData(config, shard);
  }
}

/** The sequences of a config's data, for motif discovery: planted, table (training file) or FASTA data. */
export async function sequencesOfConfig(config: TrainConfig): Promise<string[]> {
  const { data } = config;
  switch (data.kind) {
    case 'planted':
      return generatePlanted(data, config.seed).sequences;
    case 'table':
      return (await readTable(data, data.path)).sequences;
    case 'fasta':
      return (await readFastaWithLabels(data.fasta, data.labels, data.idColumn, data.labelColumns)).sequences;
    default:
      throw new InputError(`motifs from data.kind '${data.kind}' configs are not supported; give the sequences with --fasta`);
  }
}
