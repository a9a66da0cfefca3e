import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { FormatError, InputError } from '../../src/core/errors.js';
import { alleleKind, iterateVcf, openIndexedVcf, readVcf, readVcfHeader, splitAlleles } from '../../src/io/vcf.js';
import { runPython } from '../helpers/pytorch.js';
import { readerConformance } from './reader-conformance.js';

/** ../shared/data beside the repository (DESIGN.md); tests run from dist/test/io. */
const DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));

const chr20 = `${DATA}/human_chr20_1mb_1kgp3/z.vcf.gz`;
const giab = `${DATA}/human_chr22_giab_na12878_tiny/NA12878.chr22.tiny.giab.vcf.gz`;
const tmp = mkdtempSync(join(tmpdir(), 'strand-vcf-'));

const HEADER = [
  '##fileformat=VCFv4.2',
  '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
  '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
  '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP">',
  '##contig=<ID=chr1,length=1000>',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
].join('\n');
const record = (pos: string, ref = 'A', alt = 'G', info = 'DP=3') => `chr1\t${pos}\t.\t${ref}\t${alt}\t50\tPASS\t${info}`;

readerConformance({
  name: 'VCF',
  fileName: 'x.vcf',
  kind: 'text',
  read: (path) => readVcf(path, { strictInfo: true }),
  valid: `${HEADER}\n${record('5')}\n${record('9', 'AC', 'A,ACT', 'DP=4;AF=0.1,0.2;DB')}\n`,
  empty: 'error',
  malformed: [
    { contents: `${HEADER}\n${record('5')}\n${record('0')}\n`, line: 8, field: 'POS' },
    { contents: `${HEADER}\n${record('5x')}\n`, line: 7, field: 'POS' },
    { contents: `${HEADER}\n${record('5', 'AXC')}\n`, line: 7, field: 'REF' },
    { contents: `${HEADER}\n${record('5', 'A', 'G,')}\n`, line: 7, field: 'ALT' },
    { contents: `${HEADER}\n${record('5', 'A', 'G', 'DP=many')}\n`, line: 7, field: 'INFO/DP' },
    { contents: `${HEADER}\nchr1\t5\t.\tA\tG\t50\tPASS\n`, line: 7, field: 'columns' },
    { contents: `${HEADER}\nchr1\t5\t.\tA\tG\thigh\tPASS\t.\n`, line: 7, field: 'QUAL' },
    { contents: `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n${record('5')}\n`, line: 1, field: 'fileformat' },
    { contents: `##fileformat=VCFv4.2\n${record('5')}\n`, line: 2, field: 'header' },
    { contents: '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\n', line: 2, field: 'header' },
  ],
});

test('hand-made VCF: 0-based start, REF span, typed INFO, multi-allelic split with Number=A', async () => {
  const path = join(tmp, 'hand.vcf');
  writeFileSync(path, `${HEADER}\n${record('5')}\nchr1\t9\trs1;rs2\tAC\tA,ACT\t.\tq10;s50\tDP=4;AF=0.1,0.2;DB\n`);
  const { header, records } = await readVcf(path);
  assert.equal(header.fileformat, 'VCFv4.2');
  assert.deepEqual(header.samples, []);
  assert.deepEqual(header.contigs, [{ id: 'chr1', length: 1000 }]);
  assert.equal(header.info.AF!.Number, 'A');
  assert.deepEqual(records[0], { chrom: 'chr1', start: 4, end: 5, ids: [], ref: 'A', alts: ['G'], qual: 50, filter: ['PASS'], info: { DP: [3] }, line: 7 });
  const r = records[1]!;
  assert.deepEqual([r.start, r.end, r.ids, r.qual, r.filter], [8, 10, ['rs1', 'rs2'], undefined, ['q10', 's50']]);
  assert.deepEqual(r.info, { DP: [4], AF: [0.1, 0.2], DB: true });
  const split = splitAlleles(r, header);
  assert.deepEqual(split.map((a) => [a.alts, a.altIndex, a.info.AF, a.info.DP]), [[['A'], 1, [0.1], [4]], [['ACT'], 2, [0.2], [4]]]);
});

test('alleleKind: hand cases', () => {
  const cases: [string, string, string][] = [
    ['A', 'G', 'snv'], ['AT', 'GT', 'snv'], ['AC', 'GT', 'mnp'], ['A', 'AT', 'insertion'], ['AT', 'A', 'deletion'],
    ['ACG', 'AT', 'complex'], ['A', '<DEL>', 'symbolic'], ['A', '*', 'spanning-deletion'], ['G', 'G]17:198982]', 'breakend'],
    ['T', '.T', 'breakend'],
  ];
  for (const [ref, alt, kind] of cases) assert.equal(alleleKind(ref, alt), kind, `${ref}>${alt}`);
});

