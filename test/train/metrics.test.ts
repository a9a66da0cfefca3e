import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auroc } from '../../src/train/metrics.js';
import { runPython } from '../helpers/pytorch.js';

test('auroc by hand: perfect, inverted, ties, single class', () => {
  assert.equal(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(auroc([1, 2, 3], [0, 1, 1]), 1);
  assert.equal(auroc([3, 2, 1], [0, 1, 1]), 0);
  assert.equal(auroc([0.5, 0.5], [0, 1]), 0.5);
  assert.ok(Number.isNaN(auroc([1, 2], [1, 1])));
});

test('auroc equals scikit-learn roc_auc_score on random data with ties', (t) => {
  const scores = Array.from({ length: 500 }, (_, i) => Math.round(Math.sin(i * 12.9898) * 20) / 20);
  const labels = scores.map((s, i) => ((s + Math.cos(i * 3.3)) > 0 ? 1 : 0));
  const expected = runPython<number>(
    'from sklearn.metrics import roc_auc_score\nresult = roc_auc_score(inputs["y"], inputs["s"])',
    { s: scores, y: labels },
    ['sklearn'],
  );
  if (expected === null) return t.skip('python3-sklearn not installed');
  assert.ok(Math.abs(auroc(scores, labels) - expected) < 1e-12);
});
