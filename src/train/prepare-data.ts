/**
 * From a config's `data` and `split` sections to train / validation / test examples:
 * the composition of readers, encoders and splits the config names.
 */
import type { DataConfig, TrainConfig } from '../config/train.js';
import { InputError } from '../core/index.js';
import { type ArrayExamples } from '../data/in-memory.js';
import { encodeLabelledSequences, subsetExamples, type EncodedSequences } from '../data/labelled-sequences.js';
import { consensusPwm, plantedMotifDataset } from '../data/planted-motifs.js';
import { splitByFraction } from '../data/splits.js';
import { readSequenceTable } from '../io/sequence-table.js';

export interface PreparedData {
  train: ArrayExamples;
  validation: ArrayExamples;
  test: ArrayExamples;
  /** Output names: tasks, or classes for multiclass. */
  outputs: string[];
  classes?: string[];
  /** Input length in bp. */
  length: number;
  /** Numeric features per example given as a second input, or 0. */
  features: number;
  /** Test-split sequences and ids, for reports and attribution examples. */
  testSequences: string[];
  testIds: string[];
  /** One line per notable fact about the data (sizes, class balance), for logs. */
  summary: string[];
}

async function encodeTable(data: Extract<DataConfig, { kind: 'table' }>, path: string, kind: TrainConfig['task'], seed: number, negatives?: number, classes?: string[]): Promise<EncodedSequences> {
  const table = await readSequenceTable(path, {
    ...(data.delimiter ? { delimiter: data.delimiter } : {}),
    header: data.header,
    sequenceColumn: data.sequenceColumn,
    labelColumns: data.labelColumns,
    ...(data.idColumn !== undefined ? { idColumn: data.idColumn } : {}),
    ...(data.featureColumns !== undefined ? { featureColumns: data.featureColumns } : {}),
  });
  return encodeLabelledSequences(table, {
    kind: kind.kind,
    ...(classes ?? kind.classes ? { classes: classes ?? kind.classes } : {}),
    ...(data.length !== undefined ? { length: data.length } : {}),
    ...(negatives !== undefined ? { shuffledNegatives: negatives } : {}),
    seed,
  });
}

async function encodeAll(config: TrainConfig): Promise<{ all: EncodedSequences; heldOut?: EncodedSequences }> {
  const { data, task, seed } = config;
  switch (data.kind) {
    case 'planted': {
      if (task.kind !== 'binary') throw new InputError(`task.kind: planted-motif data is binary (one task per motif), got '${task.kind}'`);
      const generated = plantedMotifDataset({
        count: data.count,
        length: data.length,
        motifs: data.motifs.map((m) => ({ name: m.name, pwm: consensusPwm(m.consensus) })),
        positiveFraction: data.positiveFraction,
        seed,
      });
      const rows = {
        ids: generated.sequences.map((_, i) => `seq${i + 1}`),
        sequences: generated.sequences,
        labels: generated.labels.map((l) => l.map(String)),
        labelNames: generated.tasks,
      };
      return { all: encodeLabelledSequences(rows, { kind: 'binary' }) };
    }
    case 'table': {
      const all = await encodeTable(data, data.path, task, seed, data.shuffledNegatives);
      if (data.testPath === undefined) return { all };
      const heldOut = await encodeTable(data, data.testPath, task, seed + 1, data.testShuffledNegatives, all.classes);
      return { all, heldOut };
    }
  }
}

export async function prepareData(config: TrainConfig): Promise<PreparedData> {
  const { all, heldOut } = await encodeAll(config);
  const splitSeed = config.split.seed ?? config.seed;
  const test = heldOut ? 0 : config.split.test;
  const fractions = { train: 1 - config.split.validation - test, validation: config.split.validation, test };
  const parts = splitByFraction(all.examples.count, fractions, splitSeed);
  const testIndices = heldOut ? [] : parts.test;
  const testExamples = heldOut ? heldOut.examples : subsetExamples(all.examples, testIndices);
  const testSource = heldOut ?? all;
  const indicesOfTest = heldOut ? Array.from({ length: heldOut.examples.count }, (_, i) => i) : testIndices;
  const prepared: PreparedData = {
    train: subsetExamples(all.examples, parts.train),
    validation: subsetExamples(all.examples, parts.validation),
    test: testExamples,
    outputs: all.outputs,
    ...(all.classes ? { classes: all.classes } : {}),
    length: all.examples.inputShape[1]!,
    features: all.examples.featureShape?.[0] ?? 0,
    testSequences: indicesOfTest.map((i) => testSource.sequences[i]!),
    testIds: indicesOfTest.map((i) => testSource.ids[i]!),
    summary: [],
  };
  if (prepared.train.count === 0 || prepared.validation.count === 0 || prepared.test.count === 0) {
    throw new InputError(
      `split: ${prepared.train.count} training, ${prepared.validation.count} validation and ${prepared.test.count} test examples; every split needs at least one (more data, or other split fractions)`,
    );
  }
  prepared.summary.push(
    `data: ${prepared.train.count} training, ${prepared.validation.count} validation, ${prepared.test.count} test sequences of ${prepared.length} bp; outputs ${prepared.outputs.join(', ')}`,
  );
  return prepared;
}