test('chr20 1kGP: 28,998 records equal a Python parse of the same file; README category counts', async () => {
  const records: [string, number, number, string, string[], string[], number | null, string[], unknown][] = [];
  let snvSites = 0, symbolic = 0, multiallelic = 0, alleles = 0;
  for await (const r of iterateVcf(chr20)) {
    records.push([r.chrom, r.start, r.end, r.ref, r.alts, r.ids, r.qual ?? null, r.filter, r.info.AF]);
    if (r.alts.some((a) => alleleKind(r.ref, a) === 'symbolic')) symbolic++;
    else if (r.ref.length === 1 && r.alts.every((a) => alleleKind(r.ref, a) === 'snv')) snvSites++;
    if (r.alts.length > 1) multiallelic++;
    alleles += splitAlleles(r).length;
  }
  // README: 28,998 records; 28,097 SNV sites; 24 symbolic SVs; 138 multiallelic sites
  assert.deepEqual([records.length, snvSites, symbolic, multiallelic], [28998, 28097, 24, 138]);
  const expected = runPython<unknown[][]>(`
import gzip
result = []
for line in gzip.open(inputs['path'], 'rt'):
    if line.startswith('#'):
        continue
    f = line.rstrip('\\n').split('\\t')
    pos = int(f[1])
    info = dict(kv.split('=', 1) if '=' in kv else (kv, True) for kv in f[7].split(';'))
    af = [float(x) for x in info['AF'].split(',')] if 'AF' in info else None
    result.append([f[0], pos - 1, pos - 1 + len(f[3]), f[3], f[4].split(','), [] if f[2] == '.' else f[2].split(';'),
                   None if f[5] == '.' else float(f[5]), [] if f[6] == '.' else f[6].split(';'), af])
`, { path: chr20 }, ['gzip']);
  if (expected !== null) {
    assert.equal(alleles, expected.reduce((n, r) => n + (r[4] as string[]).length, 0));
    assert.deepEqual(records, expected);
  }
});

test('chr20 tabix region query equals the README pysam count and a Python overlap count', async () => {
  const vcf = await openIndexedVcf(chr20);
  try {
    assert.deepEqual(await vcf.chromosomes(), ['z']);
    assert.equal(vcf.header.contigs.find((c) => c.id === '20')?.length, 63025520); // README: b37 contig lines kept
    const region = await vcf.query('z', 500000, 600000);
    assert.equal(region.length, 2305); // README: pysam fetch('z', 500000, 600000)
    const expected = runPython<{ count: number; first: [number, string, string[]] }>(`
import gzip
hits = []
for line in gzip.open(inputs['path'], 'rt'):
    if line.startswith('#'):
        continue
    f = line.split('\\t')
    start = int(f[1]) - 1
    info = dict(kv.split('=', 1) for kv in f[7].split(';') if '=' in kv)
    end = int(info['END']) if 'END' in info else start + len(f[3])
    if start < 600000 and end > 500000:
        hits.append([start, f[3], f[4].split(',')])
result = {'count': len(hits), 'first': hits[0]}
`, { path: chr20 }, ['gzip']);
    if (expected !== null) {
      assert.equal(region.length, expected.count);
      assert.deepEqual([region[0]!.start, region[0]!.ref, region[0]!.alts], expected.first);
    }
    assert.deepEqual(await vcf.query('chrUn', 0, 100), []);
    await assert.rejects(vcf.query('z', 10, 5), InputError);
  } finally {
    await vcf.close();
  }
});

test('GIAB NA12878: 14 heterozygous SNVs with genotypes; header-only read', async () => {
  const header = await readVcfHeader(giab);
  assert.deepEqual(header.samples, ['NA12878']);
  assert.equal(header.fileformat, 'VCFv4.1');
  const { records } = await readVcf(giab, { genotypes: true });
  assert.equal(records.length, 14);
  // allalts is declared Integer but holds the ALT allele: kept as written unless strictInfo
  assert.deepEqual(records[0]!.info.allalts, ['C']);
  assert.deepEqual([records[0]!.info.DPSum, records[0]!.info.PL454WG], [[824], ['353', '0', '389']]); // Integer and String per header
  await assert.rejects(readVcf(giab, { strictInfo: true }), /line 76: INFO\/allalts: expected Integer values/);
  assert.ok(records.every((r) => r.chrom === 'q' && r.alts.length === 1 && alleleKind(r.ref, r.alts[0]!) === 'snv'));
  assert.ok(records.every((r) => r.genotypes?.NA12878 === '0/1' && r.filter[0] === 'PASS'));
  // first data line of the file: q 186 . T C 11488 PASS ...
  assert.deepEqual([records[0]!.start, records[0]!.ref, records[0]!.alts, records[0]!.qual], [185, 'T', ['C'], 11488]);
  const indexed = await openIndexedVcf(giab, { genotypes: true });
  const all = await indexed.query('q', 0, 12356);
  await indexed.close();
  assert.deepEqual(all, records.map(({ line: _line, ...rest }) => rest)); // region records carry no line numbers
});

test('indexed VCF: missing index -> InputError; plain text with an index path -> FormatError', async () => {
  const path = join(tmp, 'noindex.vcf.gz');
  writeFileSync(path, 'not really');
  await assert.rejects(openIndexedVcf(path), (e: unknown) => e instanceof InputError && /no tabix index found/.test(e.message));
  writeFileSync(`${path}.tbi`, 'not an index either');
  await assert.rejects(openIndexedVcf(path), (e: unknown) => e instanceof FormatError && e.file === path);
  await assert.rejects(openIndexedVcf(join(tmp, 'absent.vcf.gz')), (e: unknown) => e instanceof InputError && /no such file/.test(e.message));
});
