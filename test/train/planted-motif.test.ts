import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runPlantedMotifDemo } from '../../src/train/planted-motif-demo.js';

test('a small CNN learns planted motifs: held-out AUROC > 0.95 for each motif', async () => {
  const result = await runPlantedMotifDemo({ seed: 3, epochs: 5 });
  assert.deepEqual(result.tasks, ['GATA1', 'SPI1']);
  for (const [t, value] of result.taskAuroc.entries()) {
    assert.ok(value > 0.95, `held-out AUROC of ${result.tasks[t]} is ${value}`);
  }
  assert.ok(result.losses[result.losses.length - 1]! < result.losses[0]! / 2, `loss fell: ${result.losses.join(', ')}`);
});
