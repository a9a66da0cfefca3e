import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FormatError, InputError } from '../../src/core/errors.js';
import { genomicBatches } from '../../src/data/genomic-batches.js';
import {
  buildIntervalDataset, centralBin, labelTargets, labelWindows, proportionalQuotas, requiredOverlap, splitIntervalDataset,
  type IntervalDataset,
} from '../../src/data/interval-dataset.js';
import { Random } from '../../src/data/random.js';
import type { GenomicInterval } from '../../src/genomics/intervals.js';
import { openGenome } from '../../src/io/genome.js';
import { gcFraction, randomDna, SHARED_DATA, writeGenome } from './genomic-fixtures.js';

const w = (chrom: string, start: number, end: number): GenomicInterval => ({ chrom, start, end });

test('requiredOverlap and centralBin: hand-computed thresholds and bin placement', () => {
  assert.equal(requiredOverlap(200, 0.5), 100);
  assert.equal(requiredOverlap(10, 0.3), 3); // 0.3 * 10 is 3.0000000000000004 in floating point
  assert.equal(requiredOverlap(10, 0.7), 7); // 7.000000000000001
  assert.equal(requiredOverlap(100, 0.29), 29); // 28.999999999999996
  assert.equal(requiredOverlap(10, 0.01), 1);
  assert.equal(requiredOverlap(10, 1), 10);
  assert.deepEqual(centralBin(w('c', 0, 1000), 200), { start: 400, end: 600 });
  assert.deepEqual(centralBin(w('c', 0, 21), 10), { start: 5, end: 15 }); // floor(11 / 2) = 5
  assert.deepEqual(centralBin(w('c', 100, 120), 9), { start: 105, end: 114 });
});

test('labelWindows: the central-bin overlap rule at the threshold boundary (hand-made peaks)', () => {
  // One window [0, 20), bin 10 -> central bin [5, 15); minOverlap 0.5 -> at least 5 bases.
  const tasks = [
    [w('c', 10, 15)], // 5 bases: exactly the threshold -> 1
    [w('c', 11, 15)], // 4 -> 0
    [w('c', 0, 10)], // [5, 10) = 5 -> 1
    [w('c', 5, 7), w('c', 13, 16)], // 2 + 2 = 4 -> 0
    [w('c', 8, 11), w('c', 9, 12)], // union [8, 12) = 4 (the sum, 6, would pass) -> 0
    [w('c', 15, 30)], // touches the bin end only -> 0
    [w('d', 5, 15)], // other chromosome -> 0
    [w('c', 0, 20)], // all -> 1
  ];
  const labels = labelWindows([w('c', 0, 20)], tasks, { bin: 10, minOverlap: 0.5 });
  assert.deepEqual([...labels], [1, 0, 1, 0, 0, 0, 0, 1]);

  const t = (peaks: GenomicInterval[]) => peaks;
  // minOverlap 0.3 -> 3 bases; 1.0 -> all 10.
  assert.deepEqual([...labelWindows([w('c', 0, 20)], [t([w('c', 12, 15)]), t([w('c', 13, 15)])], { bin: 10, minOverlap: 0.3 })], [1, 0]);
  assert.deepEqual([...labelWindows([w('c', 0, 20)], [t([w('c', 5, 15)]), t([w('c', 5, 14)])], { bin: 10, minOverlap: 1 })], [1, 0]);
  // Two windows x two tasks, row-major [N, T].
  const two = labelWindows([w('c', 0, 20), w('c', 100, 120)], [t([w('c', 105, 115)]), t([w('c', 0, 100)])], { bin: 10, minOverlap: 0.5 });
  assert.deepEqual([...two], [0, 1, 1, 0]);
});

