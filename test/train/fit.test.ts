import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, tensor } from '../../src/core/index.js';
import { fit } from '../../src/train/fit.js';
import { setup, weights } from './fit-fixture.js';

const withoutTime = (history: Record<string, number>[]) => history.map(({ seconds, ...r }) => r);

test('the same seed gives the same weights and metrics; another seed does not', async () => {
  const a = setup();
  const ra = await a.run();
  const b = setup();
  const rb = await b.run();
  assert.deepEqual(withoutTime(ra.history), withoutTime(rb.history));
  assert.deepEqual(weights(a.model), weights(b.model));
  const c = setup({ seed: 43 });
  await c.run();
  assert.notDeepEqual(weights(c.model), weights(a.model));
  assert.ok(ra.history[2]!.train_loss! < ra.history[0]!.train_loss!, 'the loss falls');
});

test('a run interrupted mid-epoch and resumed ends exactly like the uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-fit-'));
  try {
    const straight = setup();
    const full = await straight.run();

    const checkpointPath = join(dir, 'last.safetensors');
    const crashing = setup({
      checkpointPath,
      checkpointEvery: 4,
      onEvent: (e) => {
        if (e.type === 'step' && e.epoch === 2 && e.step === 6) throw new Error('simulated crash');
      },
    });
    await assert.rejects(crashing.run(), /simulated crash/);
    const resumed = setup({ checkpointPath, checkpointEvery: 4, resume: true });
    const events: string[] = [];
    const result = await fit({ ...resumed.options, onEvent: (e) => events.push(e.type === 'resume' ? `resume ${e.epoch}:${e.step}` : e.type) });
    assert.ok(events.includes('resume 1:4'), `resumed from the step-4 checkpoint of epoch 2: ${events.slice(0, 3)}`);
    assert.deepEqual(weights(resumed.model), weights(straight.model));
    assert.deepEqual(withoutTime(result.history), withoutTime(full.history));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 mid-epoch, resume, finish: nothing lost [slow]', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-kill-'));
  const child = fileURLToPath(new URL('./resume-child.js', import.meta.url));
  const runChild = (args: string[], killWhen?: () => boolean) =>
    new Promise<number | null>((resolve) => {
      const p = spawn(process.execPath, [child, ...args], { stdio: 'ignore' });
      const timer = killWhen && setInterval(() => killWhen() && p.kill('SIGKILL'), 20);
      p.on('exit', (code) => {
        if (timer) clearInterval(timer);
        resolve(code);
      });
    });
  try {
    const checkpointPath = join(dir, 'last.safetensors');
    assert.equal(await runChild([join(dir, 'straight.safetensors'), '0', join(dir, 'straight.json')]), 0);
    const killed = await runChild([checkpointPath, '1', join(dir, 'killed.json')], () => existsSync(checkpointPath));
    assert.notEqual(killed, 0, 'the first run was killed');
    assert.ok(!existsSync(join(dir, 'killed.json')));
    assert.equal(await runChild([checkpointPath, '1', join(dir, 'resumed.json')]), 0);
    const straight = JSON.parse(readFileSync(join(dir, 'straight.json'), 'utf8'));
    const resumed = JSON.parse(readFileSync(join(dir, 'resumed.json'), 'utf8'));
    assert.deepEqual(resumed, straight);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a NaN loss stops training with a clear message', async () => {
  const { options } = setup({ loss: () => tensor([Number.NaN]).sum() });
  await assert.rejects(fit(options), (e: unknown) => e instanceof InputError && /training loss became NaN at epoch 1, batch 1/.test((e as Error).message));
});

test('early stopping after `patience` epochs without improvement, best epoch kept', async () => {
  const values = [0.5, 0.7, 0.6, 0.65, 0.9];
  let epoch = 0;
  const { options } = setup({ epochs: 5, evaluate: () => ({ auroc: values[epoch++]! }), monitor: { metric: 'auroc', mode: 'max', patience: 2 } });
  const result = await fit(options);
  assert.equal(result.stoppedEarly, true);
  assert.equal(result.history.length, 4);
  assert.deepEqual(result.best, { value: 0.7, epoch: 2 });
});

test('bad fit options are InputErrors', async () => {
  await assert.rejects(fit(setup({ epochs: 0 }).options), /epochs to be a positive integer/);
  await assert.rejects(fit(setup({ monitor: { metric: 'nope', mode: 'max' } }).options), /monitored metric 'nope' is not among the validation metrics \(loss\)/);
  await assert.rejects(fit(setup({ resume: true }).options), /resume needs a checkpointPath/);
});
