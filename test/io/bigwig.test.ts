import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BigWig } from '@gmod/bbi';
import { InputError } from '../../src/core/errors.js';
import { openBigWig } from '../../src/io/bigwig.js';
import { Random } from '../../src/data/random.js';
import { runPython } from '../helpers/pytorch.js';
import { writeBigWig } from './bigwig-writer.js';
import type { BigWigSpec } from './bigwig-writer.js';
import { readerConformance } from './reader-conformance.js';

const tmp = mkdtempSync(join(tmpdir(), 'strand-bigwig-'));

// chr2 gets 40 seeded bedGraph items with gaps between some of them
const rng = new Random(7);
const chr2Items: [number, number, number][] = [];
for (let pos = 3; chr2Items.length < 40;) {
  const length = 1 + rng.int(20);
  chr2Items.push([pos, pos + length, Math.round((rng.next() * 10 - 5) * 4) / 4]);
  pos += length + (rng.next() < 0.5 ? 0 : rng.int(15));
}

const spec: BigWigSpec = {
  chroms: [{ name: 'chr1', size: 1000 }, { name: 'chr2', size: 1000 }, { name: 'chrM', size: 100 }],
  sections: [
    { chrom: 'chr1', type: 'bedGraph', items: [[10, 20, 1.5], [20, 25, -2], [40, 60, 3]] },
    { chrom: 'chr1', type: 'fixedStep', start: 100, step: 10, span: 5, values: [1, 2, 3, 4] },
    { chrom: 'chr1', type: 'varStep', span: 2, items: [[200, 7], [205, 8]] },
    { chrom: 'chr2', type: 'bedGraph', items: chr2Items },
  ],
};

function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const plainPath = writeTemp('plain.bw', writeBigWig(spec));
const zlibPath = writeTemp('zlib.bw', writeBigWig({ ...spec, compress: true }));

readerConformance({
  name: 'bigWig',
  fileName: 'x.bw',
  kind: 'binary',
  read: async (path) => {
    const bw = await openBigWig(path);
    try {
      return Array.from(await bw.values('chr1', 0, 1000));
    } finally {
      await bw.close();
    }
  },
  valid: writeBigWig(spec),
  empty: 'error',
  malformed: [
    { contents: 'chr1\t0\t10\t1.5\n', line: undefined, field: undefined },
    { contents: new Uint8Array([0xeb, 0xf2, 0x89, 0x87, 0, 0, 0, 0]), line: undefined, field: undefined }, // bigBed magic
  ],
});

test('the test writer: @gmod/bbi reads back exactly the written items (plain and zlib)', async () => {
  for (const path of [plainPath, zlibPath]) {
    const bbi = new BigWig({ path });
    const header = await bbi.getHeader();
    assert.deepEqual(Object.values(header.refsByNumber).map((r) => [r.name, r.length]), [['chr1', 1000], ['chr2', 1000], ['chrM', 100]]);
    const chr1 = (await bbi.getFeatures('chr1', 0, 1000)).map((f: { start: number; end: number; score: number }) => [f.start, f.end, f.score]);
    assert.deepEqual(chr1, [[10, 20, 1.5], [20, 25, -2], [40, 60, 3], [100, 105, 1], [110, 115, 2], [120, 125, 3], [130, 135, 4], [200, 202, 7], [205, 207, 8]]);
    const chr2 = (await bbi.getFeatures('chr2', 0, 1000)).map((f: { start: number; end: number; score: number }) => [f.start, f.end, f.score]);
    assert.deepEqual(chr2, chr2Items);
  }
});

