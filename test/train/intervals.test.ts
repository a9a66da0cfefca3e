import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { trainFromConfig } from '../../src/train/run-training.js';
import { eboxPeakGenome, tempDir, writeGenome } from '../data/genomic-fixtures.js';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

test('peak-labelled genome windows: train with chromosome hold-outs, workers and augmentation; held-out AUROC > 0.9', async () => {
  const tmp = tempDir('strand-intervals-');
  let removeGenome = () => {};
  try {
    const { chroms, peaks } = eboxPeakGenome();
    const genome = writeGenome(chroms);
    removeGenome = genome.remove;
    const bed = join(tmp.dir, 'peaks.bed');
    writeFileSync(bed, `${peaks.join('\n')}\n`);
    const config = parseConfig(
      trainConfigSchema,
      `seed: ${outcomeSeed(4)}
data:
  kind: intervals
  genome: ${genome.path}
  tasks: [{ name: EBOX, peaks: ${bed} }]
  window: 200
  bin: 50
  negatives: { ratio: 2, gcMatch: true }
  augment: { reverseComplement: 0.5, shift: 10 }
  workers: 1
split: { validation: { chromosomes: [chr4] }, test: { chromosomes: [chr5] } }
task: { kind: binary }
model: { name: deepbind, options: { filters: 16, kernel: 12, hidden: 0 } }
train: { epochs: 8, batchSize: 32, optimizer: { name: adam, lr: 0.005 } }
`,
    );
    const lines: string[] = [];
    const result = await trainFromConfig(config, { outDir: join(tmp.dir, 'out'), log: (l) => lines.push(l) });
    assert.match(lines.join('\n'), /split: training \d+ windows .*validation \d+ windows.*test \d+ windows/);
    // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.9948
    reportOutcome('intervals-chromosome-holdout-auroc', result.test.mean.auroc!, '> 0.9');
    assert.ok(result.test.mean.auroc! > 0.9, `held-out chromosome AUROC ${result.test.mean.auroc}`);
    assert.ok(existsSync(join(tmp.dir, 'out', 'model.json')));
  } finally {
    tmp.remove();
    removeGenome();
  }
});
