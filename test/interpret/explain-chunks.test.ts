/**
 * explainSequences works through its input 64 sequences at a time: progress is reported per
 * chunk, and a chunk's result is what explaining its sequences alone gives (chunk k's shuffled
 * references come from seed + k).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { explainSequences } from '../../src/interpret/explain.js';
import { predictSequences } from '../../src/interpret/predict.js';
import { DeepBind } from '../../src/models/index.js';
import { describeModel, type SavedModel } from '../../src/models/saved-model.js';

test('explain and predict report progress per chunk; chunk k of DeepLIFT equals its sequences explained alone with seed + k', () => {
  manualSeed(6);
  const saved: SavedModel = {
    model: new DeepBind({ filters: 4, kernel: 7 }).eval(),
    description: describeModel({ architecture: { name: 'deepbind', options: {} }, input: { kind: 'sequence', length: 30 }, task: { kind: 'binary', outputs: ['bound'] } }),
  };
  const random = new Random(3);
  const sequences = Array.from({ length: 70 }, () => Array.from({ length: 30 }, () => 'ACGT'[random.int(4)]).join(''));
  const seen: [number, number][] = [];
  const all = explainSequences(saved, sequences, { method: 'deeplift', shuffles: 2, seed: 5, onProgress: (done, total) => seen.push([done, total]) });
  assert.deepEqual(seen, [[64, 70], [70, 70]]);
  const first = explainSequences(saved, sequences.slice(0, 64), { method: 'deeplift', shuffles: 2, seed: 5 });
  const rest = explainSequences(saved, sequences.slice(64), { method: 'deeplift', shuffles: 2, seed: 6 });
  assert.deepEqual(Array.from(all.attributions), [...first.attributions, ...rest.attributions]);
  assert.notDeepEqual(Array.from(rest.attributions), Array.from(explainSequences(saved, sequences.slice(64), { method: 'deeplift', shuffles: 2, seed: 5 }).attributions));

  const predicted: number[] = [];
  predictSequences(saved, sequences, { batchSize: 32, onProgress: (done) => predicted.push(done) });
  assert.deepEqual(predicted, [32, 64, 70]);
  saved.model.dispose();
});
