import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import {
  centerWindow,
  clipToChromosomes,
  intervalOverlap,
  IntervalIndex,
  mergeIntervals,
  overlapLength,
  overlappingIntervals,
  tileRegion,
  type GenomicInterval,
} from '../../src/genomics/intervals.js';

test('intervalOverlap is half-open', () => {
  const a = { chrom: 'chr1', start: 10, end: 20 };
  assert.equal(intervalOverlap(a, { chrom: 'chr1', start: 19, end: 30 }), 1);
  assert.equal(intervalOverlap(a, { chrom: 'chr1', start: 20, end: 30 }), 0);
  assert.equal(intervalOverlap(a, { chrom: 'chr1', start: 0, end: 100 }), 10);
  assert.equal(intervalOverlap(a, { chrom: 'chr2', start: 10, end: 20 }), 0);
});

test('index on a hand-made case: overlapping intervals in start order, union coverage', () => {
  const peaks: GenomicInterval[] = [
    { chrom: 'chr1', start: 50, end: 60, name: 'c' },
    { chrom: 'chr1', start: 0, end: 100, name: 'a' },
    { chrom: 'chr1', start: 40, end: 55, name: 'b' },
    { chrom: 'chr1', start: 200, end: 210, name: 'd' },
    { chrom: 'chr2', start: 0, end: 5, name: 'e' },
  ];
  const index = new IntervalIndex(peaks);
  assert.equal(index.size, 5);
  assert.deepEqual(index.chromosomes(), ['chr1', 'chr2']);
  assert.deepEqual(overlappingIntervals(index, 'chr1', 54, 56).map((p) => p.name), ['a', 'b', 'c']);
  assert.deepEqual(overlappingIntervals(index, 'chr1', 100, 200).map((p) => p.name), []);
  assert.deepEqual(overlappingIntervals(index, 'chr1', 99, 201).map((p) => p.name), ['a', 'd']);
  assert.deepEqual(overlappingIntervals(index, 'chrX', 0, 1000), []);
  // [90, 205): 90..99 from a (10 bases) + 200..204 from d (5 bases)
  assert.equal(overlapLength(index, 'chr1', 90, 205), 15);
  assert.equal(overlapLength(index, 'chr1', 0, 1000), 110); // a (covers b, c) + d
  assert.equal(index.hasOverlap('chr2', 4, 10), true);
  assert.equal(index.hasOverlap('chr2', 5, 10), false);
  assert.throws(() => new IntervalIndex([{ chrom: 'chr1', start: 5, end: 4 }]), /interval 1 with integer 0 <= start <= end, got chr1:5-4/);
});

test('property: index queries equal brute force on random nested / long / empty intervals', () => {
  const random = new Random(21);
  for (let trial = 0; trial < 30; trial++) {
    const n = random.int(300);
    const span = 2000;
    const intervals: GenomicInterval[] = Array.from({ length: n }, (_, i) => {
      const start = random.int(span);
      const long = random.next() < 0.05;
      const length = long ? random.int(span) : random.int(40);
      return { chrom: random.next() < 0.8 ? 'chr1' : 'chr2', start, end: start + length, name: String(i) };
    });
    const index = new IntervalIndex(intervals);
    for (let q = 0; q < 50; q++) {
      const chrom = random.next() < 0.8 ? 'chr1' : 'chr2';
      const s = random.int(span + 100) - 50;
      const e = s + random.int(200);
      const expected = intervals
        .filter((iv) => iv.chrom === chrom && iv.start < iv.end && s < e && iv.start < e && s < iv.end)
        .sort((a, b) => a.start - b.start || a.end - b.end);
      const got = index.overlapping(chrom, s, e);
      assert.deepEqual(got.map((iv) => [iv.start, iv.end]), expected.map((iv) => [iv.start, iv.end]), `trial ${trial} query ${s}-${e}`);
      assert.equal(new Set(got).size, got.length);
      assert.equal(index.hasOverlap(chrom, s, e), expected.length > 0);
      let covered = 0;
      for (let p = Math.max(s, 0); p < e; p++) if (expected.some((iv) => iv.start <= p && p < iv.end)) covered++;
      assert.equal(index.coveredLength(chrom, s, e), covered);
    }
  }
});

