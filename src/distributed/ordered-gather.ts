/**
 * Sharded inference: a job's work comes in numbered parts; part p belongs to rank
 * p mod worldSize, so every rank computes its own parts in order and rank 0 receives all of
 * them in the job's order, one round (one part from each rank) at a time. Memory stays one
 * round whatever the job's size, and the output is the single-process output.
 */
import { deserialize, serialize } from 'node:v8';
import { tensor } from '../core/index.js';
import type { ProcessGroup } from './process-group.js';

/** Where a rank stands in a sharded job. */
export interface PartShard {
  rank: number;
  worldSize: number;
}

/** Whether part `index` (0-based, in the job's order) is this rank's to compute. */
export function ownsPart(index: number, shard: PartShard | undefined): boolean {
  return shard === undefined || index % shard.worldSize === shard.rank;
}

const DONE = -1;

/**
 * Every rank passes its own parts (those `ownsPart` gives it, in order). Rank 0 gets every
 * rank's parts in the job's order; the other ranks get nothing and return when the job is done.
 * Parts travel as V8 structured clones (typed arrays, NaN and undefined survive exactly).
 */
export async function* gatherParts<T>(group: ProcessGroup, ownParts: AsyncIterable<T>): AsyncGenerator<T> {
  const parts = ownParts[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      let bytes: Uint8Array | undefined;
      if (!exhausted) {
        const next = await parts.next();
        if (next.done === true) exhausted = true;
        else bytes = serialize(next.value);
      }
      const lengthTensor = tensor(new Float64Array([bytes?.length ?? DONE]));
      const lengths = (await group.allgather(lengthTensor)).map((t) => {
        const n = t.data<Float64Array>()[0]!;
        t.dispose();
        return n;
      });
      lengthTensor.dispose();
      if (lengths.every((n) => n === DONE)) return;
      const longest = Math.max(...lengths);
      const padded = new Uint8Array(Math.max(longest, 1));
      if (bytes !== undefined) padded.set(bytes);
      const sent = tensor(padded);
      const received = await group.allgather(sent);
      sent.dispose();
      const round: T[] = [];
      received.forEach((t, r) => {
        if (group.rank === 0 && lengths[r]! !== DONE) round.push(deserialize(t.data<Uint8Array>().subarray(0, lengths[r]!)) as T);
        t.dispose();
      });
      yield* round;
    }
  } finally {
    if (!exhausted) await parts.return?.();
  }
}
