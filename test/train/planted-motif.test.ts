import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoConfigText } from '../../src/config/examples.js';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { trainFromConfig } from '../../src/train/run-training.js';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

test('the demo config trains a CNN that finds planted motifs: held-out AUROC > 0.95 per motif, all outputs written', async () => {
  const out = mkdtempSync(join(tmpdir(), 'strand-demo-'));
  try {
    const config = parseConfig(trainConfigSchema, demoConfigText(outcomeSeed(3), 8));
    const result = await trainFromConfig(config, { outDir: out });
    assert.deepEqual(Object.keys(result.test.perTask), ['GATA1', 'SPI1']);
    // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.993 (GATA1)
    for (const [task, m] of Object.entries(result.test.perTask)) reportOutcome(`planted-demo-${task}-auroc`, m.auroc!, '> 0.95');
    for (const [task, m] of Object.entries(result.test.perTask)) assert.ok(m.auroc! > 0.95, `held-out AUROC of ${task} is ${m.auroc}`);
    assert.ok(result.history.at(-1)!.train_loss! < result.history[0]!.train_loss!, 'the loss falls');
    for (const f of ['model.safetensors', 'model.json', 'metrics.json', 'log.jsonl', 'report.html', 'checkpoint.safetensors']) {
      assert.ok(existsSync(join(out, f)), `${f} written`);
    }
    assert.ok(!existsSync(join(out, '.best.safetensors')));
    const log = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(log.map((r) => r.epoch), result.history.map((r) => r.epoch));
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(metrics.test.mean.auroc, result.test.mean.auroc);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(report, /<svg[^>]*class="chart"/);
    assert.match(report, /ROC \(test\)/);
    assert.doesNotMatch(report, /<script|<link|(src|href)="https?:|url\(https?:/, 'the report is self-contained');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
