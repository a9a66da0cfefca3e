/**
 * Genome readers on generated fixtures: the same known sequences as plain FASTA (LF and CRLF),
 * gzip FASTA, BGZF FASTA (+ .fai, .gzi written by Python) and 2bit (written by Python, and by
 * Strand's writer, which must produce the same bytes); the .fai builder against a hand-computed
 * index and pyfaidx; bad input.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { TwoBitFile } from '@gmod/twobit';
import { FormatError, InputError } from '../../src/core/errors.js';
import { Random } from '../../src/data/random.js';
import { writeFaiAtomically } from '../../src/io/fasta-index.js';
import { openGenome, type Genome } from '../../src/io/genome.js';
import { writeTwoBit } from '../../src/io/twobit-writer.js';
import { runPython } from '../helpers/pytorch.js';
import { genomeReaderCases } from './genome-conformance.js';
import { asTwoBit, fastaText, randomSequence, writeBgzipWithPython, writeTwoBitWithPython, type Records } from './genome-fixtures.js';
import { readerConformance } from './reader-conformance.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/genome/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'strand-genome-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
/** A fresh folder holding `files` (name -> contents). */
function folder(files: Record<string, string | Uint8Array>): string {
  const dir = join(tmp, String(dirs++));
  mkdirSync(dir);
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
  return dir;
}

const random = new Random(2024);
const RECORDS: Records = [
  ['chrA', randomSequence(random, 1000)],
  ['chrB', randomSequence(random, 333)],
  ['chrC', randomSequence(random, 240)],
  ['chrD', randomSequence(random, 50)],
  ['chrE', 'g'],
  ['chrZ', ''],
];
const WIDTHS = [60, 7, 80, 50, 60, 60];
const TEXT = fastaText(RECORDS, WIDTHS);
const TWOBIT_RECORDS: Records = RECORDS.map(([n, s]) => [n, asTwoBit(s)]);

const plainDir = folder({ 'g.fa': TEXT });
const crlfDir = folder({ 'g.fa': fastaText(RECORDS, WIDTHS, '\r\n') });
const gzipDir = folder({ 'g.fa.gz': gzipSync(TEXT) });
const bgzfDir = folder({});
const haveBgzf = writeBgzipWithPython(join(bgzfDir, 'g.fa.gz'), TEXT, 500);
const twoBitDir = folder({});
const haveTwoBit = writeTwoBitWithPython(join(twoBitDir, 'g.2bit'), TWOBIT_RECORDS);

genomeReaderCases({ name: 'plain FASTA', open: () => openGenome(join(plainDir, 'g.fa')), expectedFormat: 'fasta', records: RECORDS, lineWidths: WIDTHS, sync: true });
genomeReaderCases({ name: 'CRLF FASTA', open: () => openGenome(join(crlfDir, 'g.fa')), expectedFormat: 'fasta', records: RECORDS, lineWidths: WIDTHS, sync: true });
genomeReaderCases({ name: 'gzip FASTA (in memory)', open: () => openGenome(join(gzipDir, 'g.fa.gz')), expectedFormat: 'fasta-gzip', records: RECORDS, lineWidths: WIDTHS, sync: true });
if (haveBgzf) {
  genomeReaderCases({ name: 'BGZF FASTA', open: () => openGenome(join(bgzfDir, 'g.fa.gz')), expectedFormat: 'fasta-bgzip', records: RECORDS, lineWidths: WIDTHS, sync: false });
}
if (haveTwoBit) {
  genomeReaderCases({ name: '2bit (Python writer)', open: () => openGenome(join(twoBitDir, 'g.2bit')), expectedFormat: '2bit', records: TWOBIT_RECORDS, sync: true });
}

async function readAll(path: string): Promise<Record<string, string>> {
  const g = await openGenome(path);
  try {
    const out: Record<string, string> = {};
    for (const [name, length] of g.chromosomes()) out[name] = await g.fetch(name, 0, length);
    return out;
  } finally {
    await g.close();
  }
}

