import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { countCodingSnvClasses, enumerateCodingSnvs, type CodingSnv, type CodingTranscript } from '../../src/genomics/coding-snvs.js';
import { translateCodon } from '../../src/genomics/genetic-code.js';
import { readAnnotation } from '../../src/io/gff.js';
import { runPython } from '../helpers/pytorch.js';

/** ../shared/data beside the repository (DESIGN.md); tests run from dist/test/genomics. */
const DATA = fileURLToPath(new URL('../../../../shared/data/yeast_chrIV_pho4', import.meta.url));

test('standard genetic code: a few codons by hand', () => {
  assert.deepEqual(['ATG', 'TGG', 'TAA', 'TAG', 'TGA', 'ttt', 'GGN', 'AT'].map(translateCodon), ['M', 'W', '*', '*', '*', 'F', 'X', 'X']);
  assert.deepEqual(['CGA', 'AGG', 'ATA', 'GAC', 'CAG', 'TCT'].map(translateCodon), ['R', 'R', 'I', 'D', 'Q', 'S']);
});

// A minus-strand gene with two coding exons. Transcript orientation (mRNA):
//   exon 1: ATG TGG T | exon 2: TA GGC TAA      codons ATG TGG T|TA GGC TAA (TTA spans the junction)
// On the genome (forward strand) each exon is reverse-complemented, exon 2 lying left of exon 1:
//   0 CCCC | 4 TTA (stop) GCCTA | 12 GGGGGGGGGG (intron) | 22 ACCACAT | 29 CCCC
const GENOME = { c: 'CCCCTTAGCCTAGGGGGGGGGGACCACATCCCC' };
const gtfStyle: CodingTranscript = {
  id: 't1', geneId: 'g1', chrom: 'c', strand: '-',
  cds: [{ start: 7, end: 12, phase: 2 }, { start: 22, end: 29, phase: 0 }],
  stopCodons: [{ start: 4, end: 7 }],
};

function classesByCodon(snvs: readonly CodingSnv[]): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (const s of snvs) {
    const row = (out[s.codonIndex] ??= {});
    row[s.class] = (row[s.class] ?? 0) + 1;
  }
  return out;
}

test('two-exon minus-strand gene: every SNV classified as computed by hand, across the exon junction', () => {
  const r = enumerateCodingSnvs([gtfStyle], GENOME);
  assert.equal(r.transcripts, 1);
  assert.equal(r.snvs.length, 45);
  // ATG: every change loses the start. TGG (W): AGG CGG GGG TCG TTG TGC TGT missense, TAG TGA nonsense.
  // TTA (L): CTA TTG synonymous, TAA TGA nonsense, ATA GTA TCA TTC TTT missense.
  // GGC (G): GGA GGG GGT synonymous, the six first/second-base changes missense.
  // TAA: TGA TAG synonymous, the other seven lose the stop.
  assert.deepEqual(classesByCodon(r.snvs), [
    { 'start-lost': 9 },
    { missense: 7, nonsense: 2 },
    { synonymous: 2, nonsense: 2, missense: 5 },
    { synonymous: 3, missense: 6 },
    { synonymous: 2, 'stop-lost': 7 },
  ]);
  assert.deepEqual(countCodingSnvClasses(r.snvs), { synonymous: 7, missense: 18, nonsense: 4, 'stop-lost': 7, 'start-lost': 9 });
  for (const s of r.snvs) assert.equal(s.ref, GENOME.c[s.pos], `ref at ${s.pos}`);
  // the junction codon TTA: its first T is genome position 22 (A), its second T position 11 (A)
  const at = (pos: number, alt: string) => r.snvs.find((s) => s.pos === pos && s.alt === alt);
  assert.deepEqual(at(11, 'T'), {
    chrom: 'c', pos: 11, ref: 'A', alt: 'T', gene: 'g1', transcript: 't1', codonIndex: 2, codonPosition: 1, class: 'nonsense', refAa: 'L', altAa: '*',
  });
  assert.deepEqual([at(22, 'G')!.class, at(22, 'G')!.codonPosition, at(22, 'G')!.altAa], ['synonymous', 0, 'L']);
  assert.deepEqual([at(11, 'C')!.class, at(11, 'C')!.altAa], ['nonsense', '*']); // TTA -> TGA
  assert.deepEqual([at(10, 'C')!.codonIndex, at(10, 'C')!.codonPosition, at(10, 'C')!.class], [2, 2, 'synonymous']); // TTA -> TTG
  // GFF3 style (stop codon inside the CDS) and a sequence function give the same variants
  const gffStyle: CodingTranscript = { ...gtfStyle, cds: [{ start: 4, end: 12, phase: 2 }, { start: 22, end: 29, phase: 0 }], stopCodons: [] };
  assert.deepEqual(enumerateCodingSnvs([gffStyle], (_chrom, start, end) => GENOME.c.slice(start, end)).snvs, r.snvs);
});