test('labelWindows: random peaks and windows for 6 tasks agree with per-base coverage counting', () => {
  const random = new Random(3);
  const chroms = ['c1', 'c2'];
  const taskPeaks = Array.from({ length: 6 }, () => Array.from({ length: 40 }, () => {
    const start = random.int(2000);
    return w(chroms[random.int(2)]!, start, start + random.int(120));
  }));
  const windows = Array.from({ length: 300 }, () => {
    const start = random.int(2000) - 50;
    return w(chroms[random.int(2)]!, start, start + 101);
  });
  const bin = 37;
  for (const minOverlap of [0.1, 0.5, 1]) {
    const labels = labelWindows(windows, taskPeaks, { bin, minOverlap });
    const required = Math.ceil(minOverlap * bin);
    windows.forEach((x, i) => {
      const from = x.start + 32; // floor((101 - 37) / 2)
      taskPeaks.forEach((peaks, t) => {
        let covered = 0;
        for (let p = from; p < from + bin; p++) if (peaks.some((q) => q.chrom === x.chrom && q.start <= p && p < q.end)) covered++;
        assert.equal(labels[i * 6 + t], covered >= required ? 1 : 0, `window ${i} task ${t} minOverlap ${minOverlap}`);
      });
    });
  }
});

/** chrA (400 bases) and chrB (300 bases) of random DNA. */
function smallGenome() {
  const random = new Random(7);
  const chroms = [['chrA', randomDna(random, 400)], ['chrB', randomDna(random, 300)]] as const;
  return { chroms, genome: writeGenome(chroms) };
}

test('buildIntervalDataset: centred windows, multi-task labels, duplicates, windows past ends (skip / pad)', async () => {
  const { genome: fixture } = smallGenome();
  const genome = await openGenome(fixture.path);
  try {
    const tasks = [
      // [100, 110): middle 105 -> window [95, 115); [390, 400): window [385, 405) passes chrA's end (400)
      { name: 't1', peaks: [w('chrA', 100, 110), w('chrA', 390, 400), w('chrB', 50, 60), w('chrB', 51, 59)] },
      // [98, 104): middle 101 -> window [91, 111)
      { name: 't2', peaks: [w('chrA', 98, 104)] },
    ];
    const data = await buildIntervalDataset(genome, { tasks, window: 20, bin: 10, minOverlap: 0.5, negativeRatio: 0 });
    // chrB [50, 60) and [51, 59) both centre at 55 -> one window [45, 65)
    assert.deepEqual(data.windows, [w('chrA', 91, 111), w('chrA', 95, 115), w('chrB', 45, 65)]);
    // [91, 111): bin [96, 106): t1 covers [100, 106) = 6, t2 [98, 104) = 6 -> 1, 1
    // [95, 115): bin [100, 110): t1 10, t2 [100, 104) = 4 -> 1, 0
    assert.deepEqual([...data.labels], [1, 1, 1, 0, 1, 0]);
    assert.deepEqual(data.tasks, ['t1', 't2']);
    assert.equal(data.report.duplicates, 1);
    assert.equal(data.report.pastEndSkipped, 1);
    assert.equal(data.report.peakWindows, 3);
    assert.deepEqual(data.report.tasks.map((t) => t.positiveWindows), [3, 1]);
    assert.ok(data.report.warnings.some((m) => m.includes('1 peak windows reach past a chromosome end and were skipped')));

    const padded = await buildIntervalDataset(genome, { tasks, window: 20, bin: 10, negativeRatio: 0, outOfBounds: 'pad' });
    assert.deepEqual(padded.windows.map((x) => x.start), [91, 95, 385, 45]);
    assert.equal(padded.report.pastEndPadded, 1);
    assert.deepEqual([...padded.labels.subarray(4, 6)], [1, 0]); // bin [390, 400) fully covered by t1

    // narrowPeak summits: [100, 140) with summit offset 5 -> centre 105 -> [95, 115); 'middle' ignores it
    const summit = await buildIntervalDataset(genome, { tasks: [{ name: 's', peaks: [{ ...w('chrA', 100, 140), peak: 5 }] }], window: 20, bin: 10, negativeRatio: 0 });
    assert.deepEqual(summit.windows, [w('chrA', 95, 115)]);
    const middle = await buildIntervalDataset(genome, { tasks: [{ name: 's', peaks: [{ ...w('chrA', 100, 140), peak: 5 }] }], window: 20, bin: 10, negativeRatio: 0, center: 'middle' });
    assert.deepEqual(middle.windows, [w('chrA', 110, 130)]);

    // A peak too narrow for the rule: [100, 103) covers 3 < 5 of its own window's bin -> dropped, counted.
    const narrow = await buildIntervalDataset(genome, { tasks: [{ name: 'n', peaks: [w('chrA', 100, 103), w('chrA', 200, 220)] }], window: 20, bin: 10, negativeRatio: 0 });
    assert.deepEqual(narrow.windows, [w('chrA', 200, 220)]);
    assert.equal(narrow.report.unlabelled, 1);
  } finally {
    await genome.close();
    fixture.remove();
  }
});

