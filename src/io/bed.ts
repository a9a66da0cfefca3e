/**
 * BED reader: BED3-BED9, BED12, ENCODE narrowPeak (BED6+4) and broadPeak (BED6+3), plain or
 * gzip. Coordinates are kept as in the file: 0-based, half-open `[start, end)`.
 *
 * Every field is checked (integer coordinates, `start <= end`, strand, block lists, peak
 * offset, column count), and the first bad field raises
 * `FormatError(file, line, field)`, e.g. `peaks.bed: line 12: end: expected an integer >= start (100), got '99x'`.
 *
 * Lines that are empty, start with `#`, or are `track` / `browser` lines are skipped. Fields
 * are tab-separated; a line without any tab is split on runs of spaces.
 *
 * (`@gmod/bed` is not used for the fields: it returns a non-numeric coordinate as a string
 * and guesses column meanings, where this reader must reject and name the bad field.)
 */
import { FormatError } from '../core/errors.js';
import { parseDecimal, parseInteger, quote } from './fields.js';
import { readTextLineBatches } from './text-lines.js';

/** The BED variants this reader knows, by their columns. */
export type BedFormat =
  | 'bed3' | 'bed4' | 'bed5' | 'bed6' | 'bed7' | 'bed8' | 'bed9' | 'bed12'
  | 'narrowPeak' | 'broadPeak';

/** One BED line. Fields beyond the format's columns are absent. */
export interface BedRecord {
  chrom: string;
  /** 0-based first base. */
  start: number;
  /** 0-based, exclusive. `start <= end`. */
  end: number;
  /** Column 4; absent when the file has no name column or the name is `.`. */
  name?: string;
  /** Column 5; absent when the column is missing or `.`. */
  score?: number;
  /** Column 6: `+`, `-` or `.` (unknown). */
  strand?: '+' | '-' | '.';
  /** BED7+: 0-based start of the thick (coding) part, within `[start, end]`. */
  thickStart?: number;
  /** BED8+: exclusive end of the thick part, within `[thickStart, end]`. */
  thickEnd?: number;
  /** BED9+: `r,g,b` or `0`, as written. */
  itemRgb?: string;
  /** BED12: number of blocks (exons), >= 1. */
  blockCount?: number;
  /** BED12: block lengths. */
  blockSizes?: number[];
  /** BED12: block starts relative to `start`; the first is 0, the last block ends at `end`. */
  blockStarts?: number[];
  /** narrowPeak / broadPeak: overall enrichment. */
  signalValue?: number;
  /** narrowPeak / broadPeak: -log10 p-value, -1 when not used. */
  pValue?: number;
  /** narrowPeak / broadPeak: -log10 q-value, -1 when not used. */
  qValue?: number;
  /** narrowPeak: summit as a 0-based offset from `start`, in `[0, end - start)`, or -1 when not called. */
  peak?: number;
  /** Columns after the format's own, when `extraColumns` is on. */
  extra?: string[];
}

/** Options for `readBed` / `iterateBed`. */
export interface ReadBedOptions {
  /**
   * The format. Default: from the file name (`.narrowPeak`, `.broadPeak`, optionally `.gz`),
   * otherwise from the column count of the first data line: 3-9 -> bed3-bed9, 10 -> narrowPeak,
   * 12 -> bed12 (so a 9-column broadPeak file needs its extension or this option). Every
   * line must then have the same columns.
   */
  format?: BedFormat;
  /** Accept columns after the format's own and return them in `extra`. Default false. */
  extraColumns?: boolean;
}

const BED_FIELDS = [
  'chrom', 'start', 'end', 'name', 'score', 'strand',
  'thickStart', 'thickEnd', 'itemRgb', 'blockCount', 'blockSizes', 'blockStarts',
] as const;
const PEAK_FIELDS = ['chrom', 'start', 'end', 'name', 'score', 'strand', 'signalValue', 'pValue', 'qValue', 'peak'] as const;

/** Column names of a format, in file order. */
export function bedColumns(format: BedFormat): readonly string[] {
  switch (format) {
    case 'narrowPeak': return PEAK_FIELDS;
    case 'broadPeak': return PEAK_FIELDS.slice(0, 9);
    case 'bed12': return BED_FIELDS;
    default: return BED_FIELDS.slice(0, Number(format.slice(3)));
  }
}

/** Streams the records of a BED file in file order. See the module comment for the checks. */
export async function* iterateBed(path: string, options: ReadBedOptions = {}): AsyncGenerator<BedRecord> {
  for await (const batch of bedBatches(path, options)) yield* batch;
}

/** Reads a whole BED file into an array; see `iterateBed`. */
export async function readBed(path: string, options: ReadBedOptions = {}): Promise<BedRecord[]> {
  const records: BedRecord[] = [];
  for await (const batch of bedBatches(path, options)) {
    for (const record of batch) records.push(record);
  }
  return records;
}

/** The records of each batch of lines (one await per batch rather than per line). */
async function* bedBatches(path: string, options: ReadBedOptions): AsyncGenerator<BedRecord[]> {
  let format = options.format ?? formatFromName(path);
  let columns = format === undefined ? undefined : bedColumns(format);
  const extraColumns = options.extraColumns ?? false;
  for await (const { lines, firstLine } of readTextLineBatches(path)) {
    const records: BedRecord[] = [];
    for (let k = 0; k < lines.length; k++) {
      const text = lines[k]!;
      const line = firstLine + k;
      if (isSkipped(text)) continue;
      const fields = text.includes('\t') ? text.split('\t') : text.trim().split(/ +/);
      if (columns === undefined) {
        format = formatFromColumnCount(fields.length, path, line);
        columns = bedColumns(format);
      }
      if (fields.length < columns.length || (fields.length > columns.length && !extraColumns)) {
        const field = fields.length < columns.length ? columns[fields.length]! : 'columns';
        throw new FormatError(path, line, field,
          `expected ${columns.length} tab-separated columns (${format}), got ${fields.length}` +
          (fields.length > columns.length ? '; pass extraColumns to keep additional columns' : ''));
      }
      records.push(parseBedFields(fields, columns, path, line));
    }
    yield records;
  }
}

