import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FormatError, InputError } from '../../src/core/errors.js';
import {
  applyStandardizer, expressionExamples, expressionSamples, fitStandardizer, readSampleLabels,
} from '../../src/data/expression.js';
import { readMatrix, type Matrix } from '../../src/io/matrix.js';
import { runPython } from '../helpers/pytorch.js';
import { SHARED_DATA, tempDir } from './genomic-fixtures.js';

/** 6 samples x 4 genes; g3 is constant; one missing value. */
const MATRIX: Matrix = {
  rowNames: ['s1', 's2', 's3', 's4', 's5', 's6'],
  colNames: ['g1', 'g2', 'g3', 'g4'],
  values: Float32Array.from([
    1, 10, 5, 0.5,
    3, 20, 5, 1.5,
    2, Number.NaN, 5, 2.5,
    8, 40, 5, 3.5,
    100, 1000, 5, 4.5, // a test sample with extreme values
    4, 30, 5, 5.5,
  ]),
  rows: 6,
  cols: 4,
};
const TRAIN = [0, 1, 2, 3, 5];

function close(actual: ArrayLike<number>, expected: readonly (number | null)[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (e === null) continue;
    assert.ok(Math.abs(actual[i]! - e) <= tolerance * Math.max(1, Math.abs(e)), `[${i}] ${actual[i]} vs ${e}`);
  }
}

test('standardisation is fitted on the training samples only and matches scikit-learn StandardScaler', () => {
  const samples = expressionSamples(MATRIX, { log1p: true, targets: { features: ['g4'] } });
  assert.deepEqual(samples.featureNames, ['g1', 'g2', 'g3']);
  assert.deepEqual(samples.targetNames, ['g4']);
  close(samples.inputs.subarray(0, 3), [Math.log1p(1), Math.log1p(10), Math.log1p(5)]);
  close(samples.targets, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);

  const scaler = fitStandardizer(samples, TRAIN);
  const expected = runPython<{ mean: number[]; scale: number[]; all: (number | null)[] }>(`
from sklearn.preprocessing import StandardScaler
X = np.log1p(np.array(inputs['x'], dtype=np.float64))
s = StandardScaler().fit(X[inputs['train']])
Z = s.transform(X)
result = {'mean': s.mean_.tolist(), 'scale': s.scale_.tolist(), 'all': [None if math.isnan(v) else v for v in Z.ravel().tolist()]}
`, { x: [[1, 10, 5], [3, 20, 5], [2, null, 5], [8, 40, 5], [100, 1000, 5], [4, 30, 5]].map((r) => r.map((v) => v ?? Number.NaN)), train: TRAIN }, ['numpy', 'sklearn']);
  if (expected === null) return;
  close(scaler.mean, expected.mean);
  close(scaler.scale, expected.scale); // the constant gene gets scale 1, as in scikit-learn
  const all = applyStandardizer(scaler, samples.inputs);
  close(all, expected.all);
  assert.equal(all[2 * 3 + 1], 0, 'a missing value becomes the training mean (0)');

  // Changing a non-training sample changes nothing in the fitted statistics.
  const changed = { ...MATRIX, values: Float32Array.from(MATRIX.values) };
  changed.values.fill(1e6, 4 * 4, 4 * 4 + 3);
  const again = fitStandardizer(expressionSamples(changed, { log1p: true, targets: { features: ['g4'] } }), TRAIN);
  assert.deepEqual(again, scaler);

  const examples = expressionExamples(samples, [4, 0], scaler);
  assert.deepEqual(examples.inputShape, [3]);
  assert.deepEqual(examples.targetShape, [1]);
  assert.equal(examples.count, 2);
  close(examples.inputs, [...expected.all.slice(12, 15), ...expected.all.slice(0, 3)]);
  close(examples.targets, [4.5, 0.5]);
});

