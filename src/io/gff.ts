/**
 * GTF (GTF2.2 / Ensembl / GENCODE style) and GFF3 annotation reader: feature lines, then
 * genes, transcripts, exons, CDS (with phase), stop codons and each transcript's TSS. Plain or gzip.
 *
 * Coordinates: GTF/GFF columns 4-5 are 1-based and inclusive; every record here is converted
 * to 0-based half-open: `start = column4 - 1`, `end = column5`.
 *
 * Checks on every line: 9 tab-separated columns, integer start >= 1, end >= start, strand
 * (`+ - . ?`), phase (`0 1 2 .`), score, and the attributes the gene model needs (GTF:
 * `gene_id`, plus `transcript_id` on every line but `gene`; GFF3: every `Parent` must be the
 * `ID` of a feature in the file). The first problem raises `FormatError(file, line, field)`
 * with field one of `columns seqid start end score strand phase attributes`.
 * GFF3 attributes are decoded with `@gmod/gff`'s parser (percent escapes, multiple values);
 * GTF attributes (`key "value";`) with a small parser here. A GFF3 `##FASTA` section ends the
 * features.
 */
import { util as gffUtil } from '@gmod/gff';
import { FormatError } from '../core/errors.js';
import { parseDecimal, parseInteger, quote } from './fields.js';
import { readTextLines } from './text-lines.js';

export type AnnotationFormat = 'gtf' | 'gff3';
export type Strand = '+' | '-' | '.' | '?';

/** One feature line. */
export interface AnnotationFeature {
  chrom: string;
  source: string;
  type: string;
  /** 0-based (column 4 minus 1). */
  start: number;
  /** 0-based exclusive (= column 5). */
  end: number;
  score: number | undefined;
  strand: Strand;
  phase: 0 | 1 | 2 | undefined;
  /** Attribute values by key, in file order; a key given several times or with commas (GFF3) has several values. */
  attributes: Record<string, string[]>;
  /** 1-based line number in the file. */
  line: number;
}

/** A 0-based half-open interval on the transcript's chromosome. */
export interface Span {
  start: number;
  end: number;
}

/** A CDS piece; `phase` (bases to skip from its 5' end to the next codon start) when the file gives one. */
export interface CdsSpan extends Span {
  phase?: 0 | 1 | 2;
}

export interface Transcript {
  id: string;
  geneId: string;
  /** GTF `transcript_name` / GFF3 `Name`, when present. */
  name?: string;
  /** Feature type of the transcript line (`transcript`, `mRNA`, `ncRNA`, ...), or `transcript` when GTF has no such line. */
  type: string;
  chrom: string;
  /** Extent: the transcript line's, or the span of its exons and other parts when there is none. */
  start: number;
  end: number;
  strand: Strand;
  /** Exons sorted by start. */
  exons: Span[];
  /** CDS pieces sorted by start (empty for non-coding transcripts). */
  cds: CdsSpan[];
  /** `stop_codon` pieces sorted by start (GTF puts the stop codon outside the CDS); empty when none. */
  stopCodons: Span[];
  /** Transcription start site, 0-based: `start` on `+` (and `.`), `end - 1` on `-`. */
  tss: number;
}

export interface Gene {
  id: string;
  /** GTF `gene_name` / GFF3 `Name`, when present. */
  name?: string;
  chrom: string;
  /** Extent: the gene line's, or the span of its transcripts when there is none. */
  start: number;
  end: number;
  strand: Strand;
  /** Its transcripts' ids, in file order. */
  transcriptIds: string[];
}

/** Genes and transcripts in file order of first appearance. */
export interface Annotation {
  genes: Gene[];
  transcripts: Transcript[];
}

export interface ReadAnnotationOptions {
  /**
   * Default: from the name (`.gtf`, `.gff3`, optionally `.gz`); otherwise GFF3 when a
   * `##gff-version 3` line comes first or the first attribute column has `key=value`, GTF
   * when it has `key "value"`.
   */
  format?: AnnotationFormat;
}

const COLUMNS = ['seqid', 'source', 'type', 'start', 'end', 'score', 'strand', 'phase', 'attributes'] as const;

/** 0-based TSS of a transcript-like interval: `start` unless on the `-` strand, then `end - 1`. */
export function transcriptTss(t: { start: number; end: number; strand: Strand }): number {
  return t.strand === '-' ? t.end - 1 : t.start;
}

