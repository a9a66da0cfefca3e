/**
 * Genome readers on the real files in ../shared/data, against their READMEs (lengths, base
 * counts, md5 of the uncompressed FASTA, first bases, the Pho4 E-box in every peak) and
 * against Python reading the same files with the standard library (gzip, plain text).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TwoBitFile } from '@gmod/twobit';
import { Random } from '../../src/data/random.js';
import { openGenome, type Genome, type GenomeInterval } from '../../src/io/genome.js';
import { writeTwoBit } from '../../src/io/twobit-writer.js';
import { runPython } from '../helpers/pytorch.js';

const DATA = '/work/shared/data';
const Q_FA = join(DATA, 'human_chr22_giab_na12878_tiny/q.fa');
const Z_FA_GZ = join(DATA, 'human_chr20_1mb_1kgp3/z.fa.gz');
const YEAST = join(DATA, 'yeast_chrIV_pho4/sacCer3_chrIV.fa.gz');
const PEAKS = join(DATA, 'yeast_chrIV_pho4/pho4_chip_bound_chrIV.bed');
const skip = existsSync(DATA) ? false : 'shared data not present';

const tmp = mkdtempSync(join(tmpdir(), 'strand-genome-real-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Random windows (lengths 1..2000) plus windows across 60- and 80-column line ends and the record ends. */
function windowsFor(chrom: string, length: number, seed: number): GenomeInterval[] {
  const random = new Random(seed);
  const windows: GenomeInterval[] = [];
  for (let i = 0; i < 120; i++) {
    const start = random.int(length - 1);
    windows.push({ chrom, start, end: Math.min(length, start + 1 + random.int(2000)) });
  }
  for (const w of [60, 80]) windows.push({ chrom, start: 10 * w - 1, end: 10 * w + 1 }, { chrom, start: 3 * w, end: 5 * w });
  windows.push({ chrom, start: 0, end: 1 }, { chrom, start: length - 1, end: length }, { chrom, start: length - 1000, end: length });
  return windows;
}

/** Python's slices of the (decompressed) FASTA text for the windows. */
function pythonWindows(path: string, windows: GenomeInterval[]): string[] | null {
  return runPython<string[]>(
    `
import gzip
raw = open(inputs['path'], 'rb').read()
if raw[:2] == b'\\x1f\\x8b':
    raw = gzip.decompress(raw)
seqs, name = {}, None
for line in raw.decode('ascii').splitlines():
    if line.startswith('>'):
        name = line[1:].split()[0]
        seqs[name] = []
    elif name is not None:
        seqs[name].append(line.strip())
seqs = {k: ''.join(v) for k, v in seqs.items()}
result = [seqs[w['chrom']][w['start']:w['end']] for w in inputs['windows']]
`,
    { path, windows },
    ['gzip'],
  );
}