function isSkipped(text: string): boolean {
  if (text.length === 0 || text.startsWith('#')) return true;
  if (/^(track|browser)(\s|$)/.test(text)) return true;
  return text.trim().length === 0;
}

function formatFromName(path: string): BedFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.narrowpeak')) return 'narrowPeak';
  if (name.endsWith('.broadpeak')) return 'broadPeak';
  return undefined;
}

function formatFromColumnCount(count: number, path: string, line: number): BedFormat {
  if (count >= 3 && count <= 9) return `bed${count}` as BedFormat;
  if (count === 10) return 'narrowPeak';
  if (count === 12) return 'bed12';
  throw new FormatError(path, line, 'columns',
    `expected 3-10 or 12 tab-separated columns, got ${count}; pass format (and extraColumns) for other layouts`);
}

function parseBedFields(fields: string[], columns: readonly string[], file: string, line: number): BedRecord {
  const fail = (field: string, problem: string): never => {
    throw new FormatError(file, line, field, problem);
  };
  const chrom = fields[0]!;
  if (chrom.length === 0) fail('chrom', 'expected a chromosome name, got an empty field');
  const start = parseInteger(fields[1]!);
  if (start === undefined || start < 0) return fail('start', `expected a non-negative integer, got ${quote(fields[1]!)}`);
  const end = parseInteger(fields[2]!);
  if (end === undefined || end < start) return fail('end', `expected an integer >= start (${start}), got ${quote(fields[2]!)}`);
  const record: BedRecord = { chrom, start, end };

  for (let i = 3; i < columns.length; i++) {
    const field = columns[i]!;
    const text = fields[i]!;
    switch (field) {
      case 'name':
        if (text !== '.' && text !== '') record.name = text;
        break;
      case 'score':
        if (text !== '.') record.score = parseDecimal(text) ?? fail(field, `expected a number or '.', got ${quote(text)}`);
        break;
      case 'strand':
        if (text !== '+' && text !== '-' && text !== '.') fail(field, `expected '+', '-' or '.', got ${quote(text)}`);
        record.strand = text as '+' | '-' | '.';
        break;
      case 'thickStart': {
        const v = parseInteger(text);
        if (v === undefined || v < start || v > end) fail(field, `expected an integer in [start, end] = [${start}, ${end}], got ${quote(text)}`);
        record.thickStart = v;
        break;
      }
      case 'thickEnd': {
        const v = parseInteger(text);
        const lo = record.thickStart ?? start;
        if (v === undefined || v < lo || v > end) fail(field, `expected an integer in [thickStart, end] = [${lo}, ${end}], got ${quote(text)}`);
        record.thickEnd = v;
        break;
      }
      case 'itemRgb':
        if (!/^(0|\.|\d{1,3},\d{1,3},\d{1,3})$/.test(text)) fail(field, `expected 'r,g,b' or 0, got ${quote(text)}`);
        record.itemRgb = text;
        break;
      case 'blockCount': {
        const v = parseInteger(text);
        if (v === undefined || v < 1) fail(field, `expected a positive integer, got ${quote(text)}`);
        record.blockCount = v;
        break;
      }
      case 'blockSizes':
      case 'blockStarts':
        record[field] = parseIntegerList(text, record.blockCount!, field, fail);
        break;
      case 'signalValue':
      case 'pValue':
      case 'qValue':
        record[field] = parseDecimal(text) ?? fail(field, `expected a number, got ${quote(text)}`);
        break;
      case 'peak': {
        const v = parseInteger(text);
        if (v === undefined || v < -1 || (v >= 0 && v >= end - start)) {
          fail(field, `expected -1 or an offset in [0, ${end - start}) from start, got ${quote(text)}`);
        }
        record.peak = v;
        break;
      }
    }
  }
  if (record.blockStarts !== undefined) checkBlocks(record, fail);
  if (fields.length > columns.length) record.extra = fields.slice(columns.length);
  return record;
}

function parseIntegerList(text: string, count: number, field: string, fail: (f: string, p: string) => never): number[] {
  const parts = text.endsWith(',') ? text.slice(0, -1).split(',') : text.split(',');
  if (parts.length !== count) fail(field, `expected ${count} comma-separated integers (blockCount), got ${parts.length} in ${quote(text)}`);
  return parts.map((part) => {
    const v = parseInteger(part);
    if (v === undefined || v < 0) fail(field, `expected non-negative integers, got ${quote(part)} in ${quote(text)}`);
    return v!;
  });
}

function checkBlocks(record: BedRecord, fail: (f: string, p: string) => never): void {
  const sizes = record.blockSizes!;
  const starts = record.blockStarts!;
  if (starts[0] !== 0) fail('blockStarts', `expected the first block to start at 0, got ${starts[0]}`);
  for (let i = 1; i < starts.length; i++) {
    if (starts[i]! < starts[i - 1]! + sizes[i - 1]!) {
      fail('blockStarts', `expected ascending, non-overlapping blocks, but block ${i + 1} starts at ${starts[i]} inside block ${i}`);
    }
  }
  const last = starts.length - 1;
  const blockEnd = record.start + starts[last]! + sizes[last]!;
  if (blockEnd !== record.end) fail('blockSizes', `expected the last block to end at end (${record.end}), it ends at ${blockEnd}`);
}
