/**
 * FASTA index (`.fai`, samtools faidx format): one line per record,
 * `name<TAB>length<TAB>offset<TAB>lineBases<TAB>lineBytes`, where `offset` is the byte offset
 * of the record's first base, `lineBases` the bases per full line and `lineBytes` the bytes per
 * full line including the line terminator (`\n` or `\r\n`). Parsing, building (with samtools'
 * line-length rules), formatting and atomic writing.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { FormatError } from '../core/errors.js';
import type { ByteSource } from './byte-source.js';

/** One FASTA record as the `.fai` describes it. */
export interface FaiRecord {
  name: string;
  /** Bases in the record. */
  length: number;
  /** Byte offset of the first base in the (uncompressed) FASTA. */
  offset: number;
  /** Bases per full line (0 only for an empty record). */
  lineBases: number;
  /** Bytes per full line, terminator included. */
  lineBytes: number;
}

const FAI_FIELDS = ['name', 'length', 'offset', 'lineBases', 'lineBytes'] as const;

/**
 * Parses `.fai` text. `file` names the index in errors; `fastaSize` (bytes of the FASTA it
 * indexes), when given, is checked against every record's extent.
 */
export function parseFai(text: string, file: string, fastaSize?: number): FaiRecord[] {
  const records: FaiRecord[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const cols = line.split('\t');
    if (cols.length !== 5) {
      throw new FormatError(file, lineNo, undefined, `expected 5 tab-separated fields (name, length, offset, line bases, line bytes), got ${cols.length}`);
    }
    const [name] = cols as [string];
    if (name === '') throw new FormatError(file, lineNo, 'name', 'empty sequence name');
    if (seen.has(name)) throw new FormatError(file, lineNo, 'name', `duplicate sequence name '${name}'`);
    seen.add(name);
    const numbers = cols.slice(1).map((value, k) => {
      const field = FAI_FIELDS[k + 1]!;
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new FormatError(file, lineNo, field, `expected a non-negative integer, got '${value}'`);
      }
      return Number(value);
    });
    const [length, offset, lineBases, lineBytes] = numbers as [number, number, number, number];
    if (length > 0 && lineBases === 0) throw new FormatError(file, lineNo, 'lineBases', `must be positive for a record of ${length} bases`);
    if (lineBytes < lineBases || (lineBases > 0 && lineBytes === lineBases)) {
      throw new FormatError(file, lineNo, 'lineBytes', `must exceed line bases (${lineBases}) by the line terminator, got ${lineBytes}`);
    }
    const record: FaiRecord = { name, length, offset, lineBases, lineBytes };
    if (fastaSize !== undefined && length > 0 && byteOffset(record, length - 1) >= fastaSize) {
      throw new FormatError(file, lineNo, 'offset', `record '${name}' extends past the end of the FASTA (${fastaSize} bytes): the index does not belong to this file (delete it to rebuild)`);
    }
    records.push(record);
  });
  return records;
}

/** Byte offset of 0-based base `pos` of `record`. */
export function byteOffset(record: FaiRecord, pos: number): number {
  return record.offset + Math.floor(pos / record.lineBases) * record.lineBytes + (pos % record.lineBases);
}

/** `.fai` text for `records`. */
export function formatFai(records: readonly FaiRecord[]): string {
  return records.map((r) => `${r.name}\t${r.length}\t${r.offset}\t${r.lineBases}\t${r.lineBytes}\n`).join('');
}

const CHUNK = 4 << 20;
const NEWLINE = 10;
const CR = 13;
const GT = 62;

interface OpenRecord extends FaiRecord {
  /** Number of sequence lines seen. */
  lines: number;
  /** Line number of a line shorter than lineBases (then it must be the record's last line). */
  shortLine: number | undefined;
  /** Line number of a blank line after sequence lines (then the record must end). */
  blankLine: number | undefined;
}

/**
 * Builds the index of a plain FASTA, applying samtools' rules: every line of a record but the
 * last has the same number of bases and bytes; the last may be shorter; a blank line may only
 * end a record. Names are the header text up to the first space or tab. Errors are
 * FormatErrors naming `file`, the line and the record.
 */