test('buildIntervalDataset: tiling merged peak regions on the stride grid', async () => {
  const { genome: fixture } = smallGenome();
  const genome = await openGenome(fixture.path);
  try {
    // Regions [105, 125) (t1) + [120, 131) (t2) merge to [105, 131). Bins of 10 on the grid of 10
    // overlapping it: [100, 110) .. [130, 140); windows of 30 put 10 bases each side.
    // Bin [100, 110): t1 covers 5 -> 1; [110, 120): t1 10 -> 1, t2 0; [120, 130): t1 5, t2 10 -> 1, 1;
    // [130, 140): t2 covers 1 -> no label -> dropped.
    const tasks = [{ name: 't1', peaks: [w('chrA', 105, 125)] }, { name: 't2', peaks: [w('chrA', 120, 131)] }];
    const data = await buildIntervalDataset(genome, { tasks, window: 30, bin: 10, positives: 'tile', negativeRatio: 0 });
    assert.deepEqual(data.windows, [w('chrA', 90, 120), w('chrA', 100, 130), w('chrA', 110, 140)]);
    assert.deepEqual([...data.labels], [1, 0, 1, 0, 1, 1]);
    assert.equal(data.report.unlabelled, 1);
    // stride 5: bins start at 100, 105, ..., 130 -> labelled ones kept
    const fine = await buildIntervalDataset(genome, { tasks, window: 30, bin: 10, positives: 'tile', stride: 5, negativeRatio: 0 });
    assert.deepEqual(fine.windows.map((x) => x.start + 10), [100, 105, 110, 115, 120, 125]);
    // 'both': centred windows (t1 middle 115 -> [100, 130); t2 middle 125 -> [110, 140)) coincide with tiles
    const both = await buildIntervalDataset(genome, { tasks, window: 30, bin: 10, positives: 'both', negativeRatio: 0 });
    assert.deepEqual(both.windows, data.windows);
    assert.equal(both.report.duplicates, 2);
  } finally {
    await genome.close();
    fixture.remove();
  }
});

test('buildIntervalDataset: chromosome names missing from the genome are counted; all missing is an InputError', async () => {
  const { genome: fixture } = smallGenome();
  const genome = await openGenome(fixture.path);
  try {
    const some = await buildIntervalDataset(genome, {
      tasks: [{ name: 'x', peaks: [w('chrA', 100, 120), w('chrZ', 1, 20), w('chrY', 5, 30), w('chrZ', 40, 60)] }],
      window: 20, bin: 10, negativeRatio: 0,
    });
    assert.equal(some.report.tasks[0]!.missingChromosome, 3);
    assert.deepEqual(some.report.tasks[0]!.missingChromosomeExamples, ['chrZ', 'chrY']);
    assert.equal(some.windows.length, 1);
    assert.ok(some.report.warnings.some((m) => m.includes("3 of 4 peaks are on 2 chromosome(s) missing from the genome") && m.includes('chrZ, chrY')));

    await assert.rejects(
      buildIntervalDataset(genome, { tasks: [{ name: 'ucsc', peaks: [w('A', 100, 120), w('B', 5, 30)] }], window: 20, bin: 10 }),
      (e: unknown) => e instanceof InputError && e.message.includes("none of the 2 peaks") && e.message.includes("the genome has 'chrA'"),
    );
    // chromosomes restricts peaks and negatives; unknown names are errors
    const onlyB = await buildIntervalDataset(genome, {
      tasks: [{ name: 'x', peaks: [w('chrA', 100, 120), w('chrB', 100, 120)] }], window: 20, bin: 10, negativeRatio: 3, chromosomes: ['chrB'],
    });
    assert.ok(onlyB.windows.every((x) => x.chrom === 'chrB'));
    assert.equal(onlyB.report.tasks[0]!.outsideChromosomes, 1);
    await assert.rejects(buildIntervalDataset(genome, { tasks: [{ name: 'x', peaks: [] }], chromosomes: ['chrQ'] }), InputError);
    // bad options
    for (const bad of [{ bin: 30, window: 20 }, { minOverlap: 0 }, { minOverlap: 1.5 }, { negativeRatio: -1 }, { maxN: 2 }, { window: 0 }]) {
      await assert.rejects(buildIntervalDataset(genome, { tasks: [{ name: 'x', peaks: [w('chrA', 1, 30)] }], ...bad }), InputError, JSON.stringify(bad));
    }
    await assert.rejects(buildIntervalDataset(genome, { tasks: [{ name: 'x', peaks: [] }, { name: 'x', peaks: [] }] }), InputError);
  } finally {
    await genome.close();
    fixture.remove();
  }
});

