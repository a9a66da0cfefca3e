import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { splitByChromosome, splitByFraction, splitCounts, splitWindowsByFraction, type SplitIndices } from '../../src/data/splits.js';
import type { GenomicInterval } from '../../src/genomics/intervals.js';

const PARTS = ['train', 'validation', 'test'] as const;

function assertPartition(split: SplitIndices & { dropped?: number[] }, count: number): void {
  const all = [...split.train, ...split.validation, ...split.test, ...(split.dropped ?? [])].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: count }, (_, i) => i));
}

/** Brute force: pairs of windows from different splits sharing at least one base. */
function crossSplitOverlaps(windows: readonly GenomicInterval[], split: SplitIndices): number {
  const owner = new Map<number, string>();
  for (const part of PARTS) for (const i of split[part]) owner.set(i, part);
  const kept = [...owner.keys()].sort((a, b) => windows[a]!.chrom.localeCompare(windows[b]!.chrom) || windows[a]!.start - windows[b]!.start);
  let bad = 0;
  for (let p = 0; p < kept.length; p++) {
    const w = windows[kept[p]!]!;
    for (let q = p + 1; q < kept.length; q++) {
      const v = windows[kept[q]!]!;
      if (v.chrom !== w.chrom || v.start >= w.end) break;
      if (Math.min(v.end, w.end) > Math.max(v.start, w.start) && owner.get(kept[p]!) !== owner.get(kept[q]!)) bad++;
    }
  }
  return bad;
}

test('splitByChromosome: held-out chromosomes; unknown names list the known ones', () => {
  const windows = ['chr1', 'chr8', 'chr9', 'chr2', 'chr8', 'chr10'].map((chrom) => ({ chrom }));
  assert.deepEqual(splitByChromosome(windows, { validation: ['chr8'], test: ['chr9'] }), {
    train: [0, 3, 5], validation: [1, 4], test: [2],
  });
  assert.deepEqual(splitByChromosome(windows, {}), { train: [0, 1, 2, 3, 4, 5], validation: [], test: [] });
  assert.throws(
    () => splitByChromosome(windows, { test: ['chr99'] }),
    (e: unknown) => e instanceof InputError && e.message === "unknown chromosome 'chr99' in test; known chromosomes: chr1, chr2, chr8, chr9, chr10",
  );
  assert.throws(() => splitByChromosome(windows, { validation: ['chr8'], test: ['chr8'] }), /'chr8' is in both validation and test/);
  assert.deepEqual(splitByChromosome(windows, { test: ['chrY'] }, { knownChromosomes: ['chrY'] }).test, []);
});

test('splitCounts / splitByFraction: exact counts, a partition, reproducible from the seed', () => {
  assert.deepEqual(splitCounts(100, { train: 0.8, validation: 0.1, test: 0.1 }), { train: 80, validation: 10, test: 10 });
  // 7 * (0.5, 0.25, 0.25) = 3.5, 1.75, 1.75 -> floors 3, 1, 1; 2 left to the largest remainders (validation, test)
  assert.deepEqual(splitCounts(7, { train: 0.5, validation: 0.25, test: 0.25 }), { train: 3, validation: 2, test: 2 });
  assert.throws(() => splitCounts(10, { train: 0.8, validation: 0.1, test: 0.2 }), /summing to 1, got 1.1/);
  assert.throws(() => splitCounts(10, { train: 1.1, validation: -0.1, test: 0 }), /fraction validation >= 0/);
  const split = splitByFraction(1000, { train: 0.8, validation: 0.1, test: 0.1 }, 42);
  assert.deepEqual(PARTS.map((p) => split[p].length), [800, 100, 100]);
  assertPartition(split, 1000);
  assert.deepEqual(splitByFraction(1000, { train: 0.8, validation: 0.1, test: 0.1 }, 42), split);
  assert.notDeepEqual(splitByFraction(1000, { train: 0.8, validation: 0.1, test: 0.1 }, 43), split);
  assert.ok(split.test.some((i) => i < 500) && split.test.some((i) => i >= 500), 'spread over the samples');
});

function randomWindows(seed: number, count: number): GenomicInterval[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const start = random.int(400_000);
    return { chrom: `chr${1 + random.int(4)}`, start, end: start + 200 + random.int(1000) };
  });
}

test('splitWindowsByFraction: no window overlaps a window of another split; fractions kept; seeded', () => {
  const fractions = { train: 0.8, validation: 0.1, test: 0.1 };
  for (const seed of [1, 2, 3]) {
    const windows = randomWindows(seed, 1500);
    const split = splitWindowsByFraction(windows, { fractions, seed });
    assert.deepEqual(split.dropped, []);
    assertPartition(split, windows.length);
    assert.equal(crossSplitOverlaps(windows, split), 0);
    for (const part of PARTS) {
      const share = split[part].length / windows.length;
      assert.ok(Math.abs(share - fractions[part]) < 0.03, `${part} share ${share} vs ${fractions[part]}`);
    }
    assert.deepEqual(splitWindowsByFraction(windows, { fractions, seed }), split);
    assert.notDeepEqual(splitWindowsByFraction(windows, { fractions, seed: seed + 100 }), split);
  }
});

test('splitWindowsByFraction with blocks: dense tiling split by 50 kb blocks, boundary windows dropped', () => {
  const windows: GenomicInterval[] = [];
  for (const chrom of ['chr1', 'chr2']) for (let s = 0; s + 1000 <= 1_000_000; s += 200) windows.push({ chrom, start: s, end: s + 1000 });
  const fractions = { train: 0.7, validation: 0.15, test: 0.15 };
  const split = splitWindowsByFraction(windows, { fractions, seed: 5, blockSize: 50_000 });
  assertPartition(split, windows.length);
  assert.equal(crossSplitOverlaps(windows, split), 0);
  // at most 4 windows a block boundary reach into the next block (starts within 1000 - 200 bp of it)
  assert.ok(split.dropped.length <= 4 * 40, `dropped ${split.dropped.length}`);
  assert.ok(split.dropped.length > 0);
  for (const part of PARTS) {
    const share = split[part].length / windows.length;
    assert.ok(Math.abs(share - fractions[part]) < 0.04, `${part} share ${share}`);
  }
  // without blocks, the tiling is one cluster per chromosome: whole chromosomes move together
  const clustered = splitWindowsByFraction(windows, { fractions, seed: 5 });
  assert.equal(crossSplitOverlaps(windows, clustered), 0);
  assert.throws(() => splitWindowsByFraction(windows, { fractions, seed: 5, blockSize: 0 }), /blockSize to be an integer >= 1/);
});
