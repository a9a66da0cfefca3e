import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getRngState, manualSeed, setRngState } from '../../src/core/index.js';
import type { Batch } from '../../src/data/batch.js';
import { inMemoryBatches, type ArrayExamples } from '../../src/data/in-memory.js';
import { Random } from '../../src/data/random.js';
import { decodeOneHot } from '../../src/genomics/decode.js';
import { writeOneHot } from '../../src/genomics/one-hot.js';

const reverseComplement = (s: string) =>
  [...s]
    .reverse()
    .map((c) => ({ A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' })[c as 'A'])
    .join('');

function examples(sequences: string[]): ArrayExamples {
  const length = sequences[0]!.length;
  const inputs = new Float32Array(sequences.length * 4 * length);
  sequences.forEach((s, i) => writeOneHot(s, inputs, i * 4 * length));
  return { inputs, inputShape: [4, length], targets: Float32Array.from(sequences.map((_, i) => i)), targetShape: [1], count: sequences.length };
}

/** id (the target) -> sequence as served, over the batches from `from`. */
function served(batches: Iterable<Batch> | AsyncIterable<Batch>): Map<number, string> {
  const out = new Map<number, string>();
  for (const batch of batches as Iterable<Batch>) {
    const ids = batch.targets.toArray().flat() as number[];
    decodeOneHot(batch.inputs[0]!).forEach((s, i) => out.set(ids[i]!, s));
    batch.inputs.forEach((t) => t.dispose());
    batch.targets.dispose();
  }
  return out;
}

test('reverse-complement augmentation: each example served as itself or its reverse complement, about p of them flipped, anew each epoch, the same on resume', () => {
  const random = new Random(9);
  const sequences = Array.from({ length: 400 }, () => Array.from({ length: 12 }, () => 'ACGT'[random.int(4)]).join(''));
  const data = examples(sequences);
  assert.throws(() => inMemoryBatches(data, { batchSize: 32, reverseComplement: 1.5 }), /probability in \[0, 1\], got 1.5/);
  manualSeed(2);
  const none = served(inMemoryBatches(data, { batchSize: 32 }).batches(0, 0));
  assert.ok(sequences.every((s, i) => none.get(i) === s), 'without augmentation every example is served as it is');

  const source = inMemoryBatches(data, { batchSize: 32, reverseComplement: 0.3 });
  const startOf: Uint8Array[] = [];
  // Each epoch draws from libtorch's generator; restoring the state an epoch started from repeats it.
  const flipped = (epoch: number, from = 0) => {
    if (from === 0) startOf[epoch] = getRngState();
    else setRngState(startOf[epoch]!);
    const got = served(source.batches(epoch, from));
    return new Set([...got].filter(([i, s]) => {
      assert.ok(s === sequences[i] || s === reverseComplement(sequences[i]!), `example ${i} is its sequence or its reverse complement`);
      return s !== sequences[i];
    }).map(([i]) => i));
  };
  const epoch0 = flipped(0);
  const epoch1 = flipped(1);
  // 400 draws at p = 0.3: 120 expected, sd 9.2
  for (const set of [epoch0, epoch1]) assert.ok(set.size > 85 && set.size < 155, `${set.size} of 400 flipped`);
  assert.notDeepEqual([...epoch0].sort(), [...epoch1].sort(), 'each epoch draws anew');
  // resuming epoch 1 at batch 5 serves the rest exactly as the uninterrupted epoch did
  const resumed = flipped(1, 5);
  setRngState(startOf[1]!);
  const rest = new Set([...served(source.batches(1, 5)).keys()]);
  assert.deepEqual([...resumed].sort(), [...epoch1].filter((i) => rest.has(i)).sort());
});