test('buildIntervalDataset: a malformed peak file is a FormatError naming file, line and field', async () => {
  const { genome: fixture } = smallGenome();
  const genome = await openGenome(fixture.path);
  try {
    const bed = join(fixture.dir, 'bad.bed');
    writeFileSync(bed, 'chrA\t10\t50\nchrA\t60\tx90\n');
    await assert.rejects(
      buildIntervalDataset(genome, { tasks: [{ name: 'bad', peaks: bed }], window: 20, bin: 10 }),
      (e: unknown) => e instanceof FormatError && e.file === bed && e.line === 2 && e.field === 'end',
    );
  } finally {
    await genome.close();
    fixture.remove();
  }
});

/** chr1: 60 kb with an all-N block [10000, 15000) and N runs; chr2: 20 kb. Peaks every few kb. */
function negativesGenome() {
  const random = new Random(11);
  let chr1 = randomDna(random, 60_000);
  chr1 = chr1.slice(0, 10_000) + 'N'.repeat(5_000) + chr1.slice(15_000);
  for (let k = 0; k < 40; k++) {
    const at = 20_000 + k * 1000;
    chr1 = chr1.slice(0, at) + 'N'.repeat(15 + (k % 30)) + chr1.slice(at + 15 + (k % 30));
  }
  const chr2 = randomDna(random, 20_000);
  const chroms = [['chr1', chr1], ['chr2', chr2]] as const;
  const peaks: GenomicInterval[] = [];
  for (let s = 1000; s < 59_000; s += 3000) peaks.push(w('chr1', s, s + 100));
  for (let s = 500; s < 19_000; s += 2500) peaks.push(w('chr2', s, s + 100));
  return { chroms, peaks, genome: writeGenome(chroms) };
}

function overlaps(a: GenomicInterval, b: GenomicInterval): boolean {
  return a.chrom === b.chrom && Math.min(a.end, b.end) > Math.max(a.start, b.start);
}

test('buildIntervalDataset: negatives avoid N-rich windows, the blacklist and peaks; seeded', async () => {
  const { chroms, peaks, genome: fixture } = negativesGenome();
  const seqs = new Map<string, string>(chroms);
  const genome = await openGenome(fixture.path);
  try {
    // The first two lie between peak windows; the last overlaps the window of the peak at chr1:7000.
    const blacklist = [w('chr1', 31_200, 33_900), w('chr2', 5_700, 7_900), w('chr1', 7_000, 7_100)];
    const options = { tasks: [{ name: 'p', peaks }], window: 200, bin: 50, negativeRatio: 6, maxN: 0.05, blacklist, seed: 3 };
    const data = await buildIntervalDataset(genome, options);
    const P = data.report.peakWindows;
    assert.equal(P, peaks.length - 1);
    assert.equal(data.report.blacklisted, 1);
    const negatives = data.windows.slice(P);
    assert.equal(negatives.length, 6 * P);
    assert.equal(data.report.negatives, 6 * P);
    const keys = new Set(data.windows.map((x) => `${x.chrom}:${x.start}`));
    assert.equal(keys.size, data.windows.length, 'no duplicate windows');
    for (const n of negatives) {
      const seq = seqs.get(n.chrom)!;
      assert.ok(n.start >= 0 && n.end <= seq.length && n.end - n.start === 200);
      const nCount = [...seq.slice(n.start, n.end)].filter((c) => c === 'N').length;
      assert.ok(nCount <= 10, `${n.chrom}:${n.start} has ${nCount} N`);
      assert.ok(!blacklist.some((b) => overlaps(b, n)), 'negative in the blacklist');
      assert.ok(!peaks.some((p) => overlaps(p, n)), 'negative overlaps a peak');
    }
    assert.ok(data.windows.slice(0, P).every((x) => !blacklist.some((b) => overlaps(b, x))));
    assert.deepEqual([...data.labels.subarray(P)], new Array(negatives.length).fill(0));
    const c = data.report.candidates;
    assert.ok(c.tooManyN > 0 && c.blacklisted > 0 && c.overlapsPeak > 0, JSON.stringify(c));

    const again = await buildIntervalDataset(genome, options);
    assert.deepEqual(again.windows, data.windows);
    const other = await buildIntervalDataset(genome, { ...options, seed: 4 });
    assert.notDeepEqual(other.windows.slice(P), negatives);

    // maxN 0: no N at all; an attempt budget too small -> short, with a warning
    const strict = await buildIntervalDataset(genome, { ...options, maxN: 0 });
    for (const n of strict.windows.slice(P)) assert.ok(!seqs.get(n.chrom)!.slice(n.start, n.end).includes('N'));
    const short = await buildIntervalDataset(genome, { ...options, maxAttempts: 20 });
    assert.ok(short.report.negatives < short.report.negativesWanted);
    assert.ok(short.report.warnings.some((m) => m.includes(`only ${short.report.negatives} of ${short.report.negativesWanted} negative windows`)));
  } finally {
    await genome.close();
    fixture.remove();
  }
});