readerConformance({
  name: 'FASTA genome',
  fileName: 'x.fa',
  kind: 'text',
  read: readAll,
  valid: '>s1 one\nACGTN\nacg\n>s2\nTTTT\n',
  empty: 'error',
  malformed: [
    // a shorter line that is not the record's last line (samtools: "Different line length")
    { contents: '>a\nACGT\nACGT\n>b\nACGT\nAC\nACGT\n', line: 6, field: "record 'b'" },
    // a line longer than the record's first line
    { contents: '>a\nACGT\nACGTA\n', line: 3, field: "record 'a'" },
    // a blank line inside the sequence
    { contents: '>a\nACGT\n\nACGT\n', line: 3, field: "record 'a'" },
    { contents: 'ACGT\n>a\nACGT\n', line: 1, field: undefined },
    { contents: '>a\nAC\n> x\nAC\n', line: 3, field: 'name' },
    { contents: '>a\nAC\n>a\nAC\n', line: 3, field: 'name' },
  ],
});

if (haveTwoBit) {
  const valid = readFileSync(join(twoBitDir, 'g.2bit'));
  // chrA's record starts after the header and index; its first N block start is at offset + 12.
  const badBlock = Buffer.from(valid);
  const indexOffsetOfChrA = 16 + 1 + 4;
  const chrA = badBlock.readUInt32LE(indexOffsetOfChrA);
  assert.ok(badBlock.readUInt32LE(chrA + 4) > 0, 'fixture chrA has N blocks');
  badBlock.writeUInt32LE(5000, chrA + 8); // N block start past the 1000-base sequence
  readerConformance({
    name: '2bit genome',
    fileName: 'x.2bit',
    kind: 'binary',
    read: readAll,
    valid,
    empty: 'error',
    malformed: [{ contents: badBlock, line: undefined, field: "record 'chrA'" }],
  });
}

test('2bit writer: same bytes as the Python writer; @gmod/twobit reads it back', async (t) => {
  if (!haveTwoBit) return t.skip('python3 not available');
  const path = join(folder({}), 'strand.2bit');
  writeTwoBit(path, RECORDS.map(([name, sequence]) => ({ name, sequence })));
  assert.deepEqual(readFileSync(path), readFileSync(join(twoBitDir, 'g.2bit')));
  const gmod = new TwoBitFile({ path });
  for (const [name, seq] of TWOBIT_RECORDS) {
    // @gmod/twobit lower-cases whole N blocks that touch a mask block, so compare upper case here
    assert.equal(((await gmod.getSequence(name, 0, seq.length)) ?? '').toUpperCase(), seq.toUpperCase(), name);
  }
  assert.throws(() => writeTwoBit(join(tmp, 'bad.2bit'), [{ name: 'x', sequence: 'AC-GT' }]), InputError);
  assert.throws(() => writeTwoBit(join(tmp, 'bad.2bit'), [{ name: 'x', sequence: 'A' }, { name: 'x', sequence: 'C' }]), InputError);
  assert.ok(!existsSync(join(tmp, 'bad.2bit')));
});

test('.fai built for a hand-written FASTA equals the hand-computed index; content as written', async () => {
  const dir = folder({});
  copyFileSync(join(fixtures, 'mixed.fa'), join(dir, 'mixed.fa'));
  const g = await openGenome(join(dir, 'mixed.fa'));
  assert.equal(readFileSync(join(dir, 'mixed.fa.fai'), 'utf8'), readFileSync(join(fixtures, 'mixed.fa.fai.expected'), 'utf8'));
  assert.deepEqual(readdirSync(dir).sort(), ['mixed.fa', 'mixed.fa.fai'], 'no temporary files left');
  assert.equal(await g.fetch('chr1', 0, 32), 'ACGTACGTACGTACGTACGTacgtnNNNACGT');
  assert.equal(await g.fetch('chr1', 18, 26), 'GTacgtnN');
  assert.equal(await g.fetch('chr2', 14, 27), 'TTRYKMSWBDHVN');
  assert.equal(await g.fetch('chrM', 3, 7), 'TACG');
  await g.close();
});

test('.fai built for the generated FASTA equals the one pyfaidx builds', async (t) => {
  const ours = folder({ 'g.fa': TEXT });
  const theirs = folder({ 'g.fa': TEXT });
  const fai = runPython<string>(`pyfaidx.Faidx(inputs['path']); result = open(inputs['path'] + '.fai').read()`, { path: join(theirs, 'g.fa') }, ['pyfaidx']);
  if (fai === null) return t.skip('pyfaidx not available');
  await (await openGenome(join(ours, 'g.fa'))).close();
  assert.equal(readFileSync(join(ours, 'g.fa.fai'), 'utf8'), fai);
});

