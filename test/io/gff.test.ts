import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { iterateAnnotation, readAnnotation } from '../../src/io/gff.js';
import { readBed } from '../../src/io/bed.js';
import { runPython } from '../helpers/pytorch.js';
import { readerConformance } from './reader-conformance.js';

/** ../shared/data beside the repository (DESIGN.md); tests run from dist/test/io. */
const DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));

const fixtures = fileURLToPath(new URL('../../../test/fixtures/io/', import.meta.url));
const yeastGtf = `${DATA}/yeast_chrIV_pho4/sacCer3_chrIV_50genes.annotation.gtf`;
const yeastBed12 = `${DATA}/yeast_chrIV_pho4/sacCer3_chrIV_50genes.annotation.bed12`;
const tmp = mkdtempSync(join(tmpdir(), 'strand-gff-'));

const gtfLine = (type: string, start: number, end: number, strand = '+', attrs = 'gene_id "g1"; transcript_id "t1";') =>
  `chr1\tsrc\t${type}\t${start}\t${end}\t.\t${strand}\t.\t${attrs}`;

readerConformance({
  name: 'GTF',
  fileName: 'x.gtf',
  kind: 'text',
  read: (path) => readAnnotation(path),
  valid: [gtfLine('transcript', 10, 100), gtfLine('exon', 10, 40), gtfLine('exon', 60, 100)].join('\n') + '\n',
  empty: { value: { genes: [], transcripts: [] } },
  malformed: [
    { contents: `${gtfLine('transcript', 10, 100)}\n${gtfLine('exon', 50, 40)}\n`, line: 2, field: 'end' },
    { contents: `${gtfLine('transcript', 0, 100)}\n`, line: 1, field: 'start' },
    { contents: `${gtfLine('exon', 10, 40, '*')}\n`, line: 1, field: 'strand' },
    { contents: `# comment\n${gtfLine('exon', 10, 40, '+', 'gene_id "g1";')}\n`, line: 2, field: 'attributes' },
    { contents: `${gtfLine('exon', 10, 40, '+', 'gene_id "g1"; transcript_id "t1"; junk')}\n`, line: 1, field: 'attributes' },
    { contents: `${gtfLine('exon', 10, 40)}\n${gtfLine('exon', 60, 90, '-')}\n`, line: 2, field: 'strand' },
    { contents: `${gtfLine('transcript', 10, 50)}\n${gtfLine('exon', 40, 60)}\n`, line: 2, field: 'end' },
    { contents: 'chr1\tsrc\texon\t10\t40\t.\t+\n', line: 1, field: 'columns' },
  ],
});

readerConformance({
  name: 'GFF3',
  fileName: 'x.gff3',
  kind: 'text',
  read: (path) => readAnnotation(path),
  valid: '##gff-version 3\nc\ts\tgene\t1\t90\t.\t-\t.\tID=g\nc\ts\tmRNA\t1\t90\t.\t-\t.\tID=t;Parent=g\nc\ts\texon\t1\t90\t.\t-\t.\tParent=t\n',
  empty: { value: { genes: [], transcripts: [] } },
  malformed: [
    { contents: '##gff-version 3\nc\ts\tgene\t1\t90\t.\t-\t.\tID=g\nc\ts\tmRNA\t1\t90\t.\t-\t.\tID=t;Parent=gx\n', line: 3, field: 'attributes' },
    { contents: '##gff-version 3\nc\ts\tCDS\t1\t90\t.\t-\t3\tID=c\n', line: 2, field: 'phase' },
    { contents: '##gff-version 3\nc\ts\tgene\t1\t90\thigh\t-\t.\tID=g\n', line: 2, field: 'score' },
  ],
});

test('GFF3 fixture: hand-computed genes, transcripts, exons, CDS, TSS (0-based); ##FASTA ends the features', async () => {
  const a = await readAnnotation(join(fixtures, 'genes.gff3'));
  assert.deepEqual(a.genes, [
    { id: 'gene1', name: 'EDEN;1', chrom: 'ctg1', start: 999, end: 9000, strand: '+', transcriptIds: ['mrna1', 'mrna2'] },
    { id: 'gene2', chrom: 'ctg2', start: 199, end: 300, strand: '-', transcriptIds: ['nc1'] },
  ]);
  assert.deepEqual(a.transcripts, [
    {
      id: 'mrna1', geneId: 'gene1', name: 'EDEN.1', type: 'mRNA', chrom: 'ctg1', start: 1049, end: 9000, strand: '+',
      exons: [{ start: 1049, end: 1500 }, { start: 2999, end: 3902 }, { start: 4999, end: 5500 }],
      cds: [{ start: 1200, end: 1500, phase: 0 }, { start: 2999, end: 3902, phase: 0 }], stopCodons: [], tss: 1049,
    },
    {
      id: 'mrna2', geneId: 'gene1', type: 'mRNA', chrom: 'ctg1', start: 1049, end: 3902, strand: '+',
      exons: [{ start: 1049, end: 1500 }, { start: 2999, end: 3902 }], cds: [], stopCodons: [], tss: 1049,
    },
    {
      id: 'nc1', geneId: 'gene2', type: 'ncRNA', chrom: 'ctg2', start: 199, end: 300, strand: '-',
      exons: [{ start: 199, end: 300 }], cds: [], stopCodons: [], tss: 299,
    },
  ]);
  let n = 0;
  for await (const f of iterateAnnotation(join(fixtures, 'genes.gff3'))) n += f.type === 'exon' ? 1 : 0;
  assert.equal(n, 5);
});

