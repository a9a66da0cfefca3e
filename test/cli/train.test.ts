import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consensusPwm, plantedMotifDataset } from '../../src/data/planted-motifs.js';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
let dir = '';

const config = (extra = '') => `seed: ${outcomeSeed(2)}
data:
  kind: table
  path: ${'${DIR}'}/train.tsv
  sequenceColumn: sequence
  labelColumns: [CTCF]
  idColumn: id
split: { validation: 0.15, test: 0.15 }
task: { kind: binary }
model: { name: deepbind, options: { filters: 16, kernel: 12, hidden: 0 } }
train:
  epochs: 4
  batchSize: 32
  optimizer: { name: adam, lr: 0.005 }
${extra}`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'strand-cli-'));
  const data = plantedMotifDataset({ count: 600, length: 60, motifs: [{ name: 'CTCF', pwm: consensusPwm('CCGCGNGGNGGCAG'.replace(/N/g, 'A')) }], seed: 4 });
  const rows = data.sequences.map((s, i) => `s${i}\t${s}\t${data.labels[i]![0]}`);
  writeFileSync(join(dir, 'train.tsv'), `id\tsequence\tCTCF\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'run.yaml'), config().replaceAll('${DIR}', dir));
  writeFileSync(join(dir, 'query.fa'), `>with_motif\n${'A'.repeat(20)}CCGCGAGGAGGCAG${'T'.repeat(26)}\n>without\n${'AC'.repeat(30)}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('strand train, evaluate and predict work end to end on a table data set', () => {
  const out = join(dir, 'model');
  const train = strand('train', '--config', join(dir, 'run.yaml'), '--out', out, '--plain');
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stdout, /^test: auroc (\S+)/m);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 1.0
  reportOutcome('cli-train-auroc', metrics.test.mean.auroc, '> 0.9');
  assert.ok(metrics.test.mean.auroc > 0.9, `test AUROC ${metrics.test.mean.auroc}`);

  const evaluate = strand('evaluate', '--model', out, '--config', join(dir, 'run.yaml'));
  assert.equal(evaluate.status, 0, evaluate.stderr);
  const evaluated = JSON.parse(evaluate.stdout);
  assert.ok(Math.abs(evaluated.mean.auroc - metrics.test.mean.auroc) < 1e-9, 'evaluate reproduces the test metrics');

  const preds = join(dir, 'preds.tsv');
  const predict = strand('predict', '--model', out, '--fasta', join(dir, 'query.fa'), '--out', preds);
  assert.equal(predict.status, 0, predict.stderr);
  const lines = readFileSync(preds, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(lines[0], ['id', 'CTCF']);
  assert.equal(lines[1]![0], 'with_motif');
  assert.ok(Number(lines[1]![1]) > Number(lines[2]![1]), `the sequence with the motif scores higher: ${lines.slice(1).join(' | ')}`);
});

test('config errors name the file, line and field and exit 2', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, config('  clipGradNorm: -1\n').replaceAll('${DIR}', dir));
  const r = strand('train', '--config', bad, '--out', join(dir, 'x'));
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), new RegExp(`^strand: error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line 15: train\\.clipGradNorm: `));
  const missing = strand('train', '--config', join(dir, 'nope.yaml'), '--out', join(dir, 'x'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read config file: ENOENT/);
});

test('a malformed data file names the file, line and field', () => {
  const broken = join(dir, 'broken.tsv');
  writeFileSync(broken, 'id\tsequence\tCTCF\ns1\tACGTACGT\t1\ns2\tACGTACGT\tmaybe\n');
  const yaml = join(dir, 'broken.yaml');
  writeFileSync(yaml, config().replaceAll('${DIR}/train.tsv', broken));
  const r = strand('train', '--config', yaml, '--out', join(dir, 'y'));
  assert.equal(r.status, 1);
  assert.match(r.stderr.trim(), /^strand: error: .*broken\.tsv: line 3: CTCF: expected a binary label/);
});

test('strand init writes configs that parse; unknown kinds are errors', () => {
  const r = strand('init', 'planted');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /kind: planted/);
  const u = strand('init', 'nope');
  assert.equal(u.status, 1);
  assert.match(u.stderr, /^strand: error: unknown example 'nope'/);
});

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('a misspelt model name in the example config fails at load time, naming file, line and field, before any data is read', () => {
  // The data path points at no file: a run that got as far as reading data would say so instead.
  const example = readFileSync(join(examples, 'uci-splice.yaml'), 'utf8');
  assert.match(example, /^  name: custom$/m);
  const yaml = join(dir, 'uci-splice-custm.yaml');
  writeFileSync(yaml, example.replace(/^  path: .*$/m, `  path: ${join(dir, 'no-such-data.csv')}`).replace(/^  name: custom$/m, '  name: custm'));
  const line = example.split('\n').findIndex((l) => l === '  name: custom') + 1;
  const out = join(dir, 'custm-out');
  const started = Date.now();
  const r = strand('train', '--config', yaml, '--out', out);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim(), new RegExp(`^strand: error: ${escaped(yaml)}: line ${line}: model\\.name: expected one of .*, got 'custm' \\(did you mean 'custom'\\?\\)$`));
  assert.ok(!existsSync(out), 'no output folder was made');
  assert.ok(seconds < 10, `failed fast (${seconds.toFixed(1)} s, mostly starting node and libtorch)`);
});

test('a data file that does not exist is reported at load time with its line', () => {
  const yaml = join(dir, 'no-data.yaml');
  writeFileSync(yaml, config().replaceAll('${DIR}/train.tsv', join(dir, 'absent.tsv')));
  const r = strand('train', '--config', yaml, '--out', join(dir, 'no-data-out'));
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim(), `strand: error: ${yaml}: line 4: data.path: no such file: ${join(dir, 'absent.tsv')}`);
});
