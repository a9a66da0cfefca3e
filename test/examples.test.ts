import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { resolveConfigPaths, trainConfigSchema } from '../src/config/train.js';
import { trainFromConfig } from '../src/train/run-training.js';
import { outcomeSeed, reportOutcome } from './helpers/outcome.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

test('UCI splice junctions (real data): three-class accuracy on a held-out 20% is at least 0.95 [slow]', async () => {
  const file = join(examples, 'uci-splice.yaml');
  const loaded = resolveConfigPaths(loadConfig(trainConfigSchema, file), dirname(file), resolve);
  const config = { ...loaded, seed: outcomeSeed(loaded.seed) };
  const out = mkdtempSync(join(tmpdir(), 'strand-uci-'));
  try {
    const result = await trainFromConfig(config, { outDir: out });
    // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.9592
    reportOutcome('uci-splice-accuracy', result.test.mean.accuracy!, '>= 0.95');
    assert.ok(result.test.mean.accuracy! >= 0.95, `accuracy ${result.test.mean.accuracy}`);
    const saved = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(saved.test.mean.accuracy, result.test.mean.accuracy);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
