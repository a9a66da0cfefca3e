import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../src/core/errors.js';
import { iterateBed, readBed } from '../../src/io/bed.js';
import { runPython } from '../helpers/pytorch.js';
import { readerConformance } from './reader-conformance.js';

/** ../shared/data beside the repository (DESIGN.md); tests run from dist/test/io. */
const DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));

const fixtures = fileURLToPath(new URL('../../../test/fixtures/io/', import.meta.url));
const yeast = `${DATA}/yeast_chrIV_pho4`;
const tmp = mkdtempSync(join(tmpdir(), 'strand-bed-'));

function writeTemp(name: string, contents: string | Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, contents);
  return path;
}

readerConformance({
  name: 'BED',
  fileName: 'x.bed',
  kind: 'text',
  read: (path) => readBed(path),
  valid: 'track name=x\nchr1\t0\t10\ta\t0\t+\nchr2\t5\t7\tb\t3.5\t-\n',
  empty: { value: [] },
  malformed: [
    { contents: 'chr1\t10\t20\nchr1\t100\t99x\n', line: 2, field: 'end' },
    { contents: 'chr1\t10\t20\nchr1\t100\t99\n', line: 2, field: 'end' },
    { contents: '# header\nchr1\t-1\t20\n', line: 2, field: 'start' },
    { contents: 'chr1\t10\t20\t.\t0\t*\n', line: 1, field: 'strand' },
    { contents: 'chr1\t1\t2\nchr1\t1\n', line: 2, field: 'end' },
    { contents: 'chr1\t1\t2\t.\tlots\t+\n', line: 1, field: 'score' },
  ],
});

readerConformance({
  name: 'narrowPeak',
  fileName: 'x.narrowPeak',
  kind: 'text',
  read: (path) => readBed(path),
  valid: 'chr1\t100\t200\tp\t0\t.\t1\t2\t3\t50\n',
  empty: { value: [] },
  malformed: [
    { contents: 'chr1\t100\t200\tp\t0\t.\t1\t2\t3\t100\n', line: 1, field: 'peak' },
    { contents: 'chr1\t100\t200\tp\t0\t.\t1\t2\tNaNx\t5\n', line: 1, field: 'qValue' },
    { contents: 'chr1\t100\t200\tp\t0\t.\t1\t2\t3\n', line: 1, field: 'peak' },
  ],
});

test('narrowPeak fixture: hand-written values, track/browser/comment/blank lines skipped', async () => {
  const records = await readBed(join(fixtures, 'peaks.narrowPeak'));
  assert.deepEqual(records, [
    { chrom: 'chr1', start: 100, end: 200, name: 'peak1', score: 500, strand: '.', signalValue: 12.5, pValue: 8.2, qValue: 6.1, peak: 50 },
    { chrom: 'chr1', start: 300, end: 450, score: 0, strand: '+', signalValue: 3, pValue: -1, qValue: -1, peak: -1 },
    { chrom: 'chr2', start: 0, end: 10, name: 'p3', score: 1000, strand: '-', signalValue: 10, pValue: 0.5, qValue: 2, peak: 9 },
  ]);
});

test('BED12 fixture: blocks and thick part', async () => {
  const records = await readBed(join(fixtures, 'genes.bed12'));
  assert.deepEqual(records[0], {
    chrom: 'chr1', start: 1000, end: 5000, name: 'tx1', score: 0, strand: '+', thickStart: 1200, thickEnd: 4900,
    itemRgb: '255,0,0', blockCount: 3, blockSizes: [500, 1000, 1500], blockStarts: [0, 1500, 2500],
  });
  assert.deepEqual(records[1]!.blockSizes, [10]);
  assert.equal(records.length, 2);
});

test('BED12 block errors name the field', async () => {
  const overlapping = writeTemp('overlap.bed', 'chr1\t0\t100\tx\t0\t+\t0\t100\t0\t2\t60,40,\t0,50,\n');
  await assert.rejects(readBed(overlapping), /line 1: blockStarts: expected ascending, non-overlapping blocks/);
  const short = writeTemp('short.bed', 'chr1\t0\t100\tx\t0\t+\t0\t100\t0\t2\t60,30,\t0,60,\n');
  await assert.rejects(readBed(short), /line 1: blockSizes: expected the last block to end at end \(100\), it ends at 90/);
  const count = writeTemp('count.bed', 'chr1\t0\t100\tx\t0\t+\t0\t100\t0\t3\t60,40,\t0,60,\n');
  await assert.rejects(readBed(count), /line 1: blockSizes: expected 3 comma-separated integers/);
});