test('values: hand-computed, NaN or a chosen value where there is no data', async () => {
  const bw = await openBigWig(plainPath);
  assert.deepEqual([...bw.chromSizes], [['chr1', 1000], ['chr2', 1000], ['chrM', 100]]);
  const nan = Number.NaN;
  assert.deepEqual(Array.from(await bw.values('chr1', 5, 30)), [
    nan, nan, nan, nan, nan, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, -2, -2, -2, -2, -2, nan, nan, nan, nan, nan,
  ]);
  assert.deepEqual(Array.from(await bw.values('chr1', 103, 112, { missing: 0 })), [1, 1, 0, 0, 0, 0, 0, 2, 2]);
  assert.deepEqual(Array.from(await bw.values('chr1', 199, 208, { missing: -1 })), [-1, 7, 7, -1, -1, -1, 8, 8, -1]);
  // a query ending where a feature starts, or starting where one ends, gets none of it
  assert.deepEqual(Array.from(await bw.values('chr1', 25, 40, { missing: 0 })), new Array(15).fill(0));
  assert.deepEqual(Array.from(await bw.values('chrM', 0, 4)), [nan, nan, nan, nan]);
  assert.equal((await bw.values('chr1', 7, 7)).length, 0);
  await bw.close();
});

test('binnedMeans: hand-computed bins, NaN-skipping and zero-filling', async () => {
  const bw = await openBigWig(zlibPath);
  const nan = Number.NaN;
  assert.deepEqual(Array.from(await bw.binnedMeans('chr1', 0, 140, 20)), [1.5, -2, 3, nan, nan, 1.5, 3.5]);
  assert.deepEqual(Array.from(await bw.binnedMeans('chr1', 0, 140, 20, { missing: 0 })), [0.75, -0.5, 3, 0, 0, 0.75, 1.75]);
  await bw.close();
});

test('binnedMeans and values on seeded data equal numpy computed from the written items', async () => {
  const bw = await openBigWig(zlibPath);
  const expected = runPython<{ values: (number | null)[]; nanmeans: (number | null)[]; zeromeans: number[] }>(`
x = np.full(1000, np.nan)
for s, e, v in inputs['items']:
    x[s:e] = v
part = x[0:600]
with np.errstate(all='ignore'):
    import warnings
    warnings.simplefilter('ignore')
    nanmeans = np.nanmean(part.reshape(-1, 25), axis=1)
zeromeans = np.nan_to_num(part, nan=0.0).reshape(-1, 25).mean(axis=1)
clean = lambda a: [None if np.isnan(v) else float(v) for v in a]
result = {'values': clean(x[0:600]), 'nanmeans': clean(nanmeans), 'zeromeans': [float(v) for v in zeromeans]}
`, { items: chr2Items }, ['numpy']);
  if (expected !== null) {
    const values = Array.from(await bw.values('chr2', 0, 600)).map((v) => (Number.isNaN(v) ? null : v));
    assert.deepEqual(values, expected.values);
    const nanmeans = Array.from(await bw.binnedMeans('chr2', 0, 600, 25));
    const zeromeans = Array.from(await bw.binnedMeans('chr2', 0, 600, 25, { missing: 0 }));
    expected.nanmeans.forEach((v, i) => {
      if (v === null) assert.ok(Number.isNaN(nanmeans[i]), `bin ${i}`);
      else assert.ok(Math.abs(nanmeans[i]! - v) < 1e-5, `bin ${i}: ${nanmeans[i]} vs ${v}`);
    });
    expected.zeromeans.forEach((v, i) => assert.ok(Math.abs(zeromeans[i]! - v) < 1e-5, `bin ${i}: ${zeromeans[i]} vs ${v}`));
  }
  await bw.close();
});

test('bad queries: unknown chromosome, out of range, uneven bins -> InputError', async () => {
  const bw = await openBigWig(plainPath);
  await assert.rejects(bw.values('chrX', 0, 10), (e: unknown) =>
    e instanceof InputError && /chromosome 'chrX' is not in the bigWig \(it has 3: chr1, chr2, chrM\)/.test(e.message));
  await assert.rejects(bw.values('chr1', 990, 1001), /expected 0 <= start <= end <= 1000/);
  await assert.rejects(bw.values('chr1', 10, 5), InputError);
  await assert.rejects(bw.values('chr1', 1.5, 5), InputError);
  await assert.rejects(bw.binnedMeans('chr1', 0, 100, 30), /not a multiple of binSize 30/);
  await assert.rejects(bw.binnedMeans('chr1', 0, 100, 0), /binSize must be a positive integer/);
  await bw.close();
});
