/**
 * Strand's bigWig writer read back by two independent readers, @gmod/bbi (npm) and Debian's
 * pyBigWig (libBigWig): every value, the chromosome sizes, empty regions, zoom-level summaries
 * against bins computed here by hand, and multi-level chromosome and R trees (small node sizes
 * force several levels). The UCSC rules (sorted, non-overlapping, inside the chromosome) are
 * errors naming the interval.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BigWig } from '@gmod/bbi';
import { LocalFile } from 'generic-filehandle2';
import { Random } from '../../src/data/random.js';
import { bigWigBytes, type BigWigChrom, type BigWigIntervals } from '../../src/io/bigwig-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'strand-bigwig-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const chroms: BigWigChrom[] = [
  { name: 'chr1', size: 50_000 },
  { name: 'chr2', size: 20_000 },
  { name: 'chrEmpty', size: 1_000 },
  { name: 'chrM', size: 16_569 },
];

function randomTrack(chrom: string, size: number, random: Random): BigWigIntervals {
  const starts: number[] = [];
  const ends: number[] = [];
  const values: number[] = [];
  for (let at = random.int(50); at < size - 60; ) {
    const span = 1 + random.int(40);
    starts.push(at);
    ends.push(at + span);
    values.push(Math.fround((random.next() - 0.3) * 10));
    at += span + random.int(30); // gaps: bases without data
  }
  return { chrom, starts, ends, values };
}

const random = new Random(5);
const tracks = [randomTrack('chr1', 50_000, random), randomTrack('chr2', 20_000, random), randomTrack('chrM', 16_569, random)];
const path = join(dir, 'track.bw');
writeFileSync(path, bigWigBytes(chroms, tracks, { itemsPerSlot: 64, blockSize: 4 }));

function valuesOf(track: BigWigIntervals, from: number, to: number) {
  const out: { start: number; end: number; score: number }[] = [];
  for (let i = 0; i < track.starts.length; i++) if (track.ends[i]! > from && track.starts[i]! < to) out.push({ start: track.starts[i]!, end: track.ends[i]!, score: track.values[i]! });
  return out;
}

test('@gmod/bbi reads back every interval, the chromosome sizes and empty regions', async () => {
  const bw = new BigWig({ filehandle: new LocalFile(path) });
  const header = await bw.getHeader();
  assert.deepEqual(Object.values(header.refsByNumber).map((r) => [r!.name, r!.length]), chroms.map((c) => [c.name, c.size]));
  assert.ok(header.zoomLevels.length >= 2, `${header.zoomLevels.length} zoom levels`);
  for (const t of tracks) {
    const size = chroms.find((c) => c.name === t.chrom)!.size;
    const read = await bw.getFeatures(t.chrom, 0, size, { scale: Number.POSITIVE_INFINITY });
    assert.deepEqual(read.map((f) => ({ start: f.start, end: f.end, score: f.score })), valuesOf(t, 0, size), t.chrom);
    const part = await bw.getFeatures(t.chrom, 1234, 5678, { scale: Number.POSITIVE_INFINITY });
    assert.deepEqual(part.map((f) => ({ start: f.start, end: f.end, score: f.score })), valuesOf(t, 1234, 5678), `${t.chrom} part`);
  }
  assert.deepEqual(await bw.getFeatures('chrEmpty', 0, 1000, { scale: Number.POSITIVE_INFINITY }), []);
});

test('zoom levels hold per-bin summaries: valid bases, min, max, sum, sum of squares', async () => {
  const bw = new BigWig({ filehandle: new LocalFile(path) });
  const header = await bw.getHeader();
  const reduction = header.zoomLevels[0]!.reductionLevel;
  const t = tracks[1]!;
  // One base per pixel at the first zoom's resolution picks that zoom level.
  const read = await bw.getFeatures('chr2', 0, 20_000, { basesPerSpan: reduction });
  const bins = new Map<number, { count: number; min: number; max: number; sum: number }>();
  for (let i = 0; i < t.starts.length; i++) {
    for (let b = t.starts[i]!; b < t.ends[i]!; b++) {
      const bin = Math.floor(b / reduction) * reduction;
      const v = t.values[i]!;
      const s = bins.get(bin) ?? { count: 0, min: Infinity, max: -Infinity, sum: 0 };
      s.count++;
      s.min = Math.min(s.min, v);
      s.max = Math.max(s.max, v);
      s.sum += v;
      bins.set(bin, s);
    }
  }
  assert.equal(read.length, bins.size);
  for (const f of read) {
    const s = bins.get(f.start)!;
    assert.ok(s !== undefined, `a bin at ${f.start}`);
    assert.equal(f.end, Math.min(f.start + reduction, 20_000));
    assert.equal(f.minScore, s.min);
    assert.equal(f.maxScore, s.max);
    assert.ok(Math.abs(f.score! - s.sum / s.count) < 1e-4, `mean at ${f.start}: ${f.score} vs ${s.sum / s.count}`);
  }
});

const pyBigWig = spawnSync('/usr/bin/python3', ['-c', 'import pyBigWig'], { encoding: 'utf8' }).status === 0;

test('pyBigWig (libBigWig) reads the same intervals, sizes and summaries', { skip: pyBigWig || process.env.CI === 'true' ? false : 'no python3-pybigwig (make test installs it)' }, () => {
  const script = `
import json, sys, pyBigWig
bw = pyBigWig.open(sys.argv[1])
out = {"chroms": bw.chroms(), "header": bw.header(), "intervals": {}, "empty": bw.intervals("chrEmpty"), "stats": {}}
for c in ("chr1", "chr2", "chrM"):
    out["intervals"][c] = bw.intervals(c)
    out["stats"][c] = [bw.stats(c, 0, bw.chroms(c), type=t, exact=True)[0] for t in ("mean", "min", "max", "coverage")]
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const py = JSON.parse(r.stdout) as { chroms: Record<string, number>; header: { nLevels: number; nBasesCovered: number }; intervals: Record<string, [number, number, number][]>; empty: null | unknown[]; stats: Record<string, number[]> };
  assert.deepEqual(py.chroms, Object.fromEntries(chroms.map((c) => [c.name, c.size])));
  assert.ok(py.header.nLevels >= 2);
  let covered = 0;
  for (const t of tracks) {
    assert.deepEqual(py.intervals[t.chrom], valuesOf(t, 0, Infinity).map((f) => [f.start, f.end, f.score]));
    let bases = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < t.starts.length; i++) {
      const n = t.ends[i]! - t.starts[i]!;
      bases += n;
      sum += n * t.values[i]!;
      min = Math.min(min, t.values[i]!);
      max = Math.max(max, t.values[i]!);
    }
    covered += bases;
    const [mean, lo, hi, coverage] = py.stats[t.chrom]!;
    assert.ok(Math.abs(mean! - sum / bases) < 1e-4);
    assert.equal(lo, min);
    assert.equal(hi, max);
    assert.ok(Math.abs(coverage! - bases / chroms.find((c) => c.name === t.chrom)!.size) < 1e-9);
  }
  assert.equal(py.header.nBasesCovered, covered);
  assert.ok(py.empty === null || (Array.isArray(py.empty) && py.empty.length === 0));
});

test('unsorted, overlapping or out-of-range intervals and unknown chromosomes are errors naming the interval', () => {
  const one = (starts: number[], ends: number[], chrom = 'chr2') => () => bigWigBytes(chroms, [{ chrom, starts, ends, values: starts.map(() => 1) }]);
  assert.throws(one([10, 15], [20, 30]), /bigWig: 'chr2' interval 2 \(15-30\) starts before the previous one ends \(20\): intervals must be sorted and not overlap/);
  assert.throws(one([10], [20_001]), /bigWig: 'chr2' interval 1 is 10-20001, outside 0-20000 or empty/);
  assert.throws(one([5], [5]), /outside 0-20000 or empty/);
  assert.throws(one([5], [6], 'chrX'), /bigWig: intervals on 'chrX', which is not among the chromosomes/);
  assert.throws(() => bigWigBytes(chroms, [{ chrom: 'chr1', starts: [1], ends: [2], values: [Number.NaN] }]), /interval 1 has value NaN/);
});
