/**
 * The annotation class of every base of a stretch of a chromosome, from a GTF / GFF3's
 * transcripts: CDS (stop codons included), UTR (exon bases of coding transcripts outside the
 * CDS), non-coding exon, intron (inside a transcript, outside its exons) and intergenic. Where
 * transcripts overlap, the higher class wins in that order (CDS over UTR over ... intergenic).
 */
import type { Transcript } from '../io/gff.js';

/** Class names by code; a higher code wins where transcripts overlap. */
export const REGION_CLASSES = ['intergenic', 'intron', 'non-coding exon', 'UTR', 'CDS'] as const;
export type RegionClass = (typeof REGION_CLASSES)[number];

const CODE = { intergenic: 0, intron: 1, ncExon: 2, utr: 3, cds: 4 } as const;

/** Class codes (indexes of REGION_CLASSES) of bases [start, start + length) of `chrom`. */
export function regionClassesOf(transcripts: readonly Transcript[], chrom: string, start: number, length: number): Uint8Array {
  const codes = new Uint8Array(length);
  const end = start + length;
  const paint = (a: number, b: number, code: number) => {
    for (let i = Math.max(a, start); i < Math.min(b, end); i++) if (codes[i - start]! < code) codes[i - start] = code;
  };
  for (const t of transcripts) {
    if (t.chrom !== chrom || t.end <= start || t.start >= end) continue;
    paint(t.start, t.end, CODE.intron);
    const coding = t.cds.length > 0;
    for (const e of t.exons) paint(e.start, e.end, coding ? CODE.utr : CODE.ncExon);
    for (const c of t.cds) paint(c.start, c.end, CODE.cds);
    for (const s of t.stopCodons) paint(s.start, s.end, CODE.cds);
  }
  return codes;
}