test('GTF without transcript or gene lines: extents from exons; minus-strand TSS is end - 1', async () => {
  const path = join(tmp, 'bare.gtf');
  writeFileSync(path, [
    gtfLine('exon', 101, 200, '-', 'gene_id "g1"; transcript_id "t1"; gene_name "ABC";'),
    gtfLine('exon', 301, 400, '-', 'gene_id "g1"; transcript_id "t1";'),
    gtfLine('exon', 351, 450, '-', 'gene_id "g1"; transcript_id "t2";'),
  ].join('\n'));
  const a = await readAnnotation(path);
  assert.deepEqual(a.genes, [{ id: 'g1', name: 'ABC', chrom: 'chr1', start: 100, end: 450, strand: '-', transcriptIds: ['t1', 't2'] }]);
  assert.deepEqual(a.transcripts.map((t) => [t.id, t.start, t.end, t.tss, t.exons.length]), [['t1', 100, 400, 399, 2], ['t2', 350, 450, 449, 1]]);
});

test('yeast chrIV GTF: counts and every TSS equal a Python parse of the same file', async () => {
  const a = await readAnnotation(yeastGtf);
  const exons = a.transcripts.reduce((n, t) => n + t.exons.length, 0);
  const cds = a.transcripts.reduce((n, t) => n + t.cds.length, 0);
  // README: 885 transcript, 924 exon, 870 CDS lines. (Its "50 genes" is the BED12 beside it:
  // the GTF has 885 distinct gene_id values, one transcript each.)
  assert.deepEqual([a.transcripts.length, exons, cds], [885, 924, 870]);
  const expected = runPython<{ genes: number; tss: [string, string, number][] }>(`
import re
genes, tss = set(), []
for line in open(inputs['path']):
    f = line.rstrip('\\n').split('\\t')
    if len(f) < 9:
        continue
    genes.add(re.search(r'gene_id "([^"]+)"', f[8]).group(1))
    if f[2] == 'transcript':
        tid = re.search(r'transcript_id "([^"]+)"', f[8]).group(1)
        start1, end1 = int(f[3]), int(f[4])
        tss.append([tid, f[6], start1 - 1 if f[6] == '+' else end1 - 1])
result = {'genes': len(genes), 'tss': tss}
`, { path: yeastGtf }, ['re']);
  if (expected !== null) {
    assert.equal(a.genes.length, expected.genes);
    assert.deepEqual(a.transcripts.map((t) => [t.id, t.strand, t.tss]), expected.tss);
  }
  // a few by hand from the file: YDL248W_mRNA transcript 1802-2953 on +, YDL200C_mRNA 100501-101067 on -
  const byId = new Map(a.transcripts.map((t) => [t.id, t]));
  assert.equal(byId.get('YDL248W_mRNA')!.tss, 1801);
  assert.equal(byId.get('YDL200C_mRNA')!.tss, 101066);
  // CDS 100504-101067 phase 0 and stop_codon 100501-100503 on the minus strand
  assert.deepEqual(byId.get('YDL200C_mRNA')!.cds, [{ start: 100503, end: 101067, phase: 0 }]);
  assert.deepEqual(byId.get('YDL200C_mRNA')!.stopCodons, [{ start: 100500, end: 100503 }]);
  assert.deepEqual(byId.get('YDL219W_mRNA')!.cds.map((c) => c.phase), [0, 1]);
});

test('yeast chrIV GTF agrees with the BED12 of the same 50 genes: extents, strands, exon blocks', async () => {
  const a = await readAnnotation(yeastGtf);
  const byId = new Map(a.transcripts.map((t) => [t.id, t]));
  const rows = await readBed(yeastBed12);
  assert.equal(rows.length, 50);
  for (const row of rows) {
    const t = byId.get(row.name!);
    assert.ok(t, `${row.name} in the GTF`);
    assert.deepEqual([t.chrom, t.start, t.end, t.strand], [row.chrom, row.start, row.end, row.strand], row.name);
    const blocks = row.blockStarts!.map((s, i) => ({ start: row.start + s, end: row.start + s + row.blockSizes![i]! }));
    assert.deepEqual(t.exons, blocks, row.name);
  }
});
