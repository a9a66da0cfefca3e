/**
 * 2bit genomes (UCSC format, little-endian, version 0 or 1). The header and sequence index are
 * read with @gmod/twobit; the bulk path reads each chromosome's record header (N blocks, mask
 * blocks) on first use and keeps it (8 bytes per block), then decodes every window from its
 * packed bases with one positioned read (end - start) / 4 bytes long. Memory does not grow
 * with chromosome length. N blocks read as 'N', soft-masked (mask block) bases in lower case.
 */
import { TwoBitFile } from '@gmod/twobit';
import { FormatError, InputError } from '../core/errors.js';
import { FileByteSource } from './byte-source.js';
import { OpenFile } from './open-file.js';
import { SyncGenomeBase } from './sync-genome-base.js';

/** 2bit base codes: T=0, C=1, A=2, G=3, most significant bits first. */
const BASES = [84, 67, 65, 71];
/** UPPER[byte * 4 + k] / LOWER[...]: ASCII of the k-th base packed in `byte`, upper / lower case. */
const UPPER = new Uint8Array(1024);
const LOWER = new Uint8Array(1024);
for (let b = 0; b < 256; b++) {
  for (let k = 0; k < 4; k++) {
    UPPER[b * 4 + k] = BASES[(b >> (6 - 2 * k)) & 3]!;
    LOWER[b * 4 + k] = UPPER[b * 4 + k]! | 0x20;
  }
}

const N = 78;
const LOWER_CASE_BIT = 0x20;
const SCRATCH_BYTES = 1 << 18;

interface Blocks {
  starts: Uint32Array;
  ends: Uint32Array;
}

interface TwoBitRecord {
  length: number;
  /** Byte offset of the packed bases. */
  dnaOffset: number;
  nBlocks: Blocks;
  maskBlocks: Blocks;
}

