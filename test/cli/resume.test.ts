import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

const config = `seed: 5
data: { kind: planted, motifs: [{ name: GATA1, consensus: AGATAAGG }], count: 3000, length: 300 }
split: { validation: 0.1, test: 0.1 }
task: { kind: binary }
model: { name: basset, options: { convolutions: [[64, 15], [64, 7]], pools: [4, 4], hidden: [64] } }
train: { epochs: 4, batchSize: 32, optimizer: { name: adam, lr: 0.002 }, checkpointEvery: 10, logEvery: 5 }
`;

function withoutTimes(log: string): unknown[] {
  return log.trim().split('\n').map((l) => {
    const { seconds, ...rest } = JSON.parse(l) as Record<string, unknown>;
    void seconds;
    return rest;
  });
}

test('strand train killed with SIGKILL mid-epoch, then --resume: the same model, metrics and log as an uninterrupted run [slow]', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-resume-'));
  try {
    writeFileSync(join(dir, 'run.yaml'), config);
    const straight = spawnSync(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', join(dir, 'a'), '--plain'], { encoding: 'utf8' });
    assert.equal(straight.status, 0, straight.stderr);

    // Kill the second run as soon as its first mid-epoch checkpoint of epoch 2 exists.
    const out = join(dir, 'b');
    const child = spawn(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', out, '--plain'], { stdio: 'ignore' });
    const status = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        const log = existsSync(join(out, 'log.jsonl')) ? readFileSync(join(out, 'log.jsonl'), 'utf8') : '';
        if (/"type":"epoch","epoch":1\b/.test(log) && /"type":"step","epoch":2\b/.test(log)) child.kill('SIGKILL');
      }, 5);
      child.on('exit', (code) => {
        clearInterval(poll);
        resolve(code);
      });
    });
    assert.notEqual(status, 0, 'the run was killed before finishing');
    assert.ok(!existsSync(join(out, 'metrics.json')), 'no final outputs after the kill');

    const resumed = spawnSync(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', out, '--resume', '--plain'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from .*checkpoint\.safetensors: epoch 2, batch \d+/);
    const metrics = (d: string) => JSON.parse(readFileSync(join(dir, d, 'metrics.json'), 'utf8')).test;
    assert.deepEqual(metrics('b'), metrics('a'));
    assert.deepEqual(readFileSync(join(out, 'model.safetensors')), readFileSync(join(dir, 'a', 'model.safetensors')));
    assert.deepEqual(withoutTimes(readFileSync(join(out, 'log.jsonl'), 'utf8')), withoutTimes(readFileSync(join(dir, 'a', 'log.jsonl'), 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