/** Streams the feature lines of a GTF or GFF3 file (comments and directives skipped). */
export async function* iterateAnnotation(path: string, options: ReadAnnotationOptions = {}): AsyncGenerator<AnnotationFeature> {
  for await (const [feature] of featuresWithFormat(path, options)) yield feature;
}

async function* featuresWithFormat(path: string, options: ReadAnnotationOptions): AsyncGenerator<[AnnotationFeature, AnnotationFormat]> {
  let format = options.format ?? formatFromName(path);
  for await (const { text, line } of readTextLines(path)) {
    if (text.startsWith('#')) {
      if (/^##gff-version\s+3/.test(text)) format ??= 'gff3';
      if (text.startsWith('##FASTA')) return;
      continue;
    }
    if (text.trim().length === 0) continue;
    const fields = text.split('\t');
    if (fields.length !== 9) {
      throw new FormatError(path, line, 'columns', `expected 9 tab-separated columns, got ${fields.length}`);
    }
    format ??= /^\s*[^\s=;]+\s+"/.test(fields[8]!) ? 'gtf' : 'gff3';
    yield [parseFeature(fields, format, path, line), format];
  }
}

/**
 * Reads genes, transcripts, exons and CDS of a GTF or GFF3 file.
 *
 * GTF: transcripts are grouped by `transcript_id` and genes by `gene_id`; `gene` and
 * `transcript` lines are optional (extents then come from the parts). GFF3: genes are
 * features whose type ends in `gene` (`gene`, `ncRNA_gene`, `pseudogene`, ...); transcripts
 * are features with a gene as `Parent`, or `mRNA` / `transcript` features without a parent;
 * `exon`, `CDS` and `stop_codon` lines attach to every transcript in their `Parent`.
 * All parts of a transcript must share its chromosome and strand, and exons lie inside a
 * transcript line's extent; violations are `FormatError`s at the offending line.
 */
export async function readAnnotation(path: string, options: ReadAnnotationOptions = {}): Promise<Annotation> {
  const features: AnnotationFeature[] = [];
  let format: AnnotationFormat | undefined;
  for await (const [f, fileFormat] of featuresWithFormat(path, options)) {
    features.push(f);
    format = fileFormat;
  }
  if (format === undefined) return { genes: [], transcripts: [] };
  return format === 'gtf' ? buildFromGtf(features, path) : buildFromGff3(features, path);
}

function formatFromName(path: string): AnnotationFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.gtf')) return 'gtf';
  if (name.endsWith('.gff3')) return 'gff3';
  return undefined;
}

function parseFeature(fields: string[], format: AnnotationFormat, file: string, line: number): AnnotationFeature {
  const fail = (field: (typeof COLUMNS)[number], problem: string): never => {
    throw new FormatError(file, line, field, problem);
  };
  const [chrom, source, type, startText, endText, scoreText, strandText, phaseText, attributeText] = fields as [
    string, string, string, string, string, string, string, string, string,
  ];
  if (chrom.length === 0) fail('seqid', 'expected a sequence name, got an empty field');
  if (type.length === 0) fail('type', 'expected a feature type, got an empty field');
  const start1 = parseInteger(startText);
  if (start1 === undefined || start1 < 1) fail('start', `expected an integer >= 1 (1-based), got ${quote(startText)}`);
  const end1 = parseInteger(endText);
  if (end1 === undefined || end1 < start1!) fail('end', `expected an integer >= start (${start1}), got ${quote(endText)}`);
  let score: number | undefined;
  if (scoreText !== '.') score = parseDecimal(scoreText) ?? fail('score', `expected a number or '.', got ${quote(scoreText)}`);
  if (!['+', '-', '.', '?'].includes(strandText)) fail('strand', `expected '+', '-', '.' or '?', got ${quote(strandText)}`);
  if (!['0', '1', '2', '.'].includes(phaseText)) fail('phase', `expected 0, 1, 2 or '.', got ${quote(phaseText)}`);
  const attributes = format === 'gtf' ? parseGtfAttributes(attributeText, (p) => fail('attributes', p)) : parseGff3Attributes(attributeText, (p) => fail('attributes', p));
  return {
    chrom,
    source,
    type,
    start: start1! - 1,
    end: end1!,
    score,
    strand: strandText as Strand,
    phase: phaseText === '.' ? undefined : (Number(phaseText) as 0 | 1 | 2),
    attributes,
    line,
  };
}