test('windows across line breaks equal pyfaidx slices', async (t) => {
  const dir = folder({ 'g.fa': TEXT });
  const windows: [string, number, number][] = [['chrA', 59, 61], ['chrA', 0, 1000], ['chrA', 119, 361], ['chrB', 6, 8], ['chrB', 13, 300], ['chrC', 79, 161], ['chrD', 10, 50]];
  const want = runPython<string[]>(
    `fa = pyfaidx.Fasta(inputs['path'], as_raw=True)\nresult = [fa[c][s:e] for c, s, e in inputs['windows']]`,
    { path: join(dir, 'g.fa'), windows },
    ['pyfaidx'],
  );
  if (want === null) return t.skip('pyfaidx not available');
  rmSync(join(dir, 'g.fa.fai'));
  const g = await openGenome(join(dir, 'g.fa'));
  for (const [i, [c, s, e]] of windows.entries()) assert.equal(await g.fetch(c, s, e), want[i], `${c}:${s}-${e}`);
  await g.close();
});

test('writeIndex: false keeps the index in memory; an existing .fai is used as it is', async () => {
  const dir = folder({ 'g.fa': TEXT });
  const g = await openGenome(join(dir, 'g.fa'), { writeIndex: false });
  assert.equal(await g.fetch('chrB', 5, 20), RECORDS[1]![1].slice(5, 20));
  assert.deepEqual(readdirSync(dir), ['g.fa']);
  await g.close();
  // an index listing only chrB (offset from the hand-computable layout: header lines are '>name test record')
  const chrBOffset = TEXT.indexOf('>chrB test record\n') + '>chrB test record\n'.length;
  writeFileSync(join(dir, 'g.fa.fai'), `chrB\t333\t${chrBOffset}\t7\t8\n`);
  const h = await openGenome(join(dir, 'g.fa'));
  assert.deepEqual([...h.chromosomes()], [['chrB', 333]]);
  assert.equal(await h.fetch('chrB', 0, 333), RECORDS[1]![1]);
  await h.close();
});

test('the .fai of a read-only folder is kept in memory', { skip: process.getuid?.() === 0 ? 'running as root: folders are always writable' : false }, async () => {
  const dir = folder({ 'g.fa': TEXT });
  chmodSync(dir, 0o555);
  try {
    const g = await openGenome(join(dir, 'g.fa'));
    assert.equal(await g.fetch('chrA', 100, 200), RECORDS[0]![1].slice(100, 200));
    assert.deepEqual(readdirSync(dir), ['g.fa']);
    await g.close();
  } finally {
    chmodSync(dir, 0o755);
  }
});

test('writeFaiAtomically returns false and leaves nothing in a folder it cannot write', (t) => {
  // as root every ordinary folder is writable; sysfs still refuses new files
  const dir = process.getuid?.() === 0 ? '/sys' : folder({});
  if (dir !== '/sys') chmodSync(dir, 0o555);
  try {
    writeFileSync(join(dir, '.strand-probe'), '');
    rmSync(join(dir, '.strand-probe'));
    return t.skip(`${dir} is writable here`);
  } catch (error) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes((error as NodeJS.ErrnoException).code ?? '')) return t.skip(`${dir}: ${(error as Error).message}`);
  }
  assert.equal(writeFaiAtomically(join(dir, 'g.fa.fai'), [{ name: 'a', length: 4, offset: 3, lineBases: 4, lineBytes: 5 }]), false);
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('g.fa.fai')));
  if (dir !== '/sys') chmodSync(dir, 0o755);
});

function formatError(file: string, line: number | undefined, field: string | undefined, pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.equal(e.line, line);
    assert.equal(e.field, field);
    assert.match(e.message, pattern);
    return true;
  };
}

