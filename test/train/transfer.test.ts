import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { loadSafetensors } from '../../src/nn/safetensors.js';
import { trainFromConfig } from '../../src/train/run-training.js';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

const config = (motifs: string, extra = '') => `seed: ${outcomeSeed(6)}
data:
  kind: planted
  motifs: [${motifs}]
  count: 1500
  length: 100
split: { validation: 0.15, test: 0.15 }
task: { kind: binary }
model: { name: deepbind, options: { filters: 16, kernel: 12, hidden: 0 } }
train: { epochs: 4, batchSize: 32, optimizer: { name: adam, lr: 0.005 } }
${extra}`;

test('transfer: initialise from a saved model, freeze its convolution, replace the head for new tasks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-transfer-'));
  try {
    const source = join(dir, 'source');
    await trainFromConfig(parseConfig(trainConfigSchema, config('{ name: GATA1, consensus: AGATAAGG }')), { outDir: source });
    const target = join(dir, 'target');
    const lines: string[] = [];
    const result = await trainFromConfig(
      parseConfig(
        trainConfigSchema,
        config('{ name: GATA1, consensus: AGATAAGG }, { name: SPI1, consensus: AAAGAGGAAGTG }', `init: { from: ${source}, freeze: [conv] }`),
      ),
      { outDir: target, log: (l) => lines.push(l) },
    );
    assert.match(lines.join('\n'), /init: 2 tensors from .*source, 2 not matching kept fresh \(output\.bias, output\.weight\)/);
    const before = loadSafetensors(join(source, 'model.safetensors')).tensors;
    const after = loadSafetensors(join(target, 'model.safetensors')).tensors;
    assert.deepEqual(after['conv.weight']!.toArray(), before['conv.weight']!.toArray(), 'the frozen convolution did not change');
    assert.deepEqual(after['output.weight']!.shape, [2, 16], 'a new head with one output per task');
    // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.9998
    reportOutcome('transfer-GATA1-auroc', result.test.perTask.GATA1!.auroc!, '> 0.9');
    assert.ok(result.test.perTask.GATA1!.auroc! > 0.9, `GATA1 AUROC through the transferred filters: ${result.test.perTask.GATA1!.auroc}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