/** `key "value"; key2 value2;` -> { key: [value], key2: [value2] }. */
/** GFF3 `key=value,value;...` through @gmod/gff; a malformed percent escape (`%E2%82`) is a failure, not a URIError. */
function parseGff3Attributes(text: string, fail: (problem: string) => never): Record<string, string[]> {
  try {
    return gffUtil.parseAttributes(text);
  } catch (cause) {
    if (cause instanceof URIError) return fail(`malformed percent escape in ${quote(text)}`);
    throw cause;
  }
}

function parseGtfAttributes(text: string, fail: (problem: string) => never): Record<string, string[]> {
  const attributes: Record<string, string[]> = {};
  const pattern = /\s*([^\s";]+)\s+(?:"((?:[^"\\]|\\.)*)"|([^\s";]+))\s*(?:;|$)/y;
  let at = 0;
  const body = text.trimEnd();
  while (at < body.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(body);
    if (m === null) {
      if (body.slice(at).trim() === '') break;
      fail(`expected 'key "value";' pairs, got ${quote(body.slice(at).trim())}`);
    }
    const key = m![1]!;
    (attributes[key] ??= []).push(m![2] ?? m![3]!);
    at = pattern.lastIndex;
  }
  return attributes;
}

/** Feature types kept as parts of a transcript. */
const TRANSCRIPT_PARTS = new Set(['exon', 'CDS', 'stop_codon']);

interface TranscriptBuilder {
  t: Transcript;
  /** Line of the transcript's own feature line, if any (its extent is then fixed). */
  ownLine?: number;
  parts: AnnotationFeature[];
}

function newTranscript(id: string, geneId: string, f: AnnotationFeature, type: string): TranscriptBuilder {
  return {
    t: { id, geneId, type, chrom: f.chrom, start: f.start, end: f.end, strand: f.strand, exons: [], cds: [], stopCodons: [], tss: 0 },
    parts: [],
  };
}

function attachPart(b: TranscriptBuilder, f: AnnotationFeature, file: string): void {
  if (f.chrom !== b.t.chrom) throw new FormatError(file, f.line, 'seqid', `transcript '${b.t.id}' is on ${b.t.chrom}, this part is on ${f.chrom}`);
  if (f.strand !== b.t.strand) throw new FormatError(file, f.line, 'strand', `transcript '${b.t.id}' is on strand ${b.t.strand}, this part on ${f.strand}`);
  b.parts.push(f);
}

function finishTranscript(b: TranscriptBuilder, file: string): Transcript {
  const t = b.t;
  if (b.ownLine === undefined && b.parts.length > 0) {
    t.start = Math.min(...b.parts.map((p) => p.start));
    t.end = Math.max(...b.parts.map((p) => p.end));
  }
  for (const p of b.parts) {
    if (!TRANSCRIPT_PARTS.has(p.type)) continue;
    if (p.start < t.start || p.end > t.end) {
      throw new FormatError(file, p.line, 'end',
        `${p.type} [${p.start + 1}, ${p.end}] lies outside transcript '${t.id}' [${t.start + 1}, ${t.end}] (1-based)`);
    }
    if (p.type === 'exon') t.exons.push({ start: p.start, end: p.end });
    else if (p.type === 'stop_codon') t.stopCodons.push({ start: p.start, end: p.end });
    else t.cds.push(p.phase === undefined ? { start: p.start, end: p.end } : { start: p.start, end: p.end, phase: p.phase });
  }
  for (const spans of [t.exons, t.cds, t.stopCodons]) spans.sort((a, b) => a.start - b.start);
  t.tss = transcriptTss(t);
  return t;
}

function collectGenes(transcripts: Transcript[], geneLines: Map<string, AnnotationFeature>, names: Map<string, string>, order: string[]): Gene[] {
  const genes = new Map<string, Gene>();
  for (const id of order) {
    const line = geneLines.get(id);
    const gene: Gene = line
      ? { id, chrom: line.chrom, start: line.start, end: line.end, strand: line.strand, transcriptIds: [] }
      : { id, chrom: '', start: Infinity, end: -Infinity, strand: '.', transcriptIds: [] };
    const name = names.get(id);
    if (name !== undefined) gene.name = name;
    genes.set(id, gene);
  }
  for (const t of transcripts) {
    const gene = genes.get(t.geneId);
    if (gene === undefined) continue;
    gene.transcriptIds.push(t.id);
    if (!geneLines.has(gene.id)) {
      gene.chrom = t.chrom;
      gene.strand = t.strand;
      gene.start = Math.min(gene.start, t.start);
      gene.end = Math.max(gene.end, t.end);
    }
  }
  return [...genes.values()].filter((g) => g.chrom !== '');
}

function buildFromGtf(features: AnnotationFeature[], file: string): Annotation {
  const transcripts = new Map<string, TranscriptBuilder>();
  const geneLines = new Map<string, AnnotationFeature>();
  const geneNames = new Map<string, string>();
  const geneOrder: string[] = [];
  const seenGenes = new Set<string>();
  for (const f of features) {
    const geneId = f.attributes.gene_id?.[0];
    if (geneId === undefined) throw new FormatError(file, f.line, 'attributes', `expected a gene_id attribute on a ${f.type} line`);
    if (!seenGenes.has(geneId)) {
      seenGenes.add(geneId);
      geneOrder.push(geneId);
    }
    const geneName = f.attributes.gene_name?.[0];
    if (geneName !== undefined && !geneNames.has(geneId)) geneNames.set(geneId, geneName);
    if (f.type === 'gene') {
      geneLines.set(geneId, f);
      continue;
    }
    const id = f.attributes.transcript_id?.[0];
    if (id === undefined) throw new FormatError(file, f.line, 'attributes', `expected a transcript_id attribute on a ${f.type} line`);
    let b = transcripts.get(id);
    if (b === undefined) {
      b = newTranscript(id, geneId, f, 'transcript');
      transcripts.set(id, b);
    } else if (b.t.geneId !== geneId) {
      throw new FormatError(file, f.line, 'attributes', `transcript '${id}' belongs to gene '${b.t.geneId}', this line says '${geneId}'`);
    }
    if (f.type === 'transcript') {
      b.ownLine = f.line;
      Object.assign(b.t, { chrom: f.chrom, start: f.start, end: f.end, strand: f.strand });
      const name = f.attributes.transcript_name?.[0];
      if (name !== undefined) b.t.name = name;
    }
    attachPart(b, f, file);
  }
  const list = [...transcripts.values()].map((b) => finishTranscript(b, file));
  return { genes: collectGenes(list, geneLines, geneNames, geneOrder), transcripts: list };
}

function buildFromGff3(features: AnnotationFeature[], file: string): Annotation {
  const byId = new Map<string, AnnotationFeature[]>();
  for (const f of features) {
    const id = f.attributes.ID?.[0];
    if (id !== undefined) {
      const list = byId.get(id);
      if (list === undefined) byId.set(id, [f]);
      else list.push(f);
    }
  }
  for (const f of features) {
    for (const parent of f.attributes.Parent ?? []) {
      if (!byId.has(parent)) throw new FormatError(file, f.line, 'attributes', `Parent '${parent}' is not the ID of any feature in the file`);
    }
  }
  const isGene = (f: AnnotationFeature) => /gene$/.test(f.type);
  const geneLines = new Map<string, AnnotationFeature>();
  const geneNames = new Map<string, string>();
  const geneOrder: string[] = [];
  const transcripts = new Map<string, TranscriptBuilder>();
  for (const f of features) {
    const id = f.attributes.ID?.[0];
    if (id === undefined) continue;
    if (isGene(f)) {
      if (!geneLines.has(id)) {
        geneOrder.push(id);
        const name = f.attributes.Name?.[0];
        if (name !== undefined) geneNames.set(id, name);
        geneLines.set(id, f);
      } else {
        const g = geneLines.get(id)!;
        geneLines.set(id, { ...g, start: Math.min(g.start, f.start), end: Math.max(g.end, f.end) });
      }
      continue;
    }
    const parents = f.attributes.Parent ?? [];
    const geneParent = parents.find((p) => byId.get(p)!.some(isGene));
    if (geneParent === undefined && !(parents.length === 0 && (f.type === 'mRNA' || f.type === 'transcript'))) continue;
    let b = transcripts.get(id);
    if (b === undefined) {
      b = newTranscript(id, geneParent ?? id, f, f.type);
      b.ownLine = f.line;
      const name = f.attributes.Name?.[0];
      if (name !== undefined) b.t.name = name;
      transcripts.set(id, b);
    } else {
      b.t.start = Math.min(b.t.start, f.start);
      b.t.end = Math.max(b.t.end, f.end);
    }
  }
  for (const f of features) {
    if (!TRANSCRIPT_PARTS.has(f.type)) continue;
    for (const parent of f.attributes.Parent ?? []) {
      const b = transcripts.get(parent);
      if (b !== undefined) attachPart(b, f, file);
    }
  }
  const list = [...transcripts.values()].map((b) => finishTranscript(b, file));
  return { genes: collectGenes(list, geneLines, geneNames, geneOrder), transcripts: list };
}