export function buildFastaIndex(source: ByteSource, file: string): FaiRecord[] {
  const records: FaiRecord[] = [];
  const names = new Set<string>();
  let current: OpenRecord | undefined;
  let lineNo = 0;

  const finish = (): void => {
    if (current === undefined) return;
    const { name, length, offset, lineBases, lineBytes } = current;
    records.push({ name, length, offset, lineBases, lineBytes });
    current = undefined;
  };

  // The line is buf[s, e) without its '\n'; `next` is the byte offset after its terminator.
  const onLine = (buf: Buffer, s: number, e: number, next: number): void => {
    lineNo++;
    if (e > s && buf[s] === GT) {
      finish();
      const header = buf.toString('latin1', s + 1, e).replace(/\r$/, '');
      const name = header.split(/[ \t]/, 1)[0]!;
      if (name === '') throw new FormatError(file, lineNo, 'name', 'empty sequence name after ">"');
      if (names.has(name)) throw new FormatError(file, lineNo, 'name', `duplicate sequence name '${name}'`);
      names.add(name);
      current = { name, length: 0, offset: next, lineBases: 0, lineBytes: 0, lines: 0, shortLine: undefined, blankLine: undefined };
      return;
    }
    const bases = e > s && buf[e - 1] === CR ? e - s - 1 : e - s;
    if (bases === 0) {
      if (current === undefined) return; // blank lines before the first record
      if (current.lines === 0) current.offset = next; // blank lines between header and sequence
      else current.blankLine ??= lineNo;
      return;
    }
    if (current === undefined) throw new FormatError(file, lineNo, undefined, "expected a '>' header line before sequence lines (is this a FASTA file?)");
    const where = `record '${current.name}'`;
    if (current.blankLine !== undefined) {
      throw new FormatError(file, current.blankLine, where, `blank line inside the sequence (sequence continues on line ${lineNo})`);
    }
    const bytes = e - s + 1;
    if (current.lines === 0) {
      current.lineBases = bases;
      current.lineBytes = bytes;
    } else if (current.shortLine !== undefined) {
      throw new FormatError(file, current.shortLine, where,
        `inconsistent line lengths: this line differs from the record's ${current.lineBases}-base lines (${current.lineBytes} bytes with terminator) but is not its last line; every line of a record but the last must have the same length`);
    } else if (bases > current.lineBases) {
      throw new FormatError(file, lineNo, where,
        `inconsistent line lengths: ${bases} bases where the record's lines have ${current.lineBases}; every line of a record but the last must have the same length, and the last may only be shorter`);
    } else if (bases < current.lineBases || bytes !== current.lineBytes) {
      current.shortLine = lineNo;
    }
    current.lines++;
    current.length += bases;
  };

  const chunk = Buffer.allocUnsafe(CHUNK);
  let carry: Buffer | undefined; // bytes of a line started in an earlier chunk
  let position = 0;
  for (;;) {
    const n = source.read(chunk, CHUNK, position);
    if (n === 0) break;
    let start = 0;
    while (start < n) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1 || nl >= n) {
        const rest = chunk.subarray(start, n);
        carry = carry === undefined ? Buffer.from(rest) : Buffer.concat([carry, rest]);
        break;
      }
      if (carry === undefined) onLine(chunk, start, nl, position + nl + 1);
      else {
        const line = Buffer.concat([carry, chunk.subarray(start, nl)]);
        carry = undefined;
        onLine(line, 0, line.length, position + nl + 1);
      }
      start = nl + 1;
    }
    position += n;
  }
  if (carry !== undefined && carry.length > 0) onLine(carry, 0, carry.length, position);
  finish();
  if (records.length === 0) throw new FormatError(file, undefined, undefined, "no FASTA records (no '>' header line)");
  return records;
}

/**
 * Writes `.fai` text to `path` atomically (temporary name, then rename). Returns false, leaving
 * nothing behind, when the folder is not writable (EACCES, EPERM, EROFS); other errors throw.
 */
export function writeFaiAtomically(path: string, records: readonly FaiRecord[]): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, formatFai(records), { flag: 'wx' });
    renameSync(tmp, path);
    return true;
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
    throw error;
  }
}