function ascii(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

async function assertWindowsMatchPython(genome: Genome, path: string, chrom: string, seed: number): Promise<void> {
  const windows = windowsFor(chrom, genome.chromosomes().get(chrom)!, seed);
  const want = pythonWindows(path, windows);
  if (want === null) return;
  const got = ascii(await genome.fetchWindows(windows));
  assert.equal(got, want.join(''));
  for (const [i, w] of windows.slice(0, 30).entries()) assert.equal(await genome.fetch(w.chrom, w.start, w.end), want[i]);
}

function md5OfFasta(name: string, seq: string, width: number): string {
  const hash = createHash('md5').update(`>${name}\n`);
  for (let i = 0; i < seq.length; i += width) hash.update(`${seq.slice(i, i + width)}\n`);
  return hash.digest('hex');
}

function baseCounts(seq: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of seq) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

test('q.fa (plain FASTA + .fai): README base counts; windows equal Python', { skip }, async () => {
  const g = await openGenome(Q_FA);
  assert.equal(g.format, 'fasta');
  assert.deepEqual([...g.chromosomes()], [['q', 12356]]);
  assert.deepEqual(baseCounts(await g.fetch('q', 0, 12356)), { A: 3891, T: 3156, C: 2794, G: 2515 });
  await assertWindowsMatchPython(g, Q_FA, 'q', 1);
  await g.close();
});

test('z.fa.gz (BGZF + .fai + .gzi): README md5, counts, first bases; windows equal Python', { skip }, async () => {
  const g = await openGenome(Z_FA_GZ);
  assert.equal(g.format, 'fasta-bgzip');
  assert.deepEqual([...g.chromosomes()], [['z', 1_000_000]]);
  assert.equal(await g.fetch('z', 0, 20), 'TGGGAGAGAACTGGAACAAG');
  const seq = await g.fetch('z', 0, 1_000_000);
  assert.deepEqual(baseCounts(seq), { A: 277_591, T: 275_117, C: 223_968, G: 223_324 });
  assert.equal(md5OfFasta('z', seq, 80), 'ed954c44f183650dc68d0dce35a09b74');
  await assertWindowsMatchPython(g, Z_FA_GZ, 'z', 2);
  await g.close();

  // the same file without its indexes is read whole into memory, with the same content
  copyFileSync(Z_FA_GZ, join(tmp, 'z-alone.fa.gz'));
  const m = await openGenome(join(tmp, 'z-alone.fa.gz'));
  assert.equal(m.format, 'fasta-gzip');
  assert.equal(await m.fetch('z', 0, 1_000_000), seq);
  await m.close();
});

test('sacCer3 chrIV (plain gzip, in memory): README length and md5; all 17 Pho4 peaks contain CACGTG', { skip }, async () => {
  const g = await openGenome(YEAST);
  assert.equal(g.format, 'fasta-gzip');
  assert.deepEqual([...g.chromosomes()], [['chrIV', 1_531_933]]);
  // the README says 80-column lines, but the file holds the chromosome on one line (checked with awk)
  assert.equal(md5OfFasta('chrIV', await g.fetch('chrIV', 0, 1_531_933), 1_531_933), '5fd0f9bdcba195961106e92229d65460');

  const peaks = readFileSync(PEAKS, 'utf8').trim().split('\n').map((line) => {
    const [chrom, start, end] = line.split('\t');
    return { chrom: chrom!, start: Number(start), end: Number(end) };
  });
  assert.equal(peaks.length, 17);
  const bytes = await g.fetchWindows(peaks);
  let at = 0;
  for (const p of peaks) {
    const seq = ascii(bytes.subarray(at, at + p.end - p.start));
    at += p.end - p.start;
    assert.ok(seq.includes('CACGTG'), `${p.chrom}:${p.start}-${p.end} lacks CACGTG`);
  }
  await assertWindowsMatchPython(g, YEAST, 'chrIV', 3);
  await g.close();
});

test('sacCer3 chrIV through 2bit: written by Strand, read by Strand and @gmod/twobit, equal to the FASTA', { skip }, async () => {
  const fasta = await openGenome(YEAST);
  const seq = await fasta.fetch('chrIV', 0, 1_531_933);
  const path = join(tmp, 'chrIV.2bit');
  writeTwoBit(path, [{ name: 'chrIV', sequence: seq }]);
  const g = await openGenome(path);
  assert.equal(g.format, '2bit');
  assert.equal(await g.fetch('chrIV', 0, 1_531_933), seq);
  const gmod = new TwoBitFile({ path });
  const windows = windowsFor('chrIV', seq.length, 4);
  const ours = ascii(await g.fetchWindows(windows));
  let theirs = '';
  for (const w of windows) theirs += await gmod.getSequence(w.chrom, w.start, w.end);
  assert.equal(ours, theirs);
  await assertWindowsMatchPython(g, YEAST, 'chrIV', 5);
  await g.close();
  await fasta.close();
});
