/**
 * Regression tests for the reader bugs the fuzzer found (test/fuzz/, `make fuzz`), each with
 * the smallest input that showed it. Before the fixes these ended in a native abort, an
 * unhandled rejection, a raw RangeError / URIError / Error, or a 10-second stall.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FormatError } from '../../src/core/errors.js';
import { openBigWig } from '../../src/io/bigwig.js';
import { openGenome } from '../../src/io/genome.js';
import { readAnnotation } from '../../src/io/gff.js';
import { OpenFile } from '../../src/io/open-file.js';
import { writeTwoBit } from '../../src/io/twobit-writer.js';
import { openIndexedVcf } from '../../src/io/vcf.js';
import { tempDir } from '../data/genomic-fixtures.js';
import { writeBigWig } from '../io/bigwig-writer.js';
import { data } from './seed-files.js';

const tmp = tempDir('strand-fuzz-regressions-');
after(() => tmp.remove());
let counter = 0;
const write = (name: string, bytes: Uint8Array | string): string => {
  const path = join(tmp.dir, `${counter++}-${name}`);
  writeFileSync(path, bytes);
  return path;
};

/** A FormatError naming `file` (and, when given, the field). */
const formatErrorNaming = (file: string, field?: string) => (e: unknown): boolean => {
  assert.ok(e instanceof FormatError, `expected a FormatError, got ${String(e)}`);
  assert.ok(e.message.includes(file), e.message);
  if (field !== undefined) assert.equal(e.field, field);
  return true;
};

test('OpenFile: a read of over 2 GiB asked by a corrupt header returns the bytes the file has (it aborted Node)', async () => {
  const path = write('small.bin', Uint8Array.from([1, 2, 3, 4, 5]));
  const file = new OpenFile(path);
  try {
    assert.deepEqual([...(await file.read(2 ** 31 + 5, 1))], [2, 3, 4, 5]);
    assert.equal((await file.read(10, 1e6)).length, 0);
    await assert.rejects(file.read(4, 2 ** 64), formatErrorNaming(path));
    await assert.rejects(file.read(4, -1), formatErrorNaming(path));
  } finally {
    await file.close();
  }
});

function smallBigWig(): { bytes: Uint8Array; tree: number } {
  const bytes = writeBigWig({ chroms: [{ name: 'chrIV', size: 5000 }], sections: [{ chrom: 'chrIV', type: 'bedGraph', items: [[10, 20, 1.5]] }] });
  return { bytes, tree: Number(new DataView(bytes.buffer).getBigUint64(8, true)) };
}

test('bigWig: a chromosome tree key size of 2^31 is a FormatError (it aborted Node in fs.read)', async () => {
  const { bytes, tree } = smallBigWig();
  new DataView(bytes.buffer).setUint32(tree + 8, 0x80000000, true);
  const path = write('key-size.bw', bytes);
  await assert.rejects(openBigWig(path), formatErrorNaming(path));
});

