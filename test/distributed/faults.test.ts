/**
 * Faults in data-parallel training: a rank killed mid-epoch stops the job with a line naming
 * it, the last checkpoint stays usable, and --resume finishes as the uninterrupted run did (on
 * the same world size) or finishes at all (on another).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distributedAvailable } from '../../src/distributed/index.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const skip = distributedAvailable() ? false : 'addon built without gloo';

const config = `seed: 5
data: { kind: planted, motifs: [{ name: GATA1, consensus: AGATAAGG }], count: 3000, length: 300 }
split: { validation: 0.1, test: 0.1 }
task: { kind: binary }
model: { name: basset, options: { convolutions: [[32, 15], [32, 7]], pools: [4, 4], hidden: [32] } }
train: { epochs: 3, batchSize: 32, optimizer: { name: adam, lr: 0.002 }, checkpointEvery: 5, logEvery: 5 }
`;

/** The pid of the child of `parent` whose environment says RANK=`rank`. */
function rankPid(parent: number, rank: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      if (ppid !== parent) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`RANK=${rank}`)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

const train = (dir: string, out: string, ...extra: string[]) =>
  spawnSync(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', out, '--plain', ...extra], { encoding: 'utf8', timeout: 300_000 });

test('a rank killed mid-epoch stops the job with a line naming it; --resume finishes as the uninterrupted run', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-faults-'));
  try {
    writeFileSync(join(dir, 'run.yaml'), config);
    const straight = train(dir, join(dir, 'a'), '--nproc', '2');
    assert.equal(straight.status, 0, straight.stderr);

    const out = join(dir, 'b');
    const launcher = spawn(process.execPath, [cli, 'train', '--config', join(dir, 'run.yaml'), '--out', out, '--plain', '--nproc', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    launcher.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killedAt = 0;
    const status = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        const log = existsSync(join(out, 'log.jsonl')) ? readFileSync(join(out, 'log.jsonl'), 'utf8') : '';
        if (killedAt === 0 && /"type":"epoch","epoch":1\b/.test(log) && /"type":"step","epoch":2\b/.test(log)) {
          const pid = rankPid(launcher.pid!, 1);
          if (pid !== undefined) {
            process.kill(pid, 'SIGKILL');
            killedAt = Date.now();
          }
        }
      }, 5);
      launcher.on('exit', (code) => {
        clearInterval(poll);
        resolve(code);
      });
    });
    assert.ok(killedAt > 0, `rank 1 was never killed; the run ended with ${status}: ${stderr}`);
    assert.ok(Date.now() - killedAt < 20_000, `the job took ${Date.now() - killedAt} ms to stop`);
    assert.notEqual(status, 0);
    assert.match(stderr, /^strand: rank 1 of 2 was killed by SIGKILL; the other ranks stopped$/m);
    assert.match(stderr, /rank 1 is gone/, 'rank 0 names the rank it lost');
    assert.ok(!existsSync(join(out, 'metrics.json')), 'no final outputs after the kill');
    const other = join(dir, 'c');
    mkdirSync(other);
    copyFileSync(join(out, 'checkpoint.safetensors'), join(other, 'checkpoint.safetensors'));

    const resumed = train(dir, out, '--resume', '--nproc', '2');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from .*checkpoint\.safetensors: epoch 2, batch \d+/);
    assert.deepEqual(readFileSync(join(out, 'model.safetensors')), readFileSync(join(dir, 'a', 'model.safetensors')));
    const metrics = (d: string) => (JSON.parse(readFileSync(join(dir, d, 'metrics.json'), 'utf8')) as { test: unknown }).test;
    assert.deepEqual(metrics('b'), metrics('a'));

    // The same checkpoint on one process: the epoch goes on where two ranks left it, the run ends.
    const alone = train(dir, other, '--resume');
    assert.equal(alone.status, 0, alone.stderr);
    const step = (text: string) => Number(/epoch 2, batch (\d+)/.exec(text)?.[1]);
    assert.equal(step(alone.stderr) - 1, 2 * (step(resumed.stderr) - 1), 'one rank continues at twice the local step of two');
    const log = readFileSync(join(other, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; epoch: number });
    assert.deepEqual(log.filter((r) => r.type === 'epoch').map((r) => r.epoch), [2, 3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rank that cannot reach the store fails with the address in the message', { skip }, () => {
  const r = spawnSync(process.execPath, [cli, 'predict', '--model', 'none', '--fasta', 'none.fa', '--out', 'none.tsv'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '9', STRAND_DIST_TIMEOUT: '3' },
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^strand: error: joining the process group as rank 1 of 2: could not reach the TCP store at 127\.0\.0\.1:9 within 3000 ms/m);
});
