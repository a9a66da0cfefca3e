import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { Random } from '../../src/data/random.js';
import { trainFromConfig } from '../../src/train/run-training.js';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

test('a multi-view model learns a label that needs both the sequence and a numeric feature', async () => {
  // bound = motif present AND accessible (feature > 0): neither input alone predicts it.
  const dir = mkdtempSync(join(tmpdir(), 'strand-mv-'));
  try {
    const random = new Random(5);
    const rows: string[] = [];
    for (let i = 0; i < 1500; i++) {
      let s = Array.from({ length: 50 }, () => 'ACGT'[random.int(4)]).join('');
      const motif = random.next() < 0.5;
      if (motif) {
        const at = random.int(40);
        s = s.slice(0, at) + 'GATAAGAT' + s.slice(at + 8);
      }
      const accessibility = random.next() * 2 - 1;
      const noise = random.next();
      rows.push(`s${i}\t${s}\t${accessibility.toFixed(4)}\t${noise.toFixed(4)}\t${motif && accessibility > 0 ? 1 : 0}`);
    }
    writeFileSync(join(dir, 'data.tsv'), `id\tsequence\taccessibility\tnoise\tbound\n${rows.join('\n')}\n`);
    const config = parseConfig(
      trainConfigSchema,
      `seed: ${outcomeSeed(3)}
data: { kind: table, path: ${join(dir, 'data.tsv')}, sequenceColumn: sequence, labelColumns: [bound], featureColumns: [accessibility, noise], idColumn: id }
split: { validation: 0.15, test: 0.2 }
task: { kind: binary }
model: { name: multi-view, options: { convolutions: [[32, 8]], pool: 43, featureHidden: [16], hidden: [32], dropout: 0 } }
train: { epochs: 25, batchSize: 32, optimizer: { name: adam, lr: 0.003 }, earlyStopping: { patience: 6 } }
`,
    );
    const result = await trainFromConfig(config, { outDir: join(dir, 'out') });
    // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.9925
    reportOutcome('multi-view-auroc', result.test.mean.auroc!, '> 0.9');
    assert.ok(result.test.mean.auroc! > 0.9, `test AUROC ${result.test.mean.auroc}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
