import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consensusPwm, plantedMotifDataset } from '../../src/data/planted-motifs.js';

test('positives carry the planted consensus, the data set is reproducible from its seed', () => {
  const options = { count: 400, length: 60, motifs: [{ name: 'GATA', pwm: consensusPwm('AGATAAGG') }], seed: 7 };
  const data = plantedMotifDataset(options);
  assert.equal(data.sequences.length, 400);
  assert.deepEqual(data.tasks, ['GATA']);
  const positives = data.labels.filter((l) => l[0] === 1).length;
  assert.ok(positives > 150 && positives < 250, `about half positive, got ${positives}`);
  data.sequences.forEach((s, i) => {
    assert.equal(s.length, 60);
    if (data.labels[i]![0] === 1) assert.ok(s.includes('AGATAAGG'), `positive ${i} lacks the motif`);
  });
  // chance occurrence of an 8-mer in 60 bp is ~0.1%: almost no negative contains it
  const negativesWithMotif = data.sequences.filter((s, i) => data.labels[i]![0] === 0 && s.includes('AGATAAGG')).length;
  assert.ok(negativesWithMotif <= 2);
  assert.deepEqual(plantedMotifDataset(options), data);
  assert.notDeepEqual(plantedMotifDataset({ ...options, seed: 8 }).sequences, data.sequences);
});