test('error message format: file, line, field, problem', async () => {
  const path = writeTemp('peaks.bed', 'chr1\t1\t2\n'.repeat(11) + 'chr1\t100\t99x\n');
  await assert.rejects(readBed(path), (e: unknown) =>
    e instanceof FormatError && e.message === `${path}: line 12: end: expected an integer >= start (100), got '99x'`);
});

test('format option, extra columns, space-separated lines, 9-column broadPeak by extension', async () => {
  const extra = writeTemp('extra.bed', 'chr1\t0\t10\ta\t1\t+\tfoo\tbar\n');
  await assert.rejects(readBed(extra, { format: 'bed6' }), /line 1: columns: expected 6 tab-separated columns \(bed6\), got 8/);
  assert.deepEqual(await readBed(extra, { format: 'bed6', extraColumns: true }), [
    { chrom: 'chr1', start: 0, end: 10, name: 'a', score: 1, strand: '+', extra: ['foo', 'bar'] },
  ]);
  assert.deepEqual(await readBed(writeTemp('spaces.bed', 'chr1 5  9\n')), [{ chrom: 'chr1', start: 5, end: 9 }]);
  const broad = writeTemp('x.broadPeak.gz', gzipSync('chr3\t10\t20\t.\t0\t.\t4.5\t-1\t0.25\n'));
  assert.deepEqual(await readBed(broad), [
    { chrom: 'chr3', start: 10, end: 20, score: 0, strand: '.', signalValue: 4.5, pValue: -1, qValue: 0.25 },
  ]);
  // the same 9 columns without the extension are BED9, and the 9th column is then itemRgb
  await assert.rejects(readBed(writeTemp('nine.bed', 'chr3\t10\t20\t.\t0\t.\t4.5\t-1\t0.25\n')), /line 1: thickStart: expected an integer/);
});

test('streaming: iterateBed yields lazily and can stop early', async () => {
  const path = writeTemp('many.bed.gz', gzipSync(Array.from({ length: 5000 }, (_, i) => `chr1\t${i}\t${i + 1}\n`).join('')));
  let n = 0;
  for await (const r of iterateBed(path)) {
    assert.equal(r.start, n);
    if (++n === 10) break;
  }
  assert.equal(n, 10);
});

test('real data: Pho4 ChIP peaks (BED6, 17 rows) and sacCer3 BED12 (50 rows) equal a Python parse', async () => {
  const files = [`${yeast}/pho4_chip_bound_chrIV.bed`, `${yeast}/sacCer3_chrIV_50genes.annotation.bed12`];
  const expected = runPython<unknown[][][]>(`
import csv
result = []
for path in inputs['files']:
    rows = []
    for f in csv.reader(open(path), delimiter='\\t'):
        r = [f[0], int(f[1]), int(f[2]), f[3], float(f[4]), f[5]]
        if len(f) == 12:
            r += [int(f[6]), int(f[7]), int(f[9]), [int(x) for x in f[10].rstrip(',').split(',')], [int(x) for x in f[11].rstrip(',').split(',')]]
        rows.append(r)
    result.append(rows)
`, { files }, ['csv']);
  const peaks = await readBed(files[0]!);
  const genes = await readBed(files[1]!);
  assert.equal(peaks.length, 17); // README: 17 rows
  assert.equal(genes.length, 50); // README: 50 rows
  if (expected === null) return;
  const asRows = (records: typeof peaks) => records.map((r) => [
    r.chrom, r.start, r.end, r.name, r.score, r.strand,
    ...(r.blockCount === undefined ? [] : [r.thickStart, r.thickEnd, r.blockCount, r.blockSizes, r.blockStarts]),
  ]);
  assert.deepEqual(asRows(peaks), expected[0]);
  assert.deepEqual(asRows(genes), expected[1]);
});
