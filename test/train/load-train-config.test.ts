/**
 * loadTrainConfig checks a config whole before any data is read: the model name and options
 * (options the data fills in not required), that the model takes what the data kind gives, the
 * monitored metric, and the files. Each problem is `file: line N: field: what is wrong`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError } from '../../src/core/index.js';
import { loadTrainConfig } from '../../src/train/load-train-config.js';

let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'strand-load-train-config-'));
  writeFileSync(join(dir, 'train.tsv'), 'id\tsequence\tCTCF\ns1\tACGT\t1\n');
  writeFileSync(join(dir, 'expression.tsv'), 'gene\ts1\ts2\ng1\t1\t2\n');
  writeFileSync(join(dir, 'genome.fa'), '>chr1\nACGT\n');
  writeFileSync(join(dir, 'a.bed'), 'chr1\t0\t2\n');
  mkdirSync(join(dir, 'not-a-model'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const TABLE_DATA = `data:
  kind: table
  path: train.tsv
  sequenceColumn: sequence
  labelColumns: [CTCF]
`;
const EXPRESSION_DATA = `data:
  kind: expression
  path: expression.tsv
  samples: columns
`;

/** A config file in the scratch folder: data section, then task, model and train lines (model on line 7 / 6). */
function configFile(name: string, { data = TABLE_DATA, task = 'binary', model, train = '' }: { data?: string; task?: string; model: string; train?: string }): string {
  const path = join(dir, name);
  writeFileSync(path, `${data}task: { kind: ${task} }\n${model}\ntrain:\n  epochs: 1\n${train}`);
  return path;
}

function loadError(path: string): ConfigError {
  try {
    loadTrainConfig(path);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  assert.fail(`expected a ConfigError loading ${path}`);
}

test('a bad model option is reported at load time with its file, line and field', () => {
  const path = configFile('bad-option.yaml', { model: 'model:\n  name: deepbind\n  options:\n    kernel: 12\n    filters: -3' });
  assert.equal(loadError(path).message, `${path}: line 11: model.options.filters: expected a positive integer, got -3`);
  const unknown = configFile('unknown-option.yaml', { model: 'model: { name: deepbind, options: { filterz: 3 } }' });
  assert.match(loadError(unknown).message, /unknown-option\.yaml: line 7: model\.options\.filterz: unknown field \(expected one of tasks, filters, kernel,/);
});

test('an unknown model name lists the known ones and suggests a close one', () => {
  const path = configFile('custm.yaml', { model: 'model:\n  name: custm\n  options: { layers: [flatten] }' });
  const e = loadError(path);
  assert.equal(e.path, 'model.name');
  assert.match(e.message, /custm\.yaml: line 8: model\.name: expected one of [a-z, -]*basset[a-z, -]*custom[a-z, -]*, got 'custm' \(did you mean 'custom'\?\)$/);
  const far = configFile('far.yaml', { model: 'model: { name: resnet50 }' });
  assert.match(loadError(far).message, /model\.name: expected one of .*, got 'resnet50'$/);
});

test('options the data fills in are not required at load time; the rest of the model is checked as far as it can be', () => {
  // autoencoder requires features, mlp takes targets, basset length and tasks: all from the data.
  assert.equal(loadTrainConfig(configFile('ae.yaml', { data: EXPRESSION_DATA, task: 'reconstruction', model: 'model: { name: autoencoder, options: { latent: 4 } }' })).model.name, 'autoencoder');
  assert.equal(loadTrainConfig(configFile('mlp.yaml', { data: `${EXPRESSION_DATA}  labels: { path: train.tsv }\n`, task: 'regression', model: 'model: { name: mlp }' })).model.name, 'mlp');
  assert.equal(loadTrainConfig(configFile('basset.yaml', { model: 'model: { name: basset, options: { hidden: [32] } }' })).model.name, 'basset');
  // A custom model's layer specs and a multi-view branch are checked without building anything.
  const layer = configFile('layer.yaml', { model: 'model:\n  name: custom\n  options:\n    layers:\n      - { type: conv1d, filters: 8, kernel: 0 }' });
  assert.equal(loadError(layer).message, `${layer}: line 11: model.options.layers.0.kernel: expected a positive integer, got 0`);
  const typo = configFile('typo.yaml', { model: 'model: { name: custom, options: { layers: [flatten, rleu] } }' });
  assert.match(loadError(typo).message, /line 7: model\.options\.layers\.1\.type: expected one of .*, got 'rleu' \(did you mean 'relu'\?\)$/);
  const branch = configFile('branch.yaml', {
    data: TABLE_DATA.replace('labelColumns: [CTCF]', 'labelColumns: [CTCF]\n  featureColumns: [id]'),
    model: 'model: { name: multi-view, options: { sequence: { model: deepbnd } } }',
  });
  assert.match(loadError(branch).message, /line 8: model\.options\.sequence\.model: expected one of .*, got 'deepbnd' \(did you mean 'deepbind'\?\)$/);
});

test('a model that cannot take what the data kind gives is reported at model.name', () => {
  const path = configFile('mlp-on-sequences.yaml', { model: 'model: { name: mlp }' });
  assert.equal(loadError(path).message, `${path}: line 7: model.name: 'mlp' takes features input, but the data gives one-hot sequences`);
});

test('a monitored metric the task does not report is a load-time error', () => {
  const path = configFile('metric.yaml', { model: 'model: { name: deepbind }', train: '  earlyStopping: { metric: aurok }\n' });
  assert.equal(
    loadError(path).message,
    `${path}: line 10: train.earlyStopping.metric: expected one of loss, auroc, auprc, accuracy, f1, mcc for a binary task, got 'aurok' (did you mean 'auroc'?)`,
  );
});

test('files the config names must exist: reported with their line, after the model checks', () => {
  const path = configFile('missing.yaml', { data: TABLE_DATA.replace('train.tsv', 'nope.tsv'), model: 'model: { name: deepbind }' });
  assert.equal(loadError(path).message, `${path}: line 3: data.path: no such file: ${join(dir, 'nope.tsv')}`);
  const intervals = `data:\n  kind: intervals\n  genome: genome.fa\n  tasks:\n    - { name: a, peaks: a.bed }\n    - { name: b, peaks: b.bed }\n`;
  const peaks = configFile('peaks.yaml', { data: intervals, model: 'model: { name: deepbind }' });
  assert.equal(loadError(peaks).message, `${peaks}: line 6: data.tasks.1.peaks: no such file: ${join(dir, 'b.bed')}`);
  const init = configFile('init.yaml', { model: 'model: { name: deepbind }', train: 'init: { from: not-a-model }\n' });
  assert.match(loadError(init).message, /init\.yaml: line 10: init\.from: .*not-a-model is not a saved Strand model/);
  // The model is checked first: a bad model name is what a config with both problems reports.
  const both = configFile('both.yaml', { data: TABLE_DATA.replace('train.tsv', 'nope.tsv'), model: 'model: { name: custm }' });
  assert.equal(loadError(both).path, 'model.name');
});

test('a valid config loads with its paths resolved against its folder', () => {
  const config = loadTrainConfig(configFile('ok.yaml', { model: 'model: { name: deepbind, options: { filters: 8 } }' }));
  assert.equal(config.data.kind === 'table' && config.data.path, join(dir, 'train.tsv'));
  assert.deepEqual(config.model.options, { filters: 8 });
});