test('mergeIntervals: overlapping and touching merge (bedtools-like), maxGap widens', () => {
  const ivs: GenomicInterval[] = [
    { chrom: 'chr2', start: 5, end: 6 },
    { chrom: 'chr1', start: 15, end: 20 },
    { chrom: 'chr1', start: 0, end: 10 },
    { chrom: 'chr1', start: 5, end: 15 },
    { chrom: 'chr1', start: 30, end: 40 },
    { chrom: 'chr1', start: 35, end: 35 },
  ];
  assert.deepEqual(mergeIntervals(ivs), [
    { chrom: 'chr2', start: 5, end: 6 },
    { chrom: 'chr1', start: 0, end: 20 },
    { chrom: 'chr1', start: 30, end: 40 },
  ]);
  assert.deepEqual(mergeIntervals(ivs, { maxGap: 10 }).filter((iv) => iv.chrom === 'chr1'), [{ chrom: 'chr1', start: 0, end: 40 }]);
  assert.deepEqual(ivs[2], { chrom: 'chr1', start: 0, end: 10 }); // inputs untouched
});

test('tileRegion: windows wholly inside the region', () => {
  const windows = tileRegion({ chrom: 'chr1', start: 100, end: 130, strand: '-' }, { length: 10, stride: 5 });
  assert.deepEqual(windows.map((w) => [w.start, w.end]), [[100, 110], [105, 115], [110, 120], [115, 125], [120, 130]]);
  assert.equal(windows[0]!.strand, '-');
  assert.deepEqual(tileRegion({ chrom: 'chr1', start: 0, end: 25 }, { length: 10 }).map((w) => w.start), [0, 10]);
  assert.deepEqual(tileRegion({ chrom: 'chr1', start: 0, end: 5 }, { length: 10 }), []);
  assert.throws(() => tileRegion({ chrom: 'chr1', start: 0, end: 5 }, { length: 0 }), InputError);
});

test('centerWindow: Selene rule mid = start + (end - start) // 2, start = mid - L // 2', () => {
  // DeepSEA: a 1000 bp window around a 200 bp bin [100, 300): mid 200 -> [-300, 700)
  assert.deepEqual(centerWindow({ chrom: 'chr1', start: 100, end: 300 }, 1000), { chrom: 'chr1', start: -300, end: 700 });
  // odd interval [100, 201): mid 150; odd window 3 -> [149, 152), centred on base 150
  assert.deepEqual(centerWindow({ chrom: 'c', start: 100, end: 201 }, 3), { chrom: 'c', start: 149, end: 152 });
  // even interval [10, 14): mid 12 (right of the two central bases); window 3 -> [11, 14)
  assert.deepEqual(centerWindow({ chrom: 'c', start: 10, end: 14, name: 'p', strand: '+' }, 3), { chrom: 'c', start: 11, end: 14, name: 'p', strand: '+' });
  // odd interval, even window: [0, 5) mid 2, window 4 -> [0, 4)
  assert.deepEqual(centerWindow({ chrom: 'c', start: 0, end: 5 }, 4), { chrom: 'c', start: 0, end: 4 });
});

test('clipToChromosomes: skip (default) or clip, with counts and unknown chromosome names', () => {
  const sizes = { chr1: 100, chr2: 50 };
  const ivs: GenomicInterval[] = [
    { chrom: 'chr1', start: -5, end: 10 },
    { chrom: 'chr1', start: 90, end: 110, name: 'x' },
    { chrom: 'chr1', start: 95, end: 100 },
    { chrom: 'chrUn', start: 0, end: 10 },
    { chrom: 'chr1', start: 100, end: 120 },
    { chrom: 'chrM', start: 0, end: 10 },
    { chrom: 'chrUn', start: 5, end: 10 },
  ];
  const skipped = clipToChromosomes(ivs, sizes);
  assert.deepEqual(skipped.intervals, [{ chrom: 'chr1', start: 95, end: 100 }]);
  assert.equal(skipped.clipped, 0);
  assert.equal(skipped.skippedOutOfBounds, 3);
  assert.equal(skipped.skippedUnknownChromosome, 3);
  assert.deepEqual(skipped.unknownChromosomes, ['chrUn', 'chrM']);
  const clipped = clipToChromosomes(ivs, new Map(Object.entries(sizes)), { mode: 'clip' });
  assert.deepEqual(clipped.intervals, [
    { chrom: 'chr1', start: 0, end: 10 },
    { chrom: 'chr1', start: 90, end: 100, name: 'x' },
    { chrom: 'chr1', start: 95, end: 100 },
  ]);
  assert.equal(clipped.clipped, 2);
  assert.equal(clipped.skippedOutOfBounds, 1); // [100, 120) has nothing left
  assert.equal(clipToChromosomes([{ chrom: 'toString', start: 0, end: 1 }], sizes).skippedUnknownChromosome, 1);
});
