import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getRngState, randomPermutation, setRngState } from '../../src/core/index.js';
import type { Batch } from '../../src/data/batch.js';
import { inMemoryBatches, type ArrayExamples } from '../../src/data/in-memory.js';
import { shardPositions, shardSize } from '../../src/data/shard.js';

test('shards follow DistributedSampler: padded by wrapping to a multiple of W, rank r takes r, r+W, ...', () => {
  // torch.utils.data.DistributedSampler(range(10), num_replicas=3, shuffle=False) per rank
  assert.deepEqual(shardPositions(10, { rank: 0, worldSize: 3 }), [0, 3, 6, 9]);
  assert.deepEqual(shardPositions(10, { rank: 1, worldSize: 3 }), [1, 4, 7, 0]);
  assert.deepEqual(shardPositions(10, { rank: 2, worldSize: 3 }), [2, 5, 8, 1]);
  // more ranks than examples: the padding repeats the order
  assert.deepEqual(shardPositions(2, { rank: 4, worldSize: 5 }), [0]);
  assert.equal(shardSize(10, 3), 4);
  assert.deepEqual(shardPositions(8, { rank: 0, worldSize: 1 }), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.throws(() => shardPositions(8, { rank: 2, worldSize: 2 }), /rank to be an integer in \[0, 1\], got 2/);
});

function idsServed(batches: Iterable<Batch>): number[] {
  const ids: number[] = [];
  for (const b of batches) {
    ids.push(...b.targets.toArray());
    b.inputs.forEach((t) => t.dispose());
    b.targets.dispose();
  }
  return ids;
}

test('inMemoryBatches with a shard serves that rank\'s positions of the same randperm order', () => {
  const count = 11;
  const data: ArrayExamples = {
    inputs: Float32Array.from({ length: count * 2 }, (_, i) => i),
    inputShape: [2],
    targets: Float32Array.from({ length: count }, (_, i) => i),
    targetShape: [1],
    count,
  };
  const state = getRngState();
  const order = randomPermutation(count);
  const seen: number[] = [];
  for (let rank = 0; rank < 3; rank++) {
    setRngState(state);
    const source = inMemoryBatches(data, { batchSize: 3, shard: { rank, worldSize: 3 } });
    assert.equal(source.size, 4);
    assert.equal(source.batchesPerEpoch, 2);
    const ids = idsServed(source.batches(0, 0) as Iterable<Batch>);
    assert.deepEqual(ids, shardPositions(count, { rank, worldSize: 3 }).map((p) => order[p]));
    seen.push(...ids);
  }
  assert.deepEqual(new Set(seen).size, count);
});
