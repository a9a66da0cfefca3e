import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunFolder, SplitMetrics, TrainingRunOutput } from '../../src/io/run-folder.js';
import { renderFolderReport } from '../../src/report/folder-report.js';
import { FOOTER_PATTERN } from '../../src/report/page.js';

const history = [1, 2, 3].map((epoch) => ({ epoch, train_loss: 1 / epoch, val_loss: 1.2 / epoch, val_accuracy: 0.5 + epoch / 10 }));

function metrics(perTask: Record<string, Record<string, number>>): SplitMetrics {
  const names = Object.keys(Object.values(perTask)[0]!);
  const mean = Object.fromEntries(names.map((n) => [n, Object.values(perTask).reduce((s, m) => s + m[n]!, 0) / Object.keys(perTask).length]));
  return { loss: 0.4, perTask, mean };
}

function run(overrides: Partial<TrainingRunOutput>): TrainingRunOutput {
  return {
    architecture: 'mlp',
    data: { kind: 'expression', file: 'golub <train>.tsv' },
    task: { kind: 'binary', outputs: ['a'] },
    monitor: 'accuracy',
    bestEpoch: 3,
    history,
    validation: metrics({ a: { accuracy: 0.9 } }),
    test: metrics({ a: { accuracy: 0.8 } }),
    testPredictions: { targetNames: ['a'], outputNames: ['a'], targets: new Float32Array(1), predictions: new Float32Array(1) },
    ...overrides,
  };
}

test('multiclass run: confusion matrix counts by true and predicted class, title from the data file (escaped)', () => {
  const training = run({
    task: { kind: 'multiclass', outputs: ['ALL', 'AML'] },
    test: metrics({ class: { accuracy: 0.75, f1Macro: 0.7 } }),
    // true ALL predicted ALL, ALL predicted AML, AML predicted AML twice
    testPredictions: { targetNames: ['class'], outputNames: ['ALL', 'AML'], targets: Float32Array.from([0, 0, 1, 1]), predictions: Float32Array.from([0.9, 0.1, 0.4, 0.6, 0.2, 0.8, 0.3, 0.7]) },
  });
  const html = renderFolderReport({ dir: '/runs/golub', training, subfolders: [] });
  assert.match(html, /<title>mlp on golub &lt;train&gt;\.tsv<\/title>/);
  assert.match(html, /<tr><th>ALL<\/th><td[^>]*>1<\/td><td[^>]*>1<\/td><\/tr><tr><th>AML<\/th><td[^>]*>0<\/td><td[^>]*>2<\/td><\/tr>/);
  assert.match(html, /<td>class<\/td><td>0\.7500<\/td><td>0\.7000<\/td>/);
  assert.doesNotMatch(html, /data-chart="roc"/);
  assert.equal(html.match(/data-chart="learning-curve"/g)!.length, 2);
  assert.match(html, /Best epoch by validation accuracy: 3 of 3\./);
});

test('regression evaluation: one predicted-vs-observed chart per output with its Pearson r, NaN metrics as a dash', () => {
  const folder: RunFolder = {
    dir: '/runs/eval',
    evaluation: {
      model: 'runs/m1',
      config: 'run.yaml',
      task: { kind: 'regression', outputs: ['k562', 'hepg2'] },
      test: { examples: 3, ...metrics({ k562: { pearson: 0.8125, mse: 0.5 }, hepg2: { pearson: Number.NaN, mse: 0.25 } }) },
      testPredictions: { targetNames: ['k562', 'hepg2'], outputNames: ['k562', 'hepg2'], targets: Float32Array.from([1, 2, 3, 4, 5, 6]), predictions: Float32Array.from([1.5, 2, 2.5, 4, 5, 6]) },
    },
    subfolders: [],
  };
  const html = renderFolderReport(folder);
  assert.match(html, /<title>Evaluation of runs\/m1<\/title>/);
  assert.equal(html.match(/data-chart="scatter"/g)!.length, 2);
  assert.match(html, /class="legend">pearson 0\.8125<\/text>/);
  assert.match(html, /class="legend">pearson –<\/text>/);
  assert.match(html, /3 examples, task regression/);
});

test('a folder with only subfolders: sections and ids carry the subfolder name, glyphs defined once, same page when rendered again', () => {
  const explanation = {
    method: 'saliency' as const,
    tasks: ['GATA1'],
    ids: ['s1'],
    sequences: ['ACGT'],
    length: 4,
    attributions: Float32Array.from({ length: 16 }, (_, i) => (i % 5) / 10),
    outputs: ['GATA1', 'SPI1'],
    predictions: Float32Array.from([0.9, 0.2]),
  };
  const sub = { dir: '/runs/x/my explain', explanation, subfolders: [] };
  const folder: RunFolder = { dir: '/runs/x', subfolders: [{ name: 'my explain', folder: sub }, { name: 'again', folder: sub }] };
  const html = renderFolderReport(folder);
  assert.match(html, /<title>Strand outputs in x<\/title>/);
  assert.match(html, /<section class="part" id="my_explain-attributions"><h2>Attributions: Saliency \(gradient × input\) \(my explain\/\)<\/h2>/);
  assert.match(html, /<section class="sequence" id="again-seq-0">/);
  assert.equal(html.match(/<symbol id="strand-glyph-A"/g)!.length, 1);
  assert.match(html, /<a href="#again-attributions">/);
  assert.equal(html.replace(FOOTER_PATTERN, ''), renderFolderReport(folder).replace(FOOTER_PATTERN, ''));
});
