import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distributedAvailable } from '../../src/distributed/index.js';
import { eboxPeakGenome, writeGenome } from '../data/genomic-fixtures.js';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const skip = distributedAvailable() ? false : 'addon built without gloo';

const config = `seed: 3
data:
  kind: planted
  motifs:
    - { name: GATA1, consensus: AGATAAGG }
  count: 800
  length: 100
  positiveFraction: 0.4
split: { validation: 0.15, test: 0.15 }
task: { kind: binary }
model: { name: deepbind, options: { filters: 16, kernel: 12, hidden: 0 } }
train:
  epochs: 3
  batchSize: 32
  accumulateSteps: 2
  optimizer: { name: adam, lr: 0.005 }
`;

test('strand train --nproc 2: two local ranks, rank 0 reports and writes the run folder', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-nproc-'));
  try {
    writeFileSync(join(dir, 'run.yaml'), config);
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', out, '--plain', '--nproc', '2'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.match(/^test: /gm)?.length, 1, r.stdout);
    assert.equal(r.stderr.match(/^data: /gm)?.length, 1, r.stderr);
    for (const f of ['model.safetensors', 'model.json', 'metrics.json', 'log.jsonl', 'report.html', 'checkpoint.safetensors']) assert.ok(existsSync(join(out, f)), f);
    const epochs = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number });
    assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when the ranks fail, the launcher exits non-zero with their one-line error', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-nproc-'));
  try {
    // A table whose label column is missing: the config is valid (the launcher's check passes), every rank refuses the file.
    writeFileSync(join(dir, 'data.tsv'), 'sequence\tother\nACGTACGT\t1\n');
    writeFileSync(join(dir, 'run.yaml'), config.replace(/data:[\s\S]*?split:/, `data:\n  kind: table\n  path: ${join(dir, 'data.tsv')}\n  sequenceColumn: sequence\n  labelColumns: [bound]\nsplit:`));
    const r = spawnSync(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', join(dir, 'out'), '--plain', '--nproc', '2'], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^strand: error: .*data\.tsv.*bound/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('strand train --nproc 2 on genome windows (intervals): ranks share each epoch (16 each: the single-process test\'s 32 a step), the held-out chromosome is learnt', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-nproc-'));
  const { chroms, peaks } = eboxPeakGenome();
  const genome = writeGenome(chroms);
  try {
    writeFileSync(join(dir, 'peaks.bed'), `${peaks.join('\n')}\n`);
    writeFileSync(
      join(dir, 'run.yaml'),
      `seed: ${outcomeSeed(4)}
data:
  kind: intervals
  genome: ${genome.path}
  tasks: [{ name: EBOX, peaks: ${join(dir, 'peaks.bed')} }]
  window: 200
  bin: 50
  negatives: { ratio: 2, gcMatch: true }
  augment: { reverseComplement: 0.5, shift: 10 }
  workers: 1
split: { validation: { chromosomes: [chr4] }, test: { chromosomes: [chr5] } }
task: { kind: binary }
model: { name: deepbind, options: { filters: 16, kernel: 12, hidden: 0 } }
train: { epochs: 8, batchSize: 16, optimizer: { name: adam, lr: 0.005 } }
`,
    );
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', out, '--plain', '--nproc', '2'], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const auroc = (JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { test: { mean: { auroc: number } } }).test.mean.auroc;
    // weakest over 5 seeds x (native, ATEN_CPU_CAPABILITY=default) on 2026-12-03: 0.9929
    reportOutcome('intervals-nproc2-chromosome-holdout-auroc', auroc, '> 0.9');
    assert.ok(auroc > 0.9, `held-out chromosome AUROC ${auroc}`);
  } finally {
    genome.remove();
    rmSync(dir, { recursive: true, force: true });
  }
});
