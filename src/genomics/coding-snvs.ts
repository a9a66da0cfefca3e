/**
 * Every possible single-nucleotide variant in the coding sequence of transcripts, classified
 * by its effect on the codon under the standard genetic code: the variant set a zero-shot
 * evaluation of a DNA language model scores.
 *
 * A transcript's coding sequence is its CDS pieces plus its stop-codon pieces (GTF keeps the
 * stop codon outside the CDS; GFF3 inside: their union is taken), joined in transcript order
 * (descending and reverse-complemented on the minus strand), so codons may span exons. The
 * phase of the 5'-most piece says how many bases precede the first complete codon; later
 * phases follow from the piece lengths and are not read.
 */
import { InputError } from '../core/errors.js';
import { translateCodon } from './genetic-code.js';
import { reverseComplement } from './reverse-complement.js';

/** A transcript's coding parts, 0-based half-open (what `readAnnotation` gives per transcript). */
export interface CodingTranscript {
  id: string;
  geneId: string;
  chrom: string;
  /** '+' or '-'; transcripts on another strand are skipped. */
  strand: string;
  cds: readonly { start: number; end: number; phase?: 0 | 1 | 2 | undefined }[];
  stopCodons?: readonly { start: number; end: number }[];
}

/** Chromosome sequences by name, or a function returning the bases of `[start, end)`. */
export type GenomeSequences = ReadonlyMap<string, string> | Readonly<Record<string, string>> | ((chrom: string, start: number, end: number) => string);

/**
 * synonymous: same amino acid (a stop to another stop included); missense: another amino acid;
 * nonsense: an amino acid to a stop; stop-lost: a stop to an amino acid; start-lost: any change
 * of an ATG first codon of a CDS that starts at phase 0.
 */
export type CodingSnvClass = 'synonymous' | 'missense' | 'nonsense' | 'stop-lost' | 'start-lost';

export const CODING_SNV_CLASSES: readonly CodingSnvClass[] = ['synonymous', 'missense', 'nonsense', 'stop-lost', 'start-lost'];

export interface CodingSnv {
  chrom: string;
  /** 0-based genomic position. */
  pos: number;
  /** Reference and alternative base on the genome's forward strand, upper case. */
  ref: string;
  alt: string;
  gene: string;
  transcript: string;
  /** 0-based codon of the transcript, counted from the first complete codon. */
  codonIndex: number;
  /** 0, 1 or 2: the variant's place in its codon. */
  codonPosition: number;
  class: CodingSnvClass;
  /** One-letter amino acids, '*' for a stop. */
  refAa: string;
  altAa: string;
}

export type SkipReason = 'strand' | 'no-cds' | 'length-not-multiple-of-3' | 'internal-stop' | 'non-acgt-base';

export interface CodingSnvResult {
  /** Transcripts in input order, then codons 5' to 3', positions in the codon, alt in A, C, G, T order. */
  snvs: CodingSnv[];
  /** Transcripts whose variants are listed. */
  transcripts: number;
  skipped: { transcript: string; reason: SkipReason }[];
}

/**
 * All 3 alternatives at every coding base of each transcript. A position covered by several
 * transcripts appears once per transcript. Skipped (and listed in `skipped`): transcripts not
 * on '+' or '-', without CDS, whose coding length after the leading phase is not a multiple of 3,
 * with a stop codon before the last codon, or with a base other than A/C/G/T.
 */
export function enumerateCodingSnvs(transcripts: readonly CodingTranscript[], genome: GenomeSequences): CodingSnvResult {
  const fetch = sequenceFetcher(genome);
  const result: CodingSnvResult = { snvs: [], transcripts: 0, skipped: [] };
  for (const t of transcripts) {
    const coding = assembleCoding(t, fetch);
    if (typeof coding === 'string') {
      result.skipped.push({ transcript: t.id, reason: coding });
      continue;
    }
    result.transcripts++;
    pushSnvs(t, coding, result.snvs);
  }
  return result;
}

/** Number of variants in each class (every class present, possibly 0). */
export function countCodingSnvClasses(snvs: readonly CodingSnv[]): Record<CodingSnvClass, number> {
  const counts = Object.fromEntries(CODING_SNV_CLASSES.map((c) => [c, 0])) as Record<CodingSnvClass, number>;
  for (const s of snvs) counts[s.class]++;
  return counts;
}