test('expression samples: columns as samples, autoencoder targets, label tables, bad input', async () => {
  // samples as columns: the transpose of MATRIX
  const transposed: Matrix = {
    rowNames: MATRIX.colNames, colNames: MATRIX.rowNames, rows: 4, cols: 6,
    values: Float32Array.from({ length: 24 }, (_, k) => MATRIX.values[(k % 6) * 4 + Math.floor(k / 6)]!),
  };
  const cols = expressionSamples(transposed, { samples: 'columns', features: ['g2', 'g1'] });
  assert.deepEqual(cols.sampleNames, MATRIX.rowNames);
  assert.deepEqual([...cols.inputs.subarray(0, 4)], [10, 1, 20, 3]);

  // autoencoder: targets are the standardised inputs
  const auto = expressionSamples(MATRIX, { features: ['g1', 'g4'], targets: 'input' });
  const scaler = fitStandardizer(auto, TRAIN);
  const ex = expressionExamples(auto, [0, 1, 2], scaler);
  assert.deepEqual(ex.targets, ex.inputs);
  assert.deepEqual(ex.targetShape, [2]);
  // without a standardizer, missing values are refused
  assert.throws(() => expressionExamples(expressionSamples(MATRIX, { targets: 'input' }), [2]), (e: unknown) => e instanceof InputError && e.message.includes("sample 's3'") && e.message.includes("'g2'"));

  const tmp = tempDir();
  try {
    const labelsPath = join(tmp.dir, 'labels.csv');
    writeFileSync(labelsPath, 'patient,cancer\ns1,AML\ns2,ALL\n"s3",ALL\ns4,AML\ns5,ALL\ns6,ALL\n');
    const labels = await readSampleLabels(labelsPath, { idColumn: 'patient', labelColumn: 'cancer' });
    assert.equal(labels.get('s3'), 'ALL');
    const classes = expressionSamples(MATRIX, { targets: { labels, kind: 'class' } });
    assert.deepEqual(classes.classes, ['ALL', 'AML']);
    assert.deepEqual([...classes.targets], [1, 0, 0, 1, 0, 0]);
    assert.deepEqual(classes.featureNames, ['g1', 'g2', 'g3', 'g4']);
    const values = expressionSamples(MATRIX, { targets: { labels: new Map(MATRIX.rowNames.map((n, i) => [n, String(i / 2)])), kind: 'value' } });
    assert.deepEqual([...values.targets], [0, 0.5, 1, 1.5, 2, 2.5]);

    labels.delete('s5');
    labels.delete('s6');
    assert.throws(() => expressionSamples(MATRIX, { targets: { labels, kind: 'class' } }), (e: unknown) => e instanceof InputError && e.message.includes('2 of 6 samples have no label: s5, s6'));
    const twice = join(tmp.dir, 'twice.tsv');
    writeFileSync(twice, 'id\tlabel\na\t1\nb\t0\na\t1\n');
    await assert.rejects(readSampleLabels(twice), (e: unknown) => e instanceof FormatError && e.line === 4 && e.field === 'id');
    await assert.rejects(readSampleLabels(labelsPath, { labelColumn: 'type' }), (e: unknown) => e instanceof FormatError && e.field === 'header');
  } finally {
    tmp.remove();
  }
  assert.throws(() => expressionSamples(MATRIX, { features: ['g1', 'nope'] }), (e: unknown) => e instanceof InputError && e.message.includes('nope'));
  assert.throws(() => expressionSamples({ ...MATRIX, values: Float32Array.from(MATRIX.values, (v) => v - 2) }, { log1p: true }), (e: unknown) => e instanceof InputError && e.message.includes('log1p'));
  assert.throws(() => fitStandardizer(expressionSamples(MATRIX), []), InputError);
});

test('real data: Golub ALL/AML training set as 38 labelled samples, standardised on a training split', async () => {
  const dir = join(SHARED_DATA, 'golub_all_aml');
  const matrix = await readMatrix(join(dir, 'data_set_ALL_AML_train.csv.gz'), { rowNameColumn: 'Gene Accession Number', columns: /^\d+$/, transpose: true });
  const labels = await readSampleLabels(join(dir, 'actual.csv'), { idColumn: 'patient', labelColumn: 'cancer' });
  // Golub's preprocessing: floor 20, ceiling 16,000, then log
  const samples = expressionSamples(matrix, { clip: [20, 16000], log1p: true, targets: { labels, kind: 'class' } });
  assert.equal(samples.sampleNames.length, 38);
  assert.equal(samples.featureNames.length, 7129);
  assert.deepEqual(samples.classes, ['ALL', 'AML']);
  assert.equal([...samples.targets].filter((c) => c === 0).length, 27);
  assert.equal([...samples.targets].filter((c) => c === 1).length, 11);
  const train = Array.from({ length: 30 }, (_, i) => i);
  const scaler = fitStandardizer(samples, train);
  const ex = expressionExamples(samples, train, scaler);
  // standardised training features have mean 0 (a non-constant gene)
  const F = 7129;
  const gene = samples.featureNames.indexOf('M27891_at');
  assert.ok(gene >= 0);
  let sum = 0;
  for (let r = 0; r < 30; r++) sum += ex.inputs[r * F + gene]!;
  assert.ok(Math.abs(sum / 30) < 1e-4);
});
