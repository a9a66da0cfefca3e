/**
 * VCF reader (INFO typing and genotypes through `@gmod/vcf`, region queries through
 * `@gmod/tabix`), plain, gzip or bgzip.
 *
 * Coordinates: VCF `POS` is 1-based; records here carry `start = POS - 1` (0-based) and
 * `end = start + REF.length`, the half-open span of the REF allele, like every interval in
 * Strand. INFO `END` (symbolic structural variants) is left in `info.END` as written.
 *
 * Checks on every record: column count (8, or 9 + samples), CHROM, POS (integer >= 1), REF
 * (A/C/G/T/N), ALT alleles (bases, `*`, `<symbolic>` or breakends), QUAL, FILTER, and (with
 * `strictInfo`) INFO values declared Integer / Float. The first bad field raises
 * `FormatError(file, line, field)`, e.g. `calls.vcf: line 40: POS: expected an integer >= 1, got '0'`.
 */
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import VCFParser from '@gmod/vcf';
import type { InfoValue, MetaField, MetaMap } from '@gmod/vcf';
import { TabixIndexedFile } from '@gmod/tabix';
import { FormatError, InputError } from '../core/errors.js';
import { parseDecimal, parseInteger, quote } from './fields.js';
import { BgzfBlockFile } from './bgzf-block-file.js';
import { OpenFile } from './open-file.js';
import { countLinesStartingWith, readTextLines } from './text-lines.js';
import type { TextLine } from './text-lines.js';

export type { InfoValue } from '@gmod/vcf';

/** One VCF data line. */
export interface VcfRecord {
  chrom: string;
  /** 0-based position of the first REF base (`POS - 1`). */
  start: number;
  /** `start + ref.length`: the REF allele is `[start, end)`. */
  end: number;
  /** The ID column split on `;`; empty for `.`. */
  ids: string[];
  ref: string;
  /** The ALT alleles; empty when ALT is `.` (no alternative allele). */
  alts: string[];
  /** Undefined for `.`. */
  qual: number | undefined;
  /** `['PASS']`, the failed filter names, or empty for `.` (not filtered). */
  filter: string[];
  /** INFO typed from the header (`Flag` -> true, others arrays; `.` items undefined). */
  info: Record<string, InfoValue>;
  /** GT string per sample name, when read with `genotypes: true` and the file has samples. */
  genotypes?: Record<string, string>;
  /** 1-based line number in the file (undefined for records from a region query). */
  line?: number;
  /** The data line as written, when read with `keepText: true`. */
  text?: string;
}

/** A record with a single ALT allele, from `splitAlleles`. */
export interface VcfAllele extends VcfRecord {
  /** 1-based index of this ALT in the original record (the allele number GT uses). */
  altIndex: number;
}

/** The header of a VCF file. */
export interface VcfHeader {
  /** All header lines (`##...` and `#CHROM...`), joined by `\n`. */
  text: string;
  /** e.g. `VCFv4.1`. */
  fileformat: string;
  /** Sample names from the `#CHROM` line, in column order. */
  samples: string[];
  /** `##INFO` declarations by ID (`Number`, `Type`, `Description`), including the spec's reserved keys. */
  info: MetaMap;
  /** `##FORMAT` declarations by ID. */
  format: MetaMap;
  /** `##FILTER` declarations by ID. */
  filter: MetaMap;
  /** `##contig` lines, in file order; `length` when given. */
  contigs: { id: string; length?: number }[];
}

/** Options for reading records. */
export interface ReadVcfOptions {
  /** Also return each record's GT strings (`genotypes`). Default false. */
  genotypes?: boolean;
  /**
   * An INFO value that does not parse as the Integer / Float its header line declares is a
   * `FormatError` (field `INFO/KEY`). Default false: the value is kept as the string written
   * (real files have such header mistakes, e.g. GIAB's `allalts`, declared Integer, holding alleles).
   */
  strictInfo?: boolean;
  /** Keep each record's data line as written (`text`), e.g. to write it back annotated. Default false. */
  keepText?: boolean;
}

/** A VCF file opened for streaming: the header is read, records follow. */
export interface VcfStream {
  header: VcfHeader;
  /** The data records in file order. Breaking out of the loop closes the file. */
  records: AsyncGenerator<VcfRecord>;
  /** Closes the file without reading (the rest of) the records. */
  close(): Promise<void>;
}

