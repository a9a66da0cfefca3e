import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRegion } from '../../src/genomics/intervals.js';
import { assembleAltWindow, checkReference, isWindowPlan, planVariantWindows, type VariantAllele } from '../../src/genomics/variant-windows.js';

//                0123456789abcd
const CHR1 = 'ACGTACGTTGCAAC';

/** The two windows, read off CHR1 with the plan (as the scorer does). */
function windows(allele: VariantAllele, length: number): { ref: string; alt: string } | string {
  const plan = planVariantWindows(allele, length, CHR1.length);
  if (!isWindowPlan(plan)) return plan.kind;
  const mismatch = checkReference(allele, CHR1.slice(plan.refAllele.start, plan.refAllele.end));
  if (mismatch) return mismatch.kind;
  const bytes = (s: { start: number; end: number }) => Buffer.from(CHR1.slice(s.start, s.end), 'latin1');
  const alt = new Uint8Array(length);
  assembleAltWindow(bytes(plan.altLeft), allele.alt, bytes(plan.altRight), alt, 0);
  return { ref: CHR1.slice(plan.ref.start, plan.ref.end), alt: Buffer.from(alt).toString('latin1') };
}

test('SNV: both windows centred on the variant, differing at index floor(L/2) only', () => {
  assert.deepEqual(windows({ chrom: 'chr1', start: 6, ref: 'G', alt: 'A' }, 5), { ref: 'ACGTT', alt: 'ACATT' });
  assert.deepEqual(windows({ chrom: 'chr1', start: 6, ref: 'G', alt: 'A' }, 6), { ref: 'TACGTT', alt: 'TACATT' });
  assert.deepEqual(windows({ chrom: 'chr1', start: 6, ref: 'g', alt: 'c' }, 4), { ref: 'ACGT', alt: 'ACcT' });
});

test('MNV, deletion and insertion: each window centred on its own allele, flanks filled from the genome', () => {
  assert.deepEqual(windows({ chrom: 'chr1', start: 6, ref: 'GT', alt: 'CA' }, 6), { ref: 'ACGTTG', alt: 'ACCATG' });
  // deletion GTT -> G at POS 7: REF window CGTTG, ALT window AC + G + GC
  assert.deepEqual(windows({ chrom: 'chr1', start: 6, ref: 'GTT', alt: 'G' }, 5), { ref: 'CGTTG', alt: 'ACGGC' });
  // insertion C -> CAAA at POS 6
  assert.deepEqual(windows({ chrom: 'chr1', start: 5, ref: 'C', alt: 'CAAA' }, 6), { ref: 'GTACGT', alt: 'ACAAAG' });
  // ALT as long as the window: the window is the ALT allele
  assert.deepEqual(windows({ chrom: 'chr1', start: 5, ref: 'C', alt: 'CAAAA' }, 5), { ref: 'TACGT', alt: 'CAAAA' });
});

test('problems: REF mismatch, chromosome ends, missing chromosome, symbolic / breakend / * / no ALT, too long', () => {
  assert.equal(windows({ chrom: 'chr1', start: 6, ref: 'T', alt: 'A' }, 5), 'ref-mismatch');
  assert.deepEqual(windows({ chrom: 'chr1', start: 6, ref: 'N', alt: 'A' }, 5), { ref: 'ACGTT', alt: 'ACATT' }); // REF N matches any base
  assert.equal(windows({ chrom: 'chr1', start: 1, ref: 'C', alt: 'A' }, 5), 'chromosome-end');
  assert.deepEqual(windows({ chrom: 'chr1', start: 2, ref: 'G', alt: 'A' }, 5), { ref: 'ACGTA', alt: 'ACATA' }); // first full window
  assert.equal(windows({ chrom: 'chr1', start: 12, ref: 'A', alt: 'C' }, 5), 'chromosome-end');
  assert.deepEqual(windows({ chrom: 'chr1', start: 11, ref: 'A', alt: 'C' }, 5), { ref: 'GCAAC', alt: 'GCCAC' }); // last full window
  // a deletion's ALT window reaches further left than its REF window
  assert.deepEqual(windows({ chrom: 'chr1', start: 2, ref: 'GTACG', alt: 'G' }, 5), { ref: 'GTACG', alt: 'ACGTT' });
  assert.equal(windows({ chrom: 'chr1', start: 1, ref: 'CGTAC', alt: 'C' }, 5), 'chromosome-end'); // REF window [1, 6) fits, ALT's left flank does not
  const plan = planVariantWindows({ chrom: 'chr2', start: 6, ref: 'G', alt: 'A' }, 5, undefined);
  assert.ok(!isWindowPlan(plan) && plan.kind === 'missing-chromosome' && plan.message.includes("'chr2'"));
  for (const [alt, kind] of [['<DEL>', 'symbolic'], ['*', 'spanning-deletion'], ['G]chr1:5]', 'breakend'], ['.', 'no-alt'], ['', 'no-alt'], ['AAAAAA', 'too-long']]) {
    assert.equal(windows({ chrom: 'chr1', start: 6, ref: 'G', alt: alt! }, 5), kind, alt);
  }
  const mismatch = checkReference({ chrom: 'chr1', start: 6, ref: 'T', alt: 'A' }, 'G');
  assert.equal(mismatch?.message, "REF 'T' does not match the genome 'G' at chr1:7");
});

test('parseRegion: samtools-style 1-based inclusive regions', () => {
  assert.deepEqual(parseRegion('chr1'), { chrom: 'chr1', start: 0 });
  assert.deepEqual(parseRegion('chr1:1,001-2,000'), { chrom: 'chr1', start: 1000, end: 2000 });
  assert.deepEqual(parseRegion('z:5'), { chrom: 'z', start: 4 });
  assert.throws(() => parseRegion('chr1:0-5'), /start must be an integer >= 1/);
  assert.throws(() => parseRegion('chr1:10-5'), /end must be an integer >= start/);
  assert.throws(() => parseRegion('chr1:a-b'), /cannot be parsed/);
});