/** Histogram of GC fractions over `bins` equal bins of [0, 1], as proportions. */
function gcHistogram(windows: readonly GenomicInterval[], seqs: ReadonlyMap<string, string>, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const x of windows) counts[Math.min(bins - 1, Math.floor(gcFraction(seqs.get(x.chrom)!.slice(x.start, x.end)) * bins))]!++;
  return counts.map((c) => c / windows.length);
}

test('buildIntervalDataset: GC-matched negatives follow the positives\' GC histogram', async () => {
  // 300 segments of 500 bases with GC from 0.2 to 0.8; peaks mostly in GC-rich segments.
  const random = new Random(5);
  let chr = '';
  const segmentGc: number[] = [];
  for (let k = 0; k < 300; k++) {
    const gc = 0.2 + (0.6 * ((k * 7) % 13)) / 12;
    segmentGc.push(gc);
    chr += randomDna(random, 500, gc);
  }
  const seqs = new Map<string, string>([['chr1', chr]]);
  const fixture = writeGenome([['chr1', chr]]);
  const peaks: GenomicInterval[] = [];
  segmentGc.forEach((gc, k) => {
    if (gc >= 0.6 || k % 10 === 0) peaks.push(w('chr1', k * 500 + 200, k * 500 + 300));
  });
  const genome = await openGenome(fixture.path);
  try {
    const base = { tasks: [{ name: 'p', peaks }], window: 200, bin: 50, negativeRatio: 2, seed: 9 };
    const matched = await buildIntervalDataset(genome, { ...base, gcMatch: true, gcBins: 10 });
    const P = matched.report.peakWindows;
    assert.equal(matched.report.negatives, 2 * P);
    const pos = gcHistogram(matched.windows.slice(0, P), seqs, 10);
    const neg = gcHistogram(matched.windows.slice(P), seqs, 10);
    const distance = pos.reduce((s, p, i) => s + Math.abs(p - neg[i]!), 0) / 2;
    assert.ok(distance < 0.03, `total variation ${distance}: ${pos} vs ${neg}`);
    assert.deepEqual(matched.report.gc!.positives.map((c) => c / P), pos);

    const unmatched = await buildIntervalDataset(genome, base);
    const raw = gcHistogram(unmatched.windows.slice(P), seqs, 10);
    const rawDistance = pos.reduce((s, p, i) => s + Math.abs(p - raw[i]!), 0) / 2;
    assert.ok(rawDistance > 0.25, `unmatched negatives should differ: ${rawDistance}`);
  } finally {
    await genome.close();
    fixture.remove();
  }
});

test('proportionalQuotas: largest remainder, ties to lower bins', () => {
  assert.deepEqual(proportionalQuotas([1, 1, 1], 4), [2, 1, 1]);
  assert.deepEqual(proportionalQuotas([2, 0, 6], 12), [3, 0, 9]);
  assert.deepEqual(proportionalQuotas([0, 0], 5), [0, 0]);
});

