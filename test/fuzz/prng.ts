import { Random } from '../../src/data/random.js';

/**
 * The project's seeded generator (mulberry32) with the draws the fuzzers use: the same seed
 * gives the same inputs on every machine, so a failing input is named by (target, seed, index).
 */
export class SeededRandom extends Random {
  /** Integer in [0, n). */
  below(n: number): number {
    return this.int(n);
  }

  /** Integer in [lo, hi] inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.below(items.length)]!;
  }
}

/** A 32-bit seed from a target name, a campaign seed and an input index (FNV-1a). */
export function inputSeed(target: string, seed: number, index: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${target}\u0000${seed}\u0000${index}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