interface Coding {
  /** Coding bases in transcript orientation, from the first complete codon. */
  bases: string;
  /** Genomic position of each of `bases`. */
  positions: Int32Array;
  startsWithStartCodon: boolean;
}

function assembleCoding(t: CodingTranscript, fetch: (chrom: string, start: number, end: number) => string): Coding | SkipReason {
  if (t.strand !== '+' && t.strand !== '-') return 'strand';
  if (t.cds.length === 0) return 'no-cds';
  const minus = t.strand === '-';
  const pieces = mergeSpans([...t.cds, ...(t.stopCodons ?? [])]);
  if (minus) pieces.reverse();
  const first = minus ? t.cds.reduce((a, b) => (b.end > a.end ? b : a)) : t.cds.reduce((a, b) => (b.start < a.start ? b : a));
  const phase = first.phase ?? 0;
  const parts: string[] = [];
  const positions: number[] = [];
  for (const { start, end } of pieces) {
    const seq = fetch(t.chrom, start, end).toUpperCase();
    if (seq.length !== end - start) throw new InputError(`${t.chrom}:${start}-${end} of transcript '${t.id}' lies outside the sequence (${seq.length} of ${end - start} bases)`);
    parts.push(minus ? reverseComplement(seq) : seq);
    for (let j = 0; j < end - start; j++) positions.push(minus ? end - 1 - j : start + j);
  }
  const bases = parts.join('').slice(phase);
  if (bases.length === 0 || bases.length % 3 !== 0) return 'length-not-multiple-of-3';
  if (/[^ACGT]/.test(bases)) return 'non-acgt-base';
  for (let c = 0; c + 3 < bases.length; c += 3) if (translateCodon(bases.slice(c, c + 3)) === '*') return 'internal-stop';
  return { bases, positions: Int32Array.from(positions.slice(phase)), startsWithStartCodon: phase === 0 && bases.startsWith('ATG') };
}

const COMPLEMENT: Readonly<Record<string, string>> = { A: 'T', C: 'G', G: 'C', T: 'A' };

function pushSnvs(t: CodingTranscript, coding: Coding, out: CodingSnv[]): void {
  const { bases, positions } = coding;
  const minus = t.strand === '-';
  for (let c = 0; c < bases.length / 3; c++) {
    const codon = bases.slice(3 * c, 3 * c + 3);
    const refAa = translateCodon(codon);
    for (let j = 0; j < 3; j++) {
      const ref = codon[j]!;
      for (const forwardAlt of 'ACGT') {
        const alt = minus ? COMPLEMENT[forwardAlt]! : forwardAlt;
        if (alt === ref) continue;
        const altAa = translateCodon(codon.slice(0, j) + alt + codon.slice(j + 1));
        out.push({
          chrom: t.chrom,
          pos: positions[3 * c + j]!,
          ref: minus ? COMPLEMENT[ref]! : ref,
          alt: forwardAlt,
          gene: t.geneId,
          transcript: t.id,
          codonIndex: c,
          codonPosition: j,
          class: c === 0 && coding.startsWithStartCodon ? 'start-lost' : classify(refAa, altAa),
          refAa,
          altAa,
        });
      }
    }
  }
}

function classify(refAa: string, altAa: string): CodingSnvClass {
  if (refAa === altAa) return 'synonymous';
  if (refAa === '*') return 'stop-lost';
  return altAa === '*' ? 'nonsense' : 'missense';
}

/** Union of spans, sorted by start; overlapping or touching spans become one. */
function mergeSpans(spans: readonly { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

function sequenceFetcher(genome: GenomeSequences): (chrom: string, start: number, end: number) => string {
  if (typeof genome === 'function') return genome;
  const get = genome instanceof Map ? (chrom: string) => genome.get(chrom) : (chrom: string) => (genome as Readonly<Record<string, string>>)[chrom];
  return (chrom, start, end) => {
    const seq = get(chrom);
    if (seq === undefined) throw new InputError(`no sequence for chromosome '${chrom}'`);
    return seq.slice(start, end);
  };
}