/** Opens a 2bit file; lengths are read at open, block tables per chromosome on first use. */
export async function openTwoBit(path: string): Promise<TwoBitGenome> {
  // OpenFile: reads bounded by the file, so a damaged name length or count cannot make fs.read abort
  const handle = new OpenFile(path);
  const file = new TwoBitFile({ filehandle: handle });
  let header: { version: number; sequenceCount: number };
  let index: Record<string, number>;
  try {
    header = await file.getHeader();
    if (header.version !== 0 && header.version !== 1) throw new Error(`unsupported 2bit version ${header.version}`);
    index = await file.getIndex();
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(path, undefined, 'header', `not a readable 2bit file: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle.close();
  }
  // record order (= file order); Object.keys would put integer-like names such as '1', '10' first
  const names = Object.keys(index).sort((a, b) => index[a]! - index[b]!);
  if (names.length !== header.sequenceCount) {
    throw new FormatError(path, undefined, 'index', `header announces ${header.sequenceCount} sequences, the index lists ${names.length} distinct names`);
  }
  const source = new FileByteSource(path);
  try {
    const word = new Uint8Array(4);
    const lengths = new Map<string, number>();
    const offsets = new Map<string, number>();
    for (const name of names) {
      const offset = index[name]!;
      // smallest record: dnaSize, nBlockCount, maskBlockCount, reserved
      if (offset + 16 > source.size || source.read(word, 4, offset) !== 4) {
        throw new FormatError(path, undefined, `record '${name}'`, `record at byte ${offset} runs past the end of the file (${source.size} bytes; truncated file?)`);
      }
      lengths.set(name, new DataView(word.buffer).getUint32(0, true));
      offsets.set(name, offset);
    }
    return new TwoBitGenome(path, source, lengths, offsets);
  } catch (error) {
    source.close();
    throw error;
  }
}

export class TwoBitGenome extends SyncGenomeBase {
  #source: FileByteSource;
  #offsets: ReadonlyMap<string, number>;
  #records = new Map<string, TwoBitRecord>();
  #scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

  constructor(path: string, source: FileByteSource, lengths: ReadonlyMap<string, number>, offsets: ReadonlyMap<string, number>) {
    super(path, '2bit', lengths);
    this.#source = source;
    this.#offsets = offsets;
  }

  protected readInto(chrom: string, start: number, end: number, out: Uint8Array, offset: number): void {
    const rec = this.#records.get(chrom) ?? this.#loadRecord(chrom);
    const firstByte = Math.floor(start / 4);
    const byteCount = Math.floor((end - 1) / 4) + 1 - firstByte;
    const packed = byteCount <= this.#scratch.length ? this.#scratch : Buffer.allocUnsafe(byteCount);
    if (this.#source.read(packed, byteCount, rec.dnaOffset + firstByte) !== byteCount) {
      throw new FormatError(this.path, undefined, `record '${chrom}'`, 'the file ends inside the packed bases (truncated file?)');
    }
    // `packed[0]` holds base firstByte * 4; decode masked stretches with the lower-case table
    const base = firstByte * 4;
    let at = start;
    overBlocks(rec.maskBlocks, start, end, (from, to) => {
      decode(packed, base, at, from, out, offset - start, UPPER);
      decode(packed, base, from, to, out, offset - start, LOWER);
      at = to;
    });
    decode(packed, base, at, end, out, offset - start, UPPER);
    overBlocks(rec.nBlocks, start, end, (from, to) => {
      out.fill(N, offset + from - start, offset + to - start);
      for (const [maskFrom, maskTo] of overlaps(rec.maskBlocks, from, to)) out.fill(N | LOWER_CASE_BIT, offset + maskFrom - start, offset + maskTo - start);
    });
  }

  protected release(): void {
    this.#source.close();
    this.#records.clear();
  }

  /** Reads the record header: dnaSize, nBlockCount, starts, sizes, maskBlockCount, starts, sizes, reserved. */
  #loadRecord(chrom: string): TwoBitRecord {
    const length = this.chromosomes().get(chrom);
    const base = this.#offsets.get(chrom);
    if (length === undefined || base === undefined) throw new InputError(`unknown chromosome '${chrom}' in ${this.path}`);
    const where = `record '${chrom}'`;
    let at = base + 4;
    const readBlocks = (kind: string): Blocks => {
      const count = this.#readUint32s(at, 1, where)[0]!;
      if (at + 4 + 8 * count > this.#source.size) throw new FormatError(this.path, undefined, where, `${kind} block count ${count} runs past the end of the file`);
      const values = this.#readUint32s(at + 4, 2 * count, where);
      at += 4 + 8 * count;
      const starts = values.slice(0, count);
      const ends = values.slice(count);
      for (let i = 0; i < count; i++) {
        ends[i] = starts[i]! + ends[i]!;
        if (ends[i]! > length || (i > 0 && starts[i]! < ends[i - 1]!) || ends[i]! < starts[i]!) {
          throw new FormatError(this.path, undefined, where, `${kind} block ${i} (${starts[i]}-${ends[i]}) is unsorted, overlapping or past the sequence end (${length})`);
        }
      }
      return { starts, ends };
    };
    const nBlocks = readBlocks('N');
    const maskBlocks = readBlocks('mask');
    const dnaOffset = at + 4; // reserved word
    if (dnaOffset + Math.ceil(length / 4) > this.#source.size) {
      throw new FormatError(this.path, undefined, where, 'the file ends inside the packed bases (truncated file?)');
    }
    const rec: TwoBitRecord = { length, dnaOffset, nBlocks, maskBlocks };
    this.#records.set(chrom, rec);
    return rec;
  }

  #readUint32s(position: number, count: number, where: string): Uint32Array {
    const bytes = Buffer.allocUnsafe(4 * count);
    if (this.#source.read(bytes, bytes.length, position) !== bytes.length) {
      throw new FormatError(this.path, undefined, where, 'the file ends inside the record header (truncated file?)');
    }
    const values = new Uint32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readUInt32LE(4 * i);
    return values;
  }
}

/**
 * Writes the ASCII of bases [from, to) to out[shift + p] for each base p, where packed[0] holds
 * bases base .. base + 3; whole packed bytes are decoded four bases per table row.
 */
function decode(packed: Uint8Array, base: number, from: number, to: number, out: Uint8Array, shift: number, table: Uint8Array): void {
  let p = from;
  for (; p < to && (p & 3) !== 0; p++) out[shift + p] = table[(packed[(p - base) >>> 2]! << 2) | (p & 3)]!;
  for (; p + 4 <= to; p += 4) {
    const row = packed[(p - base) >>> 2]! << 2;
    const o = shift + p;
    out[o] = table[row]!;
    out[o + 1] = table[row + 1]!;
    out[o + 2] = table[row + 2]!;
    out[o + 3] = table[row + 3]!;
  }
  for (; p < to; p++) out[shift + p] = table[(packed[(p - base) >>> 2]! << 2) | (p & 3)]!;
}

/** The parts of blocks overlapping [start, end), as [from, to) pairs. */
function overlaps(blocks: Blocks, start: number, end: number): [number, number][] {
  const parts: [number, number][] = [];
  overBlocks(blocks, start, end, (from, to) => parts.push([from, to]));
  return parts;
}

/** Calls `fn(from, to)` with the part of every block overlapping [start, end), in order. */
function overBlocks(blocks: Blocks, start: number, end: number, fn: (from: number, to: number) => void): void {
  const { starts, ends } = blocks;
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid]! <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < starts.length && starts[i]! < end; i++) fn(Math.max(start, starts[i]!), Math.min(end, ends[i]!));
}
