/**
 * One rank's share of an epoch in data-parallel training, by PyTorch's DistributedSampler
 * rules (drop_last=False): every rank sees the same epoch order; the order is padded to a
 * multiple of the world size by wrapping around to its start; rank r takes the positions
 * r, r + W, r + 2W, ... So each rank gets ceil(N / W) examples and every example is seen.
 */
import { InputError } from '../core/index.js';

export interface Shard {
  rank: number;
  worldSize: number;
}

export function checkShard(shard: Shard): void {
  const { rank, worldSize } = shard;
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new InputError(`expected worldSize to be a positive integer, got ${worldSize}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new InputError(`expected rank to be an integer in [0, ${worldSize - 1}], got ${rank}`);
}

/** Examples a rank gets from an epoch of `count`: ceil(count / worldSize). */
export function shardSize(count: number, worldSize: number): number {
  return Math.ceil(count / worldSize);
}

/** The positions in the epoch's order (0..count-1) that `shard` takes, in its order. */
export function shardPositions(count: number, shard: Shard): number[] {
  checkShard(shard);
  if (count < 1) return [];
  return Array.from({ length: shardSize(count, shard.worldSize) }, (_, i) => (shard.rank + i * shard.worldSize) % count);
}