const COLUMNS = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];
const REF_BASES = /^[ACGTNacgtn]+$/;
const ALT_BASES = /^[ACGTNacgtn*]+$/;
const SYMBOLIC = /^<[^<>\s]+>$/;
const BREAKEND = /^([ACGTNacgtn]*[[\]][^[\]\s]+[[\]][ACGTNacgtn]*|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$/;

/**
 * Opens a VCF file and reads its header. Missing file: `InputError`; empty file, no
 * `##fileformat=VCF` first line, or no `#CHROM` line before the first record: `FormatError`.
 */
export async function openVcf(path: string, options: ReadVcfOptions = {}): Promise<VcfStream> {
  const lines = readTextLines(path);
  const headerLines: string[] = [];
  let chromLine: TextLine | undefined;
  let last = 0;
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    const { text, line } = next.value;
    last = line;
    if (line === 1 && !text.startsWith('##fileformat=VCF')) {
      await lines.return(undefined);
      throw new FormatError(path, 1, 'fileformat', `expected the first line to be '##fileformat=VCFv4.x', got ${quote(text)}`);
    }
    if (text.startsWith('##')) {
      if (!/^##[^=]+=/.test(text)) {
        await lines.return(undefined);
        throw new FormatError(path, line, 'header', `expected a '##key=value' meta-information line, got ${quote(text)}`);
      }
      headerLines.push(text);
      continue;
    }
    if (text.startsWith('#CHROM')) {
      chromLine = next.value;
      headerLines.push(text);
      break;
    }
    await lines.return(undefined);
    throw new FormatError(path, line, 'header', `expected the '#CHROM POS ID REF ALT QUAL FILTER INFO' line before the first record, got ${quote(text)}`);
  }
  if (last === 0) throw new FormatError(path, undefined, undefined, 'empty file, expected a VCF header');
  if (chromLine === undefined) throw new FormatError(path, last, 'header', "the file ends before the '#CHROM' header line");
  const { header, parser } = buildHeader(headerLines, path, chromLine);
  return {
    header,
    records: recordsOf(lines, header, parser, path, options),
    close: async () => {
      await lines.return(undefined);
    },
  };
}

/** Streams the records of a VCF file; see `openVcf`. */
export async function* iterateVcf(path: string, options: ReadVcfOptions = {}): AsyncGenerator<VcfRecord> {
  const { records } = await openVcf(path, options);
  yield* records;
}

/** Reads the header only (stops at the `#CHROM` line). */
export async function readVcfHeader(path: string): Promise<VcfHeader> {
  const { header, close } = await openVcf(path);
  await close();
  return header;
}

/** Reads a whole VCF file: header and every record. */
export async function readVcf(path: string, options: ReadVcfOptions = {}): Promise<{ header: VcfHeader; records: VcfRecord[] }> {
  const { header, records } = await openVcf(path, options);
  const all: VcfRecord[] = [];
  for await (const record of records) all.push(record);
  return { header, records: all };
}

/**
 * A bgzip-compressed VCF with a tabix (`.tbi`) or CSI (`.csi`) index, for region queries.
 * Open with `openIndexedVcf`.
 */
export class IndexedVcf {
  private constructor(
    readonly path: string,
    readonly header: VcfHeader,
    private readonly tabix: TabixIndexedFile,
    private readonly parser: VCFParser,
    private readonly files: OpenFile[],
    private readonly options: ReadVcfOptions,
  ) {}