function crossSplitOverlaps(parts: readonly IntervalDataset[]): number {
  let bad = 0;
  for (let a = 0; a < parts.length; a++) {
    for (let b = a + 1; b < parts.length; b++) {
      for (const x of parts[a]!.windows) for (const y of parts[b]!.windows) if (overlaps(x, y)) bad++;
    }
  }
  return bad;
}

test('splitIntervalDataset: no window of one split overlaps a window of another; labels follow windows', async () => {
  const { peaks, genome: fixture } = negativesGenome();
  const genome = await openGenome(fixture.path);
  try {
    // tiled positives overlap each other: the fraction split must keep overlap clusters together
    const data = await buildIntervalDataset(genome, { tasks: [{ name: 'p', peaks }], window: 200, bin: 50, stride: 25, positives: 'both', negativeRatio: 4, seed: 1 });
    const byFraction = splitIntervalDataset(data, { fractions: { train: 0.6, validation: 0.2, test: 0.2 }, seed: 2 });
    const parts = [byFraction.train, byFraction.validation, byFraction.test];
    assert.equal(parts.reduce((n, p) => n + p.windows.length, 0) + byFraction.dropped, data.windows.length);
    assert.ok(parts.every((p) => p.windows.length > 0));
    assert.equal(crossSplitOverlaps(parts), 0);
    const labelOf = new Map(data.windows.map((x, i) => [`${x.chrom}:${x.start}`, data.labels[i]]));
    for (const p of parts) p.windows.forEach((x, i) => assert.equal(p.labels[i], labelOf.get(`${x.chrom}:${x.start}`)));

    // what a trainer does next: batches of the training split, labels as targets
    const source = await genomicBatches({ genome, windows: byFraction.train.windows, targets: labelTargets(byFraction.train), batchSize: 32, seed: 1, workers: 1 });
    try {
      const plan = source.plan(0, 0);
      for await (const batch of source.batches(0, 0)) {
        assert.deepEqual(batch.inputs[0]!.shape, [32, 4, 200]);
        assert.deepEqual([...batch.targets.data<Float32Array>()], Array.from(plan.indices, (i) => byFraction.train.labels[i]));
        batch.inputs[0]!.dispose();
        batch.targets.dispose();
        break;
      }
    } finally {
      await source.close();
    }

    const byChrom = splitIntervalDataset(data, { test: ['chr2'] }, genome.chromosomes().keys());
    assert.ok(byChrom.test.windows.every((x) => x.chrom === 'chr2') && byChrom.train.windows.every((x) => x.chrom === 'chr1'));
    assert.equal(byChrom.validation.windows.length, 0);
    assert.equal(crossSplitOverlaps([byChrom.train, byChrom.validation, byChrom.test]), 0);
  } finally {
    await genome.close();
    fixture.remove();
  }
});

test('real data: windows around the 17 Pho4 peaks on yeast chrIV are positive and hold CACGTG centrally; negatives mostly do not', async () => {
  const dir = join(SHARED_DATA, 'yeast_chrIV_pho4');
  const genome = await openGenome(join(dir, 'sacCer3_chrIV.fa.gz'));
  try {
    // The E-box sits ~96-102 bp right of each region's middle (checked with Python), so a
    // central bin of 400 bases holds it; the default 200 would cut it at the edge.
    const data = await buildIntervalDataset(genome, {
      tasks: [{ name: 'pho4', peaks: join(dir, 'pho4_chip_bound_chrIV.bed') }],
      window: 1000, bin: 400, minOverlap: 0.5, negativeRatio: 10, gcMatch: true, seed: 1,
    });
    const P = data.report.peakWindows;
    assert.equal(P, 17);
    assert.equal(data.report.negatives, 170);
    assert.deepEqual([...data.labels.subarray(0, P)], new Array(P).fill(1));
    const central = async (x: GenomicInterval) => {
      const bin = centralBin(x, 400);
      return genome.fetch(x.chrom, bin.start, bin.end);
    };
    for (const x of data.windows.slice(0, P)) assert.ok((await central(x)).includes('CACGTG'), `${x.chrom}:${x.start}`);
    let withMotif = 0;
    for (const x of data.windows.slice(P)) if ((await central(x)).includes('CACGTG')) withMotif++;
    assert.ok(withMotif / (data.windows.length - P) < 0.1, `${withMotif} of ${data.windows.length - P} negatives hold CACGTG`);
  } finally {
    await genome.close();
  }
});