test('bigWig: a chromosome tree node cut short is a FormatError (it was an unhandled RangeError inside @gmod/bbi)', async () => {
  const { bytes, tree } = smallBigWig();
  const view = new DataView(bytes.buffer);
  view.setUint8(tree + 32, 0); // the root leaf becomes an inner node whose children lie past the end
  view.setUint16(tree + 34, 200, true);
  const path = write('inner.bw', bytes);
  let unhandled: unknown;
  const onUnhandled = (e: unknown) => (unhandled = e);
  process.on('unhandledRejection', onUnhandled);
  try {
    await assert.rejects(openBigWig(path), formatErrorNaming(path));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(unhandled, undefined);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('bigWig: a chromosome tree node pointing at itself is a FormatError, not endless recursion', async () => {
  const { bytes, tree } = smallBigWig();
  const view = new DataView(bytes.buffer);
  const keySize = view.getUint32(tree + 8, true);
  view.setUint8(tree + 32, 0); // inner node with one child: itself
  view.setUint16(tree + 34, 1, true);
  view.setBigUint64(tree + 36 + keySize, BigInt(tree + 32), true);
  const path = write('cycle.bw', bytes);
  await assert.rejects(openBigWig(path), formatErrorNaming(path));
});

test('2bit: a sequence count of 2^23 (an index read of 2.2 GB) is a FormatError naming the file (it aborted Node in fs.read)', async () => {
  const path = join(tmp.dir, `${counter++}-one.2bit`);
  writeTwoBit(path, [{ name: 'chrA', sequence: 'ACGTNNacgt' }]);
  const bytes = new Uint8Array(readFileSync(path));
  new DataView(bytes.buffer).setUint32(8, 0x00800000, true); // header: signature, version, sequenceCount
  writeFileSync(path, bytes);
  await assert.rejects(openGenome(path), formatErrorNaming(path, 'header'));
});

/** The shared bgzip FASTA copied with its indexes, the .gzi replaced by `gzi` when given. */
function bgzipFasta(gzi?: Uint8Array, fasta?: Uint8Array): string {
  const base = data('human_chr20_1mb_1kgp3/z.fa.gz');
  const path = join(tmp.dir, `${counter++}-z.fa.gz`);
  if (fasta === undefined) copyFileSync(base, path);
  else writeFileSync(path, fasta);
  copyFileSync(`${base}.fai`, `${path}.fai`);
  if (gzi === undefined) copyFileSync(`${base}.gzi`, `${path}.gzi`);
  else writeFileSync(`${path}.gzi`, gzi);
  return path;
}

test('bgzip FASTA: a .gzi whose entry count is 2^40 is a FormatError naming the file (it was a RangeError)', async () => {
  const gzi = new Uint8Array(8);
  new DataView(gzi.buffer).setBigUint64(0, 2n ** 40n, true);
  const path = bgzipFasta(gzi);
  const genome = await openGenome(path);
  try {
    await assert.rejects(genome.fetch('z', 0, 100), formatErrorNaming(path, "record 'z'"));
  } finally {
    await genome.close();
  }
});

test('bgzip FASTA: a damaged deflate block is a FormatError naming the file (it was a bare Error from the wasm inflater)', async () => {
  const bytes = new Uint8Array(readFileSync(data('human_chr20_1mb_1kgp3/z.fa.gz')));
  for (let i = 100; i < 140; i++) bytes[i] = 0xff;
  const path = bgzipFasta(undefined, bytes);
  const genome = await openGenome(path);
  try {
    await assert.rejects(genome.fetch('z', 0, 100), formatErrorNaming(path));
  } finally {
    await genome.close();
  }
});

test('bgzip FASTA: a block whose stored length says 1.9 GB is a FormatError at once (the inflater spent 20 s on it)', async () => {
  const bytes = new Uint8Array(readFileSync(data('human_chr20_1mb_1kgp3/z.fa.gz')));
  const view = new DataView(bytes.buffer);
  const firstBlockEnd = view.getUint16(16, true) + 1; // BGZF BSIZE = block size - 1
  view.setUint32(firstBlockEnd - 4, 1940562332, true);
  const path = bgzipFasta(undefined, bytes);
  const genome = await openGenome(path);
  const started = Date.now();
  try {
    await assert.rejects(genome.fetch('z', 0, 300), formatErrorNaming(path));
    assert.ok(Date.now() - started < 2000);
  } finally {
    await genome.close();
  }
});

test('tabix VCF: an index whose gzip length field is damaged is a FormatError naming the index, at once (it stalled 10 s)', async () => {
  const base = data('human_chr22_giab_na12878_tiny/NA12878.chr22.tiny.giab.vcf.gz');
  const path = join(tmp.dir, `${counter++}-giab.vcf.gz`);
  copyFileSync(base, path);
  const tbi = new Uint8Array(readFileSync(`${base}.tbi`));
  // the first member's ISIZE (its last 4 bytes) says 2^31 bytes
  const firstMemberEnd = new DataView(tbi.buffer).getUint16(16, true) + 1; // BGZF BSIZE = member size - 1
  new DataView(tbi.buffer).setUint32(firstMemberEnd - 4, 0x80000000, true);
  writeFileSync(`${path}.tbi`, tbi);
  const started = Date.now();
  await assert.rejects(openIndexedVcf(path), (e: unknown) => formatErrorNaming(path)(e) && (e as Error).message.includes(`${path}.tbi`));
  assert.ok(Date.now() - started < 2000);
});

test('tabix VCF: a data block whose stored length is damaged is a FormatError at once (the inflater spent 17 s on it)', async () => {
  const base = data('human_chr22_giab_na12878_tiny/NA12878.chr22.tiny.giab.vcf.gz');
  const bytes = new Uint8Array(readFileSync(base));
  const view = new DataView(bytes.buffer);
  view.setUint32(view.getUint16(16, true) + 1 - 4, 0x7fff0000, true); // the first block's ISIZE
  const path = join(tmp.dir, `${counter++}-giab.vcf.gz`);
  writeFileSync(path, bytes);
  copyFileSync(`${base}.tbi`, `${path}.tbi`);
  const started = Date.now();
  await assert.rejects(openIndexedVcf(path), formatErrorNaming(path));
  assert.ok(Date.now() - started < 2000);
});

test('GFF3: a malformed percent escape in the attributes is a FormatError at its line (it was a URIError)', async () => {
  const path = write('bad.gff3', '##gff-version 3\nchrI\tsgd\tgene\t1\t100\t.\t+\t.\tID=g1;Name=a%E2%82\n');
  await assert.rejects(readAnnotation(path), (e: unknown) => formatErrorNaming(path, 'attributes')(e) && (e as FormatError).line === 2);
});
