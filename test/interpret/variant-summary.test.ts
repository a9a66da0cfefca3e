import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VariantEffectSummary } from '../../src/interpret/variant-summary.js';

test('variant summary: top alleles by |diff| per output, bounded uniform sample, mean |diff|', () => {
  const summary = new VariantEffectSummary(['a', 'b'], ['ref', 'diff'], { top: 3, sampleSize: 100 });
  const effects: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const diff = Math.sin(i) * (i % 17); // |diff| up to 16, both signs
    effects.push(diff);
    summary.add({ chrom: 'c', pos: i + 1, id: `v${i}`, ref: 'A', alt: 'G' }, Float64Array.from([0.5, diff, 0.5, -diff / 2]));
  }
  const result = summary.result();
  assert.equal(result.score, 'diff');
  assert.equal(result.scored, 1000);
  const expectedTop = effects.map((d, i) => [Math.abs(d), i] as const).sort((x, y) => y[0] - x[0]).slice(0, 3).map(([, i]) => `v${i}`);
  assert.deepEqual(result.outputs[0]!.top.map((v) => v.id), expectedTop);
  assert.deepEqual(result.outputs[1]!.top.map((v) => v.id), expectedTop);
  assert.deepEqual(result.outputs[0]!.top[0]!.values, [0.5, effects[Number(expectedTop[0]!.slice(1))]]);
  assert.equal(result.outputs[0]!.sample.length, 100);
  assert.ok(result.outputs[0]!.sample.every((v) => effects.includes(v)));
  const meanAbs = effects.reduce((a, d) => a + Math.abs(d), 0) / 1000;
  assert.ok(Math.abs(result.outputs[0]!.meanAbsolute - meanAbs) < 1e-12);
  assert.ok(Math.abs(result.outputs[1]!.meanAbsolute - meanAbs / 2) < 1e-12);
});
