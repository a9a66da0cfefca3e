import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distributedAvailable } from '../../src/distributed/index.js';

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
    // intervals data is not sharded: every rank refuses it (the files exist, so the launcher's own config check passes)
    writeFileSync(join(dir, 'none.fa'), '');
    writeFileSync(join(dir, 'a.bed'), '');
    writeFileSync(join(dir, 'run.yaml'), config.replace(/data:[\s\S]*?split:/, `data:\n  kind: intervals\n  genome: ${join(dir, 'none.fa')}\n  tasks: [{ name: a, peaks: ${join(dir, 'a.bed')} }]\n  window: 100\nsplit:`));
    const r = spawnSync(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', join(dir, 'out'), '--plain', '--nproc', '2'], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /strand: error: data\.kind: data-parallel training does not shard streamed genome windows/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
