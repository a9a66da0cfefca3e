/**
 * Reference genome access: one interface over plain FASTA (+ `.fai`), gzip / bgzip FASTA and
 * 2bit, and `openGenome(path)`, which detects the format from the file's first bytes.
 *
 * Coordinates are 0-based half-open [start, end), as in BED. Sequences come back as in the
 * file (soft-masked bases stay lower case; 2bit N blocks are 'N'). Windows outside a
 * chromosome are InputErrors, never clamped.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { FormatError, InputError } from '../core/errors.js';
import { MemoryByteSource } from './byte-source.js';
import type { GenomeInterval } from './genome-bounds.js';
import { openBgzipFasta } from './bgzip-fasta.js';
import { FastaGenome, openFasta } from './fasta.js';
import { fileOpenError } from './text-lines.js';
import { openTwoBit } from './twobit.js';

export type { GenomeInterval } from './genome-bounds.js';

/** How the genome is stored. */
export type GenomeFormat = 'fasta' | 'fasta-gzip' | 'fasta-bgzip' | '2bit';

export interface Genome {
  /** The file the genome was opened from. */
  readonly path: string;
  readonly format: GenomeFormat;
  /** Chromosome name -> length in bases, in file order. */
  chromosomes(): ReadonlyMap<string, number>;
  /** Bases [start, end) of `chrom` as a string (0-based half-open). */
  fetch(chrom: string, start: number, end: number): Promise<string>;
  /**
   * Bases [start, end) of `chrom` as ASCII bytes, written to `out[offset, offset + end - start)`
   * (or to a new array when `out` is omitted). Returns the written bytes as a view.
   */
  fetchBytes(chrom: string, start: number, end: number, out?: Uint8Array, offset?: number): Promise<Uint8Array>;
  /**
   * The bulk path: every window's bases as ASCII bytes, windows concatenated in order, written
   * to `out` from `offset` (or to a new array). All windows are checked before any is read.
   * Returns the written bytes (sum of window lengths) as a view.
   */
  fetchWindows(windows: readonly GenomeInterval[], out?: Uint8Array, offset?: number): Promise<Uint8Array>;
  /** Releases the file; later calls fail. */
  close(): Promise<void>;
}

/** A genome whose reads are synchronous (plain FASTA, gzip FASTA held in memory, 2bit). */
export interface SyncGenome extends Genome {
  /** As `fetchBytes`, synchronously. */
  fetchBytesSync(chrom: string, start: number, end: number, out?: Uint8Array, offset?: number): Uint8Array;
  /** As `fetchWindows`, synchronously. */
  fetchWindowsSync(windows: readonly GenomeInterval[], out?: Uint8Array, offset?: number): Uint8Array;
}

/** Whether `genome` offers the synchronous bulk path (`fetchBytesSync`, `fetchWindowsSync`). */
export function isSyncGenome(genome: Genome): genome is SyncGenome {
  return typeof (genome as Partial<SyncGenome>).fetchBytesSync === 'function';
}

export interface OpenGenomeOptions {
  /**
   * Plain FASTA without a `.fai`: write the index built at open next to the file (atomically:
   * temporary name, then rename). Default true. When false, or when the folder is not
   * writable, the index is kept in memory only. An existing `.fai` is used as it is.
   */
  writeIndex?: boolean;
  /**
   * gzip FASTA without a BGZF index (`.fai` + `.gzi`): the largest uncompressed size, in bytes,
   * that is decompressed into memory (then read synchronously; memory: 1 byte per file byte).
   * Larger files are an InputError asking for `bgzip` + `samtools faidx`. Default 200 MiB.
   */
  maxInMemoryBytes?: number;
}

const DEFAULT_MAX_IN_MEMORY = 200 * 1024 * 1024;

/**
 * Opens a genome, detecting the format from its first bytes:
 * - 2bit (little-endian, version 0 or 1): N blocks and mask blocks of a chromosome are read
 *   on first use (8 bytes per block kept in memory); bases are read per window from the packed
 *   data with positioned reads, so memory does not grow with chromosome length.
 * - BGZF (bgzip) FASTA with `<path>.fai` and `<path>.gzi`: random access through
 *   @gmod/indexedfasta (asynchronous; about 7,000 1-kb windows/s).
 * - any other gzip FASTA (plain gzip, or BGZF without both indexes): decompressed into memory
 *   when at most `maxInMemoryBytes` uncompressed, indexed in memory, then read synchronously.
 * - otherwise plain FASTA, indexed by `<path>.fai` (built when missing, see `writeIndex`),
 *   read synchronously with one positioned read per window.
 */
export async function openGenome(path: string, options: OpenGenomeOptions = {}): Promise<Genome> {
  const maxInMemory = options.maxInMemoryBytes ?? DEFAULT_MAX_IN_MEMORY;
  if (!Number.isSafeInteger(maxInMemory) || maxInMemory < 0) {
    throw new InputError(`maxInMemoryBytes must be a non-negative integer, got ${maxInMemory}`);
  }
  const head = readHead(path);
  if (head.length >= 4 && head[0] === 0x43 && head[1] === 0x27 && head[2] === 0x41 && head[3] === 0x1a) return openTwoBit(path);
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x41 && head[2] === 0x27 && head[3] === 0x43) {
    throw new InputError(`${path} is a big-endian 2bit file, which is not supported; convert it with twoBitToFa and faToTwoBit on a little-endian machine`);
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const bgzf = isBgzf(head);
    if (bgzf && existsSync(`${path}.fai`) && existsSync(`${path}.gzi`)) return openBgzipFasta(path, `${path}.fai`, `${path}.gzi`);
    return openGzipFastaInMemory(path, maxInMemory, bgzf);
  }
  return openFasta(path, { writeIndex: options.writeIndex ?? true });
}

function readHead(path: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(18);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } catch (error) {
    throw fileOpenError(path, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** gzip member with the BGZF extra subfield 'BC' (RFC 1952 FEXTRA, SAM spec section 4.1). */
function isBgzf(head: Uint8Array): boolean {
  return head.length >= 16 && (head[3]! & 4) !== 0 && head[12] === 66 && head[13] === 67;
}

async function openGzipFastaInMemory(path: string, maxBytes: number, bgzf: boolean): Promise<Genome> {
  const compressed = await readFile(path);
  let bytes: Buffer;
  try {
    bytes = await promisify(gunzip)(compressed, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      const fix = bgzf
        ? `index it with \`samtools faidx ${path}\` (writes the .fai and .gzi random access needs)`
        : `recompress it with \`gunzip -c ${path} | bgzip > genome.fa.gz\` and index that with \`samtools faidx genome.fa.gz\`, or decompress it`;
      throw new InputError(`${path} is gzip-compressed without a .fai + .gzi index and over ${maxBytes} bytes uncompressed (maxInMemoryBytes); ${fix}`, { cause: error });
    }
    throw new FormatError(path, undefined, undefined, `cannot decompress gzip data: ${(error as Error).message}`, { cause: error });
  }
  return FastaGenome.fromSource(path, 'fasta-gzip', new MemoryByteSource(bytes));
}
