import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExpressionSamples } from '../../src/data/expression.js';
import { featureScores, keepFeatures, selectFeatures } from '../../src/data/feature-selection.js';

/** 4 samples x 3 genes; classes 0, 0, 1, 1. */
function samples(): ExpressionSamples {
  return {
    sampleNames: ['s1', 's2', 's3', 's4'],
    featureNames: ['g1', 'g2', 'g3'],
    // g1 separates the classes (1, 3 vs 7, 9), g2 is noise with a large spread, g3 is flat
    inputs: Float32Array.from([1, 0, 5, 3, 10, 5, 7, 0, 5, 9, 10, 5]),
    targetNames: ['label'],
    targets: Float32Array.from([0, 0, 1, 1]),
    targetsAreInputs: false,
    classes: ['ALL', 'AML'],
  };
}

test('signal-to-noise by hand: |mean_a - mean_b| / (sd_a + sd_b), population deviations, best over one-vs-rest', () => {
  const s = samples();
  // g1: means 2 and 8, deviations 1 and 1: 6 / 2 = 3; g2: means 5 and 5: 0; g3: no spread: 0
  assert.deepEqual([...featureScores(s, [0, 1, 2, 3], 'snr')], [3, 0, 0]);
  // variance (population): g1 mean 5, squares 16 + 4 + 4 + 16 = 40 / 4 = 10; g2: 25 each = 25; g3: 0
  assert.deepEqual([...featureScores(s, [0, 1, 2, 3], 'variance')], [10, 25, 0]);
  assert.deepEqual(selectFeatures(s, [0, 1, 2, 3], { method: 'snr', count: 1 }), ['g1']);
  assert.deepEqual(selectFeatures(s, [0, 1, 2, 3], { method: 'variance', count: 2 }), ['g1', 'g2'], 'kept in the matrix order');
});

test('selection sees only the training rows; keepFeatures narrows inputs (and autoencoder targets)', () => {
  const s = samples();
  // all four rows: g2 (variance 25) beats g1 (10); rows 0 and 2 only: g1 is 1, 7 (variance 9), g2 is 0, 0
  assert.deepEqual(selectFeatures(s, [0, 1, 2, 3], { method: 'variance', count: 1 }), ['g2']);
  assert.deepEqual(selectFeatures(s, [0, 2], { method: 'variance', count: 1 }), ['g1']);
  const kept = keepFeatures(s, ['g3', 'g1']);
  assert.deepEqual(kept.featureNames, ['g3', 'g1']);
  assert.deepEqual([...kept.inputs], [5, 1, 5, 3, 5, 7, 5, 9]);
  const auto = keepFeatures({ ...s, targetNames: s.featureNames, targets: Float32Array.from(s.inputs), targetsAreInputs: true }, ['g2']);
  assert.deepEqual([...auto.targets], [0, 10, 0, 10]);
  assert.throws(() => featureScores({ ...s, classes: undefined }, [0, 1], 'snr'), /'snr' needs class labels/);
  assert.throws(() => keepFeatures(s, ['g9']), /feature 'g9' is not among/);
});
