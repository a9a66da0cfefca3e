import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buckets } from '../../src/distributed/index.js';

test('buckets fill in order up to the cap; an item over the cap travels alone', () => {
  const size = (n: number) => n;
  assert.deepEqual(buckets([4, 4, 4, 10, 1, 1], size, 8), [[4, 4], [4], [10], [1, 1]]);
  assert.deepEqual(buckets([], size, 8), []);
  assert.deepEqual(buckets([3, 3], size, 100), [[3, 3]]);
});
