/**
 * Explaining and predicting with a profile model (bpnet: profile and counts heads): the counts
 * head's ISM equals the difference of predicted log counts of the mutated sequences, every
 * method runs on both heads, targets that do not fit the model are clear errors, and predicted
 * profiles are expected counts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, noGrad, tensor } from '../../src/core/index.js';
import { fitLength } from '../../src/data/labelled-sequences.js';
import { Random } from '../../src/data/random.js';
import { oneHot } from '../../src/genomics/one-hot.js';
import { EXPLAIN_METHODS, explainSequences } from '../../src/interpret/explain.js';
import { predictProfiles, predictSequences } from '../../src/interpret/predict.js';
import { selectTarget } from '../../src/interpret/target.js';
import { DeepBind, DilatedResidualCNN } from '../../src/models/index.js';
import { describeModel, type SavedModel } from '../../src/models/saved-model.js';
import { randomizeParameters } from '../nn/torch-bridge.js';

const LENGTH = 50;

function profileModel(): SavedModel {
  manualSeed(3);
  const model = new DilatedResidualCNN({ tasks: 2, filters: 6, stemKernel: 7, layers: 2, profileKernel: 9, crop: 4 });
  randomizeParameters(model);
  model.eval();
  const description = describeModel({
    architecture: { name: 'bpnet', options: {} },
    input: { kind: 'sequence', length: LENGTH },
    task: { kind: 'profile', outputs: ['plus', 'minus'] },
  });
  return { model, description };
}

function randomDna(length: number, seed: number): string {
  const r = new Random(seed);
  return Array.from({ length }, () => 'ACGT'[r.int(4)]).join('');
}

test('profile model: predictions are the counts head; ISM of the counts head equals the predicted log-count changes of the mutants', () => {
  const saved = profileModel();
  const sequence = randomDna(LENGTH, 1);
  const predictions = predictSequences(saved, [sequence]);
  const counts = noGrad(() => (saved.model as DilatedResidualCNN).forward(oneHot([sequence])).counts.toArray());
  assert.deepEqual(Array.from(predictions.values, (v) => v.toFixed(5)), counts.map((v) => v.toFixed(5)));

  const e = explainSequences(saved, [sequence], { method: 'ism', task: 'minus' });
  assert.equal(e.head, 'counts');
  const mutants: string[] = [];
  for (let j = 0; j < LENGTH; j += 7) for (const b of 'ACGT') if (b !== sequence[j]) mutants.push(sequence.slice(0, j) + b + sequence.slice(j + 1));
  const [ref, ...mutated] = [sequence, ...mutants].map((s, i, all) => predictSequences(saved, all).values[i * 2 + 1]!);
  let k = 0;
  for (let j = 0; j < LENGTH; j += 7) {
    for (let b = 0; b < 4; b++) {
      const delta = e.attributions[j * 4 + b]!;
      if ('ACGT'[b] === sequence[j]) assert.equal(delta, 0);
      else assert.ok(Math.abs(delta - (mutated[k++]! - ref!)) < 1e-5, `position ${j} base ${'ACGT'[b]}: ${delta} vs ${mutated[k - 1]! - ref!}`);
    }
  }
  saved.model.dispose();
});

test('profile model: every method explains both heads; head choices that do not fit are errors', () => {
  const saved = profileModel();
  const sequences = [randomDna(LENGTH, 2), randomDna(LENGTH, 3)];
  for (const method of EXPLAIN_METHODS) {
    for (const head of ['counts', 'profile'] as const) {
      const e = explainSequences(saved, sequences, { method, head, task: 'plus', shuffles: 2, steps: 8 });
      assert.equal(e.head, head);
      assert.equal(e.attributions.length, 2 * LENGTH * 4);
      assert.ok(e.attributions.every(Number.isFinite), `${method} ${head}`);
      assert.ok(e.attributions.some((v) => v !== 0), `${method} ${head}: all zero`);
    }
  }
  assert.throws(() => explainSequences(saved, sequences, { method: 'saliency', head: 'shape' as 'counts' }), /expected the head 'counts' or 'profile', got 'shape'/);
  const output = noGrad(() => (saved.model as DilatedResidualCNN).forward(oneHot(sequences)));
  assert.throws(() => selectTarget(output, 0), /profile and a counts head: choose a head target/);
  assert.throws(() => selectTarget(output, { head: 'counts', task: 2 }), /task index in \[0, 2\), got 2/);
  saved.model.dispose();

  const binary: SavedModel = {
    model: new DeepBind({ filters: 4, kernel: 5 }).eval(),
    description: describeModel({ architecture: { name: 'deepbind', options: {} }, input: { kind: 'sequence', length: 20 }, task: { kind: 'binary', outputs: ['bound'] } }),
  };
  assert.throws(() => explainSequences(binary, ['ACGTACGTACGTACGTACGT'], { method: 'saliency', head: 'counts' }), /a head \('counts'\) is chosen only for profile models; this model's task is 'binary'/);
  assert.throws(() => selectTarget(tensor([1, 2], [2, 1]), { head: 'counts', task: 0 }), /needs a profile model/);
  binary.model.dispose();
});

test('profile model: predicted profiles are each track softmax (by hand) times its predicted total, expm1(log counts)', () => {
  const saved = profileModel();
  const sequences = [randomDna(LENGTH, 4), randomDna(LENGTH, 5), randomDna(30, 6)];
  const profiles = predictProfiles(saved, sequences, { batchSize: 2 });
  assert.equal(profiles.positions, LENGTH - 2 * 4);
  assert.deepEqual(profiles.outputs, ['plus', 'minus']);
  const totals = predictSequences(saved, sequences).values;
  // the counts of the same forward (batches of 2 here, so float rounding may differ from predictSequences' batches)
  profiles.counts.forEach((c, i) => assert.ok(Math.abs(c - totals[i]!) <= 1e-5 * Math.max(1, Math.abs(totals[i]!)), `counts[${i}]: ${c} vs ${totals[i]}`));
  const x = oneHot(sequences.map((s) => fitLength(s, LENGTH)));
  const logits = noGrad(() => (saved.model as DilatedResidualCNN).forward(x).profile.toArray());
  const P = profiles.positions;
  for (let n = 0; n < sequences.length; n++) {
    for (let t = 0; t < 2; t++) {
      const row = logits.slice((n * 2 + t) * P, (n * 2 + t + 1) * P);
      const max = Math.max(...row);
      const z = row.reduce((sum, v) => sum + Math.exp(v - max), 0);
      const total = Math.expm1(totals[n * 2 + t]!);
      for (let p = 0; p < P; p++) {
        const want = (Math.exp(row[p]! - max) / z) * total;
        assert.ok(Math.abs(profiles.values[(n * 2 + t) * P + p]! - want) <= 1e-4 * Math.max(1, Math.abs(want)), `sequence ${n} track ${t} position ${p}: ${profiles.values[(n * 2 + t) * P + p]} vs ${want}`);
      }
    }
  }
  saved.model.dispose();
  const binary: SavedModel = {
    model: new DeepBind({ filters: 4, kernel: 5 }).eval(),
    description: describeModel({ architecture: { name: 'deepbind', options: {} }, input: { kind: 'sequence', length: 20 }, task: { kind: 'binary', outputs: ['bound'] } }),
  };
  assert.throws(() => predictProfiles(binary, ['ACGT']), /profiles need a profile model \(e\.g\. bpnet\); this model's task is 'binary'/);
  binary.model.dispose();
});