  /** @internal use `openIndexedVcf`. */
  static async open(path: string, options: ReadVcfOptions & { index?: string } = {}): Promise<IndexedVcf> {
    await new OpenFile(path).stat(); // a missing VCF is reported before a missing index
    const index = options.index ?? (await firstExisting([`${path}.tbi`, `${path}.csi`]));
    if (index === undefined) throw new InputError(`${path}: no tabix index found (looked for ${path}.tbi and ${path}.csi)`);
    // BGZF blocks checked before inflating: a damaged block can stall the inflater for seconds
    const files = [new BgzfBlockFile(path), new OpenFile(index)];
    const indexHandle = index.endsWith('.csi') ? { csiFilehandle: files[1]! } : { tbiFilehandle: files[1]! };
    const tabix = new TabixIndexedFile({ filehandle: files[0]!, ...indexHandle });
    try {
      await checkIndexGzip(path, index);
      const text = await tabix.getHeader().catch((cause: unknown) => {
        throw new FormatError(path, undefined, undefined, `cannot read the bgzip file or its index ${index} (${errorText(cause)})`, { cause });
      });
      const lines = text.split('\n').filter((l) => l.length > 0);
      if (lines.length === 0 || !lines[0]!.startsWith('##fileformat=VCF')) {
        throw new FormatError(path, 1, 'fileformat', `expected the first line to be '##fileformat=VCFv4.x', got ${quote(lines[0] ?? '')}`);
      }
      const chromIndex = lines.findIndex((l) => l.startsWith('#CHROM'));
      if (chromIndex < 0) throw new FormatError(path, lines.length, 'header', "no '#CHROM' header line");
      const { header, parser } = buildHeader(lines.slice(0, chromIndex + 1), path, { text: lines[chromIndex]!, line: chromIndex + 1 });
      return new IndexedVcf(path, header, tabix, parser, files, options);
    } catch (cause) {
      await Promise.all(files.map((f) => f.close()));
      throw cause;
    }
  }

  /** Chromosome names in the index (those with at least one record). */
  async chromosomes(): Promise<string[]> {
    return this.tabix.getReferenceSequenceNames();
  }

  /**
   * Records overlapping the 0-based half-open `[start, end)` of `chrom`, in file order. Overlap
   * follows tabix / htslib: a record spans `[POS - 1, POS - 1 + REF length)`, or up to INFO
   * `END` when it has one. A chromosome absent from the index gives no records. A bad record
   * raises `FormatError(file, undefined, field)` naming the record's position (line numbers
   * are not known inside a region query).
   */
  async query(chrom: string, start: number, end: number): Promise<VcfRecord[]> {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
      throw new InputError(`expected integers 0 <= start <= end, got [${start}, ${end})`);
    }
    const texts: string[] = [];
    try {
      await this.tabix.getLines(chrom, start, end, (line: string) => {
        texts.push(line);
      });
    } catch (cause) {
      throw new FormatError(this.path, undefined, undefined, `cannot read region ${chrom}:${start}-${end} (${errorText(cause)})`, { cause });
    }
    return texts.map((text) => parseRecord(text, this.header, this.parser, this.path, undefined, this.options));
  }

  /**
   * The records of `[start, end)` of `chrom` (as `query`), read `chunk` bases at a time so
   * memory stays bounded over whole chromosomes; each record is returned once.
   */
  async *stream(chrom: string, start: number, end: number, chunk = 1_000_000): AsyncGenerator<VcfRecord> {
    for (let from = start; from < end; from += chunk) {
      const records = await this.query(chrom, from, Math.min(end, from + chunk));
      // Later chunks skip records that began in an earlier one (they overlapped it too).
      for (const r of records) if (from === start || r.start >= from) yield r;
    }
  }

  /** Closes the file and its index. */
  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * The number of data lines of a VCF (plain, gzip or bgzip) without parsing them: a fast
 * first pass for progress with an ETA.
 */
export function countVcfRecords(path: string): Promise<number> {
  return countLinesStartingWith(path, (byte) => byte !== 35 /* # */ && byte !== 10 && byte !== 13);
}

/**
 * Opens a bgzip VCF with its index (`path.tbi`, else `path.csi`, or `options.index`).
 * Missing file or index: `InputError`; not bgzip, bad index or bad header: `FormatError`.
 */
export function openIndexedVcf(path: string, options: ReadVcfOptions & { index?: string } = {}): Promise<IndexedVcf> {
  return IndexedVcf.open(path, options);
}

/**
 * One record per ALT allele (a record without ALT is returned as is, `altIndex` 0). With the
 * header, INFO values declared `Number=A` keep the allele's own value and `Number=R` the REF
 * value and the allele's; other INFO values are copied. Alleles are not trimmed or
 * normalised.
 */
export function splitAlleles(record: VcfRecord, header?: VcfHeader): VcfAllele[] {
  if (record.alts.length === 0) return [{ ...record, altIndex: 0 }];
  if (record.alts.length === 1) return [{ ...record, altIndex: 1 }];
  return record.alts.map((alt, i) => {
    const info: Record<string, InfoValue> = {};
    for (const [key, value] of Object.entries(record.info)) {
      const number = header?.info[key]?.Number;
      if (value !== true && number === 'A' && value.length === record.alts.length) info[key] = [value[i]];
      else if (value !== true && number === 'R' && value.length === record.alts.length + 1) info[key] = [value[0], value[i + 1]];
      else info[key] = value;
    }
    return { ...record, alts: [alt], info, altIndex: i + 1 };
  });
}