test('phase of the first CDS piece skips bases before the first codon; bad transcripts are skipped and reported', () => {
  const genome = new Map([['c', 'GATGGCATAAC'], ['d', 'ATGTAAGCATAA'], ['e', 'ATGNNNTAA']]);
  const plus = (id: string, chrom: string, cds: CodingTranscript['cds'], strand = '+'): CodingTranscript => ({ id, geneId: id, chrom, strand, cds });
  const r = enumerateCodingSnvs([
    plus('phase1', 'c', [{ start: 0, end: 10, phase: 1 }]), // G | ATG GCA TAA
    plus('short', 'c', [{ start: 1, end: 9 }]),
    plus('internal', 'd', [{ start: 0, end: 12 }]), // ATG TAA GCA TAA
    plus('ambiguous', 'e', [{ start: 0, end: 9 }]),
    plus('unstranded', 'c', [{ start: 1, end: 10 }], '.'),
    plus('none', 'c', []),
  ], genome);
  assert.equal(r.transcripts, 1);
  assert.equal(r.snvs.length, 27);
  assert.deepEqual(r.snvs.filter((s) => s.codonIndex === 0).map((s) => [s.pos, s.class]), [1, 1, 1, 2, 2, 2, 3, 3, 3].map((p) => [p, 'missense']));
  // with phase 1 the CDS is 5'-incomplete: its first whole codon, although ATG, is not the start codon
  assert.deepEqual(r.skipped, [
    { transcript: 'short', reason: 'length-not-multiple-of-3' },
    { transcript: 'internal', reason: 'internal-stop' },
    { transcript: 'ambiguous', reason: 'non-acgt-base' },
    { transcript: 'unstranded', reason: 'strand' },
    { transcript: 'none', reason: 'no-cds' },
  ]);
  assert.throws(() => enumerateCodingSnvs([plus('x', 'chrZ', [{ start: 0, end: 3 }])], genome), /no sequence for chromosome 'chrZ'/);
  assert.throws(() => enumerateCodingSnvs([plus('x', 'c', [{ start: 9, end: 12 }])], genome), /outside the sequence/);
});

test('yeast chrIV: class counts of every SNV of two spliced genes agree with an independent Python computation', async () => {
  const annotation = await readAnnotation(`${DATA}/sacCer3_chrIV_50genes.annotation.gtf`);
  const fasta = gunzipSync(readFileSync(`${DATA}/sacCer3_chrIV.fa.gz`)).toString('latin1');
  const chrIV = fasta.slice(fasta.indexOf('\n') + 1).replace(/\n/g, '');
  const ids = ['YDL219W_mRNA', 'YDL125C_mRNA']; // + strand, CDS phases 0, 1; - strand, phases 0, 2
  const chosen = annotation.transcripts.filter((t) => ids.includes(t.id));
  const r = enumerateCodingSnvs(chosen, { chrIV });
  assert.deepEqual(r.skipped, []);
  const ours = Object.fromEntries(ids.map((id) => [id, countCodingSnvClasses(r.snvs.filter((s) => s.transcript === id))]));
  const expected = runPython<Record<string, Record<string, number>>>(`
import gzip, re
seq = ''.join(l.strip() for l in gzip.open(inputs['fasta'], 'rt') if not l.startswith('>'))
code = {
  'F': 'TTT TTC', 'L': 'TTA TTG CTT CTC CTA CTG', 'I': 'ATT ATC ATA', 'M': 'ATG', 'V': 'GTT GTC GTA GTG',
  'S': 'TCT TCC TCA TCG AGT AGC', 'P': 'CCT CCC CCA CCG', 'T': 'ACT ACC ACA ACG', 'A': 'GCT GCC GCA GCG',
  'Y': 'TAT TAC', '*': 'TAA TAG TGA', 'H': 'CAT CAC', 'Q': 'CAA CAG', 'N': 'AAT AAC', 'K': 'AAA AAG',
  'D': 'GAT GAC', 'E': 'GAA GAG', 'C': 'TGT TGC', 'W': 'TGG', 'R': 'CGT CGC CGA CGG AGA AGG', 'G': 'GGT GGC GGA GGG',
}
aa = {c: a for a, cs in code.items() for c in cs.split()}
comp = {'A': 'T', 'C': 'G', 'G': 'C', 'T': 'A'}
parts = {}
for line in open(inputs['gtf']):
    f = line.rstrip('\\n').split('\\t')
    tid = re.search(r'transcript_id "([^"]+)"', f[8]).group(1)
    if tid in inputs['ids'] and f[2] in ('CDS', 'stop_codon'):
        parts.setdefault(tid, []).append((int(f[3]) - 1, int(f[4]), f[6]))
result = {}
for tid, ps in parts.items():
    strand = ps[0][2]
    ps = sorted(ps, reverse=(strand == '-'))
    cds = ''
    for s, e, _ in ps:
        piece = seq[s:e].upper()
        cds += ''.join(comp[b] for b in reversed(piece)) if strand == '-' else piece
    assert len(cds) % 3 == 0 and cds.startswith('ATG')
    counts = {'synonymous': 0, 'missense': 0, 'nonsense': 0, 'stop-lost': 0, 'start-lost': 0}
    for i in range(len(cds)):
        c0 = i - i % 3
        codon = cds[c0:c0 + 3]
        for b in 'ACGT':
            if b == cds[i]:
                continue
            alt = codon[:i % 3] + b + codon[i % 3 + 1:]
            if c0 == 0: k = 'start-lost'
            elif aa[alt] == aa[codon]: k = 'synonymous'
            elif aa[codon] == '*': k = 'stop-lost'
            elif aa[alt] == '*': k = 'nonsense'
            else: k = 'missense'
            counts[k] += 1
    result[tid] = counts
`, { fasta: `${DATA}/sacCer3_chrIV.fa.gz`, gtf: `${DATA}/sacCer3_chrIV_50genes.annotation.gtf`, ids }, ['gzip', 're']);
  if (expected === null) return;
  assert.deepEqual(ours, expected);
  // sanity: 3 alternatives a coding base; YDL219W: CDS 65 + 385 bases and the 3-base stop
  assert.equal(r.snvs.filter((s) => s.transcript === 'YDL219W_mRNA').length, 3 * (65 + 385 + 3));
});
