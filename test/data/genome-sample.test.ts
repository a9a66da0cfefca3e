import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evenGenomeWindows } from '../../src/data/genome-sample.js';

test('even genome windows: the whole genome when small enough, else evenly spaced windows clipped at chromosome ends', () => {
  const sizes = new Map([['chr1', 100], ['chrE', 0], ['chr2', 50]]);
  assert.deepEqual(evenGenomeWindows(sizes, 150), [{ chrom: 'chr1', start: 0, end: 100 }, { chrom: 'chr2', start: 0, end: 50 }]);
  // 30 bases in windows of 10: 3 windows of 10 at 0, 50, 100 of the 150 concatenated bases
  assert.deepEqual(evenGenomeWindows(sizes, 30, 10), [
    { chrom: 'chr1', start: 0, end: 10 },
    { chrom: 'chr1', start: 50, end: 60 },
    { chrom: 'chr2', start: 0, end: 10 },
  ]);
  // 25 bases in windows of 10: 3 windows of 8 at 0, 50, 100
  assert.deepEqual(evenGenomeWindows(sizes, 25, 10).map((w) => w.end - w.start), [8, 8, 8]);
  // 2 windows of 48 at 0 and 75: the second stops at the end of chr1 (100)
  assert.deepEqual(evenGenomeWindows(sizes, 96, 48), [{ chrom: 'chr1', start: 0, end: 48 }, { chrom: 'chr1', start: 75, end: 100 }]);
  assert.throws(() => evenGenomeWindows(sizes, 0), /bases to be a positive integer, got 0/);
});
