import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FormatError, InputError } from '../../src/core/errors.js';
import { bigWigTargets } from '../../src/data/bigwig-targets.js';
import type { GenomicInterval } from '../../src/genomics/intervals.js';
import { writeBigWig, type BigWigSpec } from '../io/bigwig-writer.js';
import { tempDir } from './genomic-fixtures.js';

const CHROMS = [{ name: 'chr1', size: 1000 }, { name: 'chr2', size: 500 }];

const SIGNAL: BigWigSpec = {
  chroms: CHROMS,
  sections: [
    { chrom: 'chr1', type: 'bedGraph', items: [[100, 150, 2], [150, 200, 4], [300, 400, 1.5], [990, 1000, 8]] },
    { chrom: 'chr2', type: 'fixedStep', start: 0, step: 10, span: 5, values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
  ],
};

const OTHER: BigWigSpec = {
  chroms: CHROMS,
  sections: [{ chrom: 'chr1', type: 'varStep', span: 10, items: [[100, -1], [120, 3], [180, 0.5]] }],
  compress: true,
};

/** The per-base values a spec describes (NaN without data), built by plain loops. */
function dense(spec: BigWigSpec, chrom: string): number[] {
  const size = spec.chroms.find((c) => c.name === chrom)!.size;
  const v = new Array<number>(size).fill(Number.NaN);
  for (const s of spec.sections) {
    if (s.chrom !== chrom) continue;
    if (s.type === 'bedGraph') for (const [a, b, x] of s.items) for (let i = a; i < b; i++) v[i] = x;
    if (s.type === 'varStep') for (const [a, x] of s.items) for (let i = a; i < a + s.span; i++) v[i] = x;
    if (s.type === 'fixedStep') s.values.forEach((x, k) => { for (let i = s.start + k * s.step; i < s.start + k * s.step + s.span; i++) v[i] = x; });
  }
  return v;
}

function window(spec: BigWigSpec, w: GenomicInterval): number[] {
  const known = spec.chroms.some((c) => c.name === w.chrom);
  const values = known ? dense(spec, w.chrom) : [];
  return Array.from({ length: w.end - w.start }, (_, i) => values[w.start + i] ?? Number.NaN);
}

function mean(values: number[], zero: boolean): number {
  const present = values.filter((v) => !Number.isNaN(v));
  if (zero) return present.reduce((a, b) => a + b, 0) / values.length;
  return present.length === 0 ? Number.NaN : present.reduce((a, b) => a + b, 0) / present.length;
}

function close(actual: ArrayLike<number>, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) < 1e-5, `[${i}] ${a} vs ${e}`);
  }
}

const WINDOWS: GenomicInterval[] = [
  { chrom: 'chr1', start: 100, end: 200 },
  { chrom: 'chr1', start: 50, end: 150 },
  { chrom: 'chr1', start: 950, end: 1050 }, // past the end of chr1
  { chrom: 'chr2', start: 0, end: 100 },
  { chrom: 'chr1', start: 500, end: 600 }, // no data
  { chrom: 'chrM', start: 0, end: 100 }, // not in the bigWigs
];

function files() {
  const tmp = tempDir();
  const signal = join(tmp.dir, 'signal.bw');
  const other = join(tmp.dir, 'other.bw');
  writeFileSync(signal, writeBigWig(SIGNAL));
  writeFileSync(other, writeBigWig(OTHER));
  return { ...tmp, tracks: [{ name: 'signal', path: signal }, { name: 'other', path: other }] };
}

