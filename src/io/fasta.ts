/**
 * Plain FASTA with a `.fai` index, read synchronously: a window is one positioned read of the
 * bytes between its first and last base, then the line terminators are dropped. Also serves
 * gzip FASTA decompressed into memory (same layout, bytes in a buffer).
 */
import { existsSync, readFileSync } from 'node:fs';
import { FormatError } from '../core/errors.js';
import { FileByteSource, type ByteSource } from './byte-source.js';
import { buildFastaIndex, parseFai, writeFaiAtomically, type FaiRecord } from './fasta-index.js';
import type { GenomeFormat } from './genome.js';
import { SyncGenomeBase } from './sync-genome-base.js';
import { fileOpenError } from './text-lines.js';

const SCRATCH_BYTES = 1 << 20;
const NEWLINE = 10;
const CR = 13;

export interface OpenFastaOptions {
  /** Write a missing `.fai` next to the FASTA (atomically). Default true; falls back to memory when the folder is not writable. */
  writeIndex?: boolean;
}

/**
 * Opens a plain (uncompressed) FASTA. Uses `<path>.fai` when present; otherwise builds the
 * index (samtools' line-length rules; FormatError naming file, line and record) and writes it.
 */
export function openFasta(path: string, options: OpenFastaOptions = {}): FastaGenome {
  let source: FileByteSource;
  try {
    source = new FileByteSource(path);
  } catch (error) {
    throw fileOpenError(path, error);
  }
  try {
    const faiPath = `${path}.fai`;
    let records: FaiRecord[];
    if (existsSync(faiPath)) {
      records = parseFai(readFileSync(faiPath, 'utf8'), faiPath, source.size);
    } else {
      records = buildFastaIndex(source, path);
      if (options.writeIndex ?? true) writeFaiAtomically(faiPath, records);
    }
    return new FastaGenome(path, 'fasta', source, records);
  } catch (error) {
    source.close();
    throw error;
  }
}

/** A FASTA laid out as its `.fai` records say, read from a byte source. */
export class FastaGenome extends SyncGenomeBase {
  #source: ByteSource;
  #records: Map<string, FaiRecord>;
  #scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

  constructor(path: string, format: GenomeFormat, source: ByteSource, records: readonly FaiRecord[]) {
    super(path, format, new Map(records.map((r) => [r.name, r.length])));
    this.#source = source;
    this.#records = new Map(records.map((r) => [r.name, r]));
  }

  /** Indexes `source` in memory (nothing written) and wraps it. */
  static fromSource(path: string, format: GenomeFormat, source: ByteSource): FastaGenome {
    return new FastaGenome(path, format, source, buildFastaIndex(source, path));
  }

  protected readInto(chrom: string, start: number, end: number, out: Uint8Array, offset: number): void {
    const rec = this.#records.get(chrom)!;
    const lineBases = rec.lineBases;
    const gap = rec.lineBytes - lineBases;
    const firstLine = Math.floor(start / lineBases);
    const lastLine = Math.floor((end - 1) / lineBases);
    const firstColumn = start - firstLine * lineBases;
    const rawStart = rec.offset + firstLine * rec.lineBytes + firstColumn;
    const rawLength = (lastLine - firstLine) * rec.lineBytes + (end - 1 - lastLine * lineBases) - firstColumn + 1;
    const raw = rawLength <= this.#scratch.length ? this.#scratch : Buffer.allocUnsafe(rawLength);
    if (this.#source.read(raw, rawLength, rawStart) !== rawLength) throw this.#mismatch(rec, 'the file ends before the record does');
    if (firstLine === lastLine) {
      raw.copy(out, offset, 0, rawLength);
      return;
    }
    let src = 0;
    let dst = offset;
    let take = lineBases - firstColumn;
    for (let line = firstLine; line < lastLine; line++) {
      raw.copy(out, dst, src, src + take);
      src += take;
      dst += take;
      const terminator = raw[src];
      if (terminator !== NEWLINE && terminator !== CR) throw this.#mismatch(rec, `expected a line end at byte ${rawStart + src}`);
      src += gap;
      take = lineBases;
    }
    raw.copy(out, dst, src, rawLength);
  }

  protected release(): void {
    this.#source.close();
  }

  #mismatch(rec: FaiRecord, problem: string): FormatError {
    return new FormatError(this.path, undefined, `record '${rec.name}'`, `${problem}: the file does not match its index (if the .fai is stale, delete it to rebuild)`);
  }
}