/** What an ALT allele does relative to REF. */
export type AlleleKind =
  | 'snv' | 'mnp' | 'insertion' | 'deletion' | 'complex'
  | 'symbolic' | 'breakend' | 'spanning-deletion';

/**
 * Classifies an ALT allele against REF after trimming their common suffix, then prefix:
 * one base each -> snv; equal lengths -> mnp; only ALT bases left -> insertion; only REF
 * bases left -> deletion; otherwise complex. `<...>` is symbolic, `*` spanning-deletion,
 * bracketed or dotted alleles breakend.
 */
export function alleleKind(ref: string, alt: string): AlleleKind {
  if (alt === '*') return 'spanning-deletion';
  if (alt.startsWith('<')) return 'symbolic';
  if (/[[\]]/.test(alt) || alt.startsWith('.') || alt.endsWith('.')) return 'breakend';
  const r = ref.toUpperCase();
  const a = alt.toUpperCase();
  let tail = 0;
  while (tail < r.length && tail < a.length && r[r.length - 1 - tail] === a[a.length - 1 - tail]) tail++;
  let head = 0;
  while (head < r.length - tail && head < a.length - tail && r[head] === a[head]) head++;
  const refLeft = r.length - tail - head;
  const altLeft = a.length - tail - head;
  if (refLeft === altLeft) return refLeft === 1 ? 'snv' : 'mnp';
  if (refLeft === 0) return 'insertion';
  if (altLeft === 0) return 'deletion';
  return 'complex';
}

function buildHeader(lines: string[], path: string, chromLine: TextLine): { header: VcfHeader; parser: VCFParser } {
  const columns = chromLine.text.split('\t');
  const bad = COLUMNS.findIndex((c, i) => columns[i] !== c);
  if (bad >= 0) {
    throw new FormatError(path, chromLine.line, 'header',
      `expected the columns ${COLUMNS.join(' ')} [FORMAT samples...], got ${quote(chromLine.text)}`);
  }
  if (columns.length === 9) throw new FormatError(path, chromLine.line, 'header', 'a FORMAT column needs at least one sample column');
  if (columns.length > 9 && columns[8] !== 'FORMAT') {
    throw new FormatError(path, chromLine.line, 'header', `expected column 9 to be FORMAT, got ${quote(columns[8]!)}`);
  }
  let parser: VCFParser;
  try {
    parser = new VCFParser({ header: lines.join('\n') });
  } catch (cause) {
    throw new FormatError(path, undefined, 'header', errorText(cause), { cause });
  }
  const section = (name: string): MetaMap => (parser.getMetadata(name) ?? {}) as MetaMap;
  const contigs: { id: string; length?: number }[] = [];
  for (const text of lines) {
    const m = /^##contig=<(.*)>$/.exec(text);
    if (m === null) continue;
    const id = /(?:^|,)ID=([^,>]+)/.exec(m[1]!)?.[1];
    const length = /(?:^|,)length=(\d+)/.exec(m[1]!)?.[1];
    if (id !== undefined) contigs.push(length === undefined ? { id } : { id, length: Number(length) });
  }
  const header: VcfHeader = {
    text: lines.join('\n'),
    fileformat: lines[0]!.slice('##fileformat='.length),
    samples: columns.slice(9),
    info: section('INFO'),
    format: section('FORMAT'),
    filter: section('FILTER'),
    contigs,
  };
  return { header, parser };
}

async function* recordsOf(
  lines: AsyncGenerator<TextLine>, header: VcfHeader, parser: VCFParser, path: string, options: ReadVcfOptions,
): AsyncGenerator<VcfRecord> {
  try {
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const { text, line } = next.value;
      if (text.length === 0) continue;
      if (text.startsWith('#')) throw new FormatError(path, line, 'header', `header line after the '#CHROM' line: ${quote(text)}`);
      yield parseRecord(text, header, parser, path, line, options);
    }
  } finally {
    await lines.return(undefined);
  }
}