test('bigWigTargets: central-bin means, bins and profiles against the per-base values; missing as zero', async () => {
  const f = files();
  try {
    // Hand-computed: window [100, 200), central 20 bases [140, 160): 2 x 10 + 4 x 10 -> 3.
    const center = await bigWigTargets(WINDOWS, { tracks: f.tracks, mode: 'center', bin: 20 });
    assert.deepEqual(center.shape, [6, 2]);
    assert.deepEqual(center.tasks, ['signal', 'other']);
    assert.equal(center.values[0], 3);
    // [50, 150): bin [90, 110): 10 bases without data (0) + 10 of 2 -> 1
    assert.equal(center.values[2], 1);
    const expectedCenter = WINDOWS.flatMap((w) => [SIGNAL, OTHER].map((spec) => mean(window(spec, w).slice(40, 60), true)));
    close(center.values, expectedCenter);
    assert.deepEqual(center.kept, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(center.report.tracks.map((t) => [t.missingChromosome, t.missingChromosomeExamples]), [[1, ['chrM']], [1, ['chrM']]]);
    assert.ok(center.report.warnings[0]!.includes('chrM'));

    const bins = await bigWigTargets(WINDOWS, { tracks: f.tracks, mode: 'bins', binSize: 25 });
    assert.deepEqual(bins.shape, [6, 2, 4]);
    assert.deepEqual([...bins.values.subarray(0, 4)], [2, 2, 4, 4]); // signal over [100, 200) in 25-base bins
    const expectedBins = WINDOWS.flatMap((w) => [SIGNAL, OTHER].flatMap((spec) => [0, 1, 2, 3].map((b) => mean(window(spec, w).slice(b * 25, b * 25 + 25), true))));
    close(bins.values, expectedBins);

    const profile = await bigWigTargets(WINDOWS, { tracks: f.tracks, mode: 'profile' });
    assert.deepEqual(profile.shape, [6, 2, 100]);
    close(profile.values, WINDOWS.flatMap((w) => [SIGNAL, OTHER].flatMap((spec) => window(spec, w).map((v) => (Number.isNaN(v) ? 0 : v)))));
    // past the end of chr1: [950, 1000) zero but [990, 1000) = 8; [1000, 1050) outside -> 0
    assert.equal(profile.values[(2 * 2) * 100 + 45], 8);
    assert.equal(profile.values[(2 * 2) * 100 + 55], 0);
  } finally {
    f.remove();
  }
});

test('bigWigTargets: missing "skip" leaves bases without data out and drops windows with empty outputs', async () => {
  const f = files();
  try {
    const center = await bigWigTargets(WINDOWS, { tracks: f.tracks.slice(0, 1), mode: 'center', bin: 20, missing: 'skip' });
    // [50, 150): only the 10 covered bases count -> 2; [500, 600) and chrM have no data -> dropped
    assert.deepEqual(center.kept, [0, 1, 2, 3]);
    assert.deepEqual(center.shape, [4, 1]);
    close(center.values, [0, 1, 2, 3].map((i) => mean(window(SIGNAL, WINDOWS[i]!).slice(40, 60), false)));
    assert.equal(center.values[1], 2);
    assert.equal(center.report.dropped, 2);

    // profiles: any base without data drops the window ([100, 200) is fully covered; chr2 [0, 100) has gaps)
    const profile = await bigWigTargets(WINDOWS.slice(0, 1), { tracks: f.tracks.slice(0, 1), mode: 'profile', missing: 'skip' });
    assert.deepEqual(profile.kept, [0]);
    close(profile.values, window(SIGNAL, WINDOWS[0]!));
    const gappy = await bigWigTargets(WINDOWS.slice(3, 4), { tracks: f.tracks.slice(0, 1), mode: 'profile', missing: 'skip' });
    assert.deepEqual(gappy.kept, []);
    assert.deepEqual(gappy.shape, [0, 1, 100]);
  } finally {
    f.remove();
  }
});

test('bigWigTargets: bad options and files', async () => {
  const f = files();
  try {
    await assert.rejects(bigWigTargets(WINDOWS, { tracks: f.tracks, mode: 'bins', binSize: 30 }), (e: unknown) => e instanceof InputError && e.message.includes('dividing the window length 100'));
    await assert.rejects(bigWigTargets(WINDOWS, { tracks: f.tracks, mode: 'center', bin: 101 }), InputError);
    await assert.rejects(bigWigTargets([...WINDOWS, { chrom: 'chr1', start: 0, end: 99 }], { tracks: f.tracks }), (e: unknown) => e instanceof InputError && e.message.includes('window 6'));
    await assert.rejects(bigWigTargets(WINDOWS, { tracks: [] }), InputError);
    await assert.rejects(bigWigTargets(WINDOWS, { tracks: [f.tracks[0]!, { ...f.tracks[1]!, name: 'signal' }] }), InputError);
    await assert.rejects(bigWigTargets(WINDOWS, { tracks: [{ name: 'x', path: join(f.dir, 'none.bw') }], bin: 20 }), (e: unknown) => e instanceof InputError && e.message.includes('none.bw'));
    const junk = join(f.dir, 'junk.bw');
    writeFileSync(junk, 'not a bigwig at all');
    await assert.rejects(bigWigTargets(WINDOWS, { tracks: [{ name: 'x', path: junk }], bin: 20 }), FormatError);
  } finally {
    f.remove();
  }
});