test('bad .fai lines: FormatError naming the index, line and field', async () => {
  const cases: [string, number, string | undefined, RegExp][] = [
    ['chrA\t1000\t18\t60\n', 1, undefined, /expected 5 tab-separated fields/],
    ['chrA\t1000\t18\t60\t61\nchrB\tlots\t1\t7\t8\n', 2, 'length', /non-negative integer, got 'lots'/],
    ['chrA\t1000\t18\t0\t1\n', 1, 'lineBases', /must be positive/],
    ['chrA\t1000\t18\t60\t60\n', 1, 'lineBytes', /must exceed line bases/],
    ['chrA\t10\t18\t60\t61\nchrA\t10\t18\t60\t61\n', 2, 'name', /duplicate sequence name 'chrA'/],
    ['chrA\t1000000\t18\t60\t61\n', 1, 'offset', /extends past the end of the FASTA.*delete it to rebuild/],
  ];
  for (const [fai, line, field, pattern] of cases) {
    const dir = folder({ 'g.fa': TEXT, 'g.fa.fai': fai });
    await assert.rejects(openGenome(join(dir, 'g.fa')), formatError(join(dir, 'g.fa.fai'), line, field, pattern));
  }
});

test('a .fai that does not match its FASTA is caught when reading across a line end', async () => {
  // right names and lengths, wrong line width (as if the FASTA were chrA rewrapped to 59 columns after indexing)
  const dir = folder({ 'g.fa': fastaText(RECORDS, [59, ...WIDTHS.slice(1)]), 'g.fa.fai': readFileSync(join(plainDir, 'g.fa.fai')) });
  const g = await openGenome(join(dir, 'g.fa'));
  await assert.rejects(g.fetch('chrA', 0, 200), formatError(join(dir, 'g.fa'), undefined, "record 'chrA'", /does not match its index/));
  await g.close();
});

test('inconsistent line lengths name the file, line and record', async () => {
  const dir = folder({ 'g.fa': '>ok\nACGTACGT\nACG\n>chr7 bad one\nACGTAC\nACGTAC\nACG\nACGTAC\nA\n' });
  await assert.rejects(openGenome(join(dir, 'g.fa')), formatError(join(dir, 'g.fa'), 7, "record 'chr7'", /inconsistent line lengths/));
  assert.ok(!existsSync(join(dir, 'g.fa.fai')), 'no index written for a bad file');
});

test('gzip FASTA larger than maxInMemoryBytes: InputError that says to bgzip it', async () => {
  const dir = folder({ 'g.fa.gz': gzipSync(TEXT) });
  await assert.rejects(openGenome(join(dir, 'g.fa.gz'), { maxInMemoryBytes: 100 }), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /bgzip/);
    assert.match(e.message, /samtools faidx/);
    return true;
  });
});

test('missing genome, folder, big-endian 2bit', async () => {
  await assert.rejects(openGenome(join(tmp, 'nope.fa')), (e: unknown) => e instanceof InputError && e.message.includes(join(tmp, 'nope.fa')));
  await assert.rejects(openGenome(tmp), InputError);
  const dir = folder({ 'be.2bit': Buffer.from([0x1a, 0x41, 0x27, 0x43, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) });
  await assert.rejects(openGenome(join(dir, 'be.2bit')), /big-endian/);
});

test('unknown chromosome error lists a few names and suggests the chr-prefixed twin', async () => {
  const dir = folder({ 'g.fa': fastaText([['chr1', 'ACGT'], ['chr2', 'AC'], ['chr3', 'A'], ['chr4', 'A'], ['chr5', 'A'], ['chr6', 'A']], 60) });
  const g: Genome = await openGenome(join(dir, 'g.fa'));
  await assert.rejects(g.fetch('1', 0, 1), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /unknown chromosome '1'.*6 chromosomes: chr1, chr2, chr3, chr4, chr5, \.\.\.\).*did you mean 'chr1'/);
    return true;
  });
  await g.close();
});

test('chromosomes keep file order, also for integer-like names (FASTA and 2bit)', async () => {
  const records: Records = [['10', 'ACGT'], ['2', 'AC'], ['X', 'G'], ['1', 'TT']];
  const dir = folder({ 'g.fa': fastaText(records, 60) });
  writeTwoBit(join(dir, 'g.2bit'), records.map(([name, sequence]) => ({ name, sequence })));
  for (const file of ['g.fa', 'g.2bit']) {
    const g = await openGenome(join(dir, file));
    assert.deepEqual([...g.chromosomes()], [['10', 4], ['2', 2], ['X', 1], ['1', 2]], file);
    assert.equal(await g.fetch('2', 0, 2), 'AC');
    await g.close();
  }
});