function parseRecord(
  text: string, header: VcfHeader, parser: VCFParser, file: string, line: number | undefined, options: ReadVcfOptions,
): VcfRecord {
  const fields = text.split('\t');
  const at = line === undefined ? ` (record at ${fields[0]}:${fields[1]})` : '';
  const fail = (field: string, problem: string): never => {
    throw new FormatError(file, line, field, problem + at);
  };
  const expected = header.samples.length === 0 ? 8 : 9 + header.samples.length;
  if (fields.length !== expected) {
    fail('columns', `expected ${expected} tab-separated columns${header.samples.length ? ` (8 + FORMAT + ${header.samples.length} samples)` : ''}, got ${fields.length}`);
  }
  const [chrom, posText, idText, ref, altText, qualText, filterText] = fields as [string, string, string, string, string, string, string];
  if (chrom.length === 0 || /\s/.test(chrom)) fail('CHROM', `expected a chromosome name, got ${quote(chrom)}`);
  const pos = parseInteger(posText);
  if (pos === undefined || pos < 1) fail('POS', `expected an integer >= 1, got ${quote(posText)}`);
  if (!REF_BASES.test(ref)) fail('REF', `expected bases A, C, G, T or N, got ${quote(ref)}`);
  const alts = altText === '.' ? [] : altText.split(',');
  for (const alt of alts) {
    if (!(ALT_BASES.test(alt) || SYMBOLIC.test(alt) || BREAKEND.test(alt))) {
      fail('ALT', `expected '.', bases, '*', '<ID>' or a breakend, got ${quote(alt)} in ${quote(altText)}`);
    }
  }
  let qual: number | undefined;
  if (qualText !== '.') qual = parseDecimal(qualText) ?? fail('QUAL', `expected a number or '.', got ${quote(qualText)}`);
  if (filterText.length === 0) fail('FILTER', "expected 'PASS', filter names or '.', got an empty field");
  if (idText.length === 0) fail('ID', "expected IDs or '.', got an empty field");
  let info: Record<string, InfoValue>;
  let genotypes: Record<string, string> | undefined;
  try {
    const variant = parser.parseLine(text);
    info = variant.INFO;
    if (options.genotypes && header.samples.length > 0) genotypes = variant.GENOTYPES();
  } catch (cause) {
    return fail('INFO', errorText(cause));
  }
  for (const [key, value] of Object.entries(info)) {
    const type = (header.info[key] as MetaField | undefined)?.Type;
    if (value === true || (type !== 'Integer' && type !== 'Float') || !value.some((v) => typeof v === 'number' && Number.isNaN(v))) continue;
    const raw = infoText(fields[7]!, key);
    if (options.strictInfo) fail(`INFO/${key}`, `expected ${type} values (as declared in the header), got ${quote(raw)}`);
    const items = raw.slice(key.length + 1).split(',');
    info[key] = value.map((v, i) => (typeof v === 'number' && Number.isNaN(v) ? items[i] : v));
  }
  const start = pos! - 1;
  const record: VcfRecord = {
    chrom,
    start,
    end: start + ref.length,
    ids: idText === '.' ? [] : idText.split(';'),
    ref,
    alts,
    qual,
    filter: filterText === '.' ? [] : filterText.split(';'),
    info,
  };
  if (genotypes !== undefined) record.genotypes = genotypes;
  if (line !== undefined) record.line = line;
  if (options.keepText) record.text = text;
  return record;
}

function infoText(info: string, key: string): string {
  return info.split(';').find((p) => p === key || p.startsWith(`${key}=`)) ?? key;
}

/**
 * The tabix / CSI index is a gzip (BGZF) stream: decompressed once here with zlib, which checks
 * each member's CRC and length, so a corrupt index is a `FormatError` naming the VCF and it (@gmod/tabix
 * trusts the stored length and can spend seconds allocating for a damaged one).
 */
async function checkIndexGzip(path: string, index: string): Promise<void> {
  const compressed = await new OpenFile(index).readFile();
  try {
    await promisify(gunzip)(compressed, { maxOutputLength: 1 << 30 });
  } catch (cause) {
    throw new FormatError(path, undefined, undefined, `its index ${index} is not a valid gzip (BGZF) file (${errorText(cause)})`, { cause });
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path);
      return path;
    } catch {
      // try the next
    }
  }
  return undefined;
}
