/**
 * A minimal bigWig writer for test fixtures (there is no bigWig writer among our
 * dependencies, and Debian's python3 has no pyBigWig). Follows the UCSC format (Kent et al.
 * 2010, Bioinformatics 26:2204, supplement; kent/src/inc/bbiFile.h, bwgCreate.c):
 *
 *   64-byte header, no zoom levels, 40-byte total summary, chromosome B+ tree (one leaf
 *   node), data section (a u64 block count, then one block per section: a 24-byte section
 *   header and bedGraph / varStep / fixedStep items, optionally zlib-compressed), and an R
 *   tree index (one leaf node holding every block).
 *
 * All numbers little-endian. Coordinates 0-based half-open, as in the file format.
 */
import { deflateSync } from 'node:zlib';

export type BigWigSection =
  | { chrom: string; type: 'bedGraph'; items: readonly (readonly [start: number, end: number, value: number])[] }
  | { chrom: string; type: 'varStep'; span: number; items: readonly (readonly [start: number, value: number])[] }
  | { chrom: string; type: 'fixedStep'; start: number; step: number; span: number; values: readonly number[] };

export interface BigWigSpec {
  /** Chromosomes in the order of their ids. */
  chroms: readonly { name: string; size: number }[];
  /** Sections sorted by chromosome id, then start; one data block each. */
  sections: readonly BigWigSection[];
  /** zlib-compress the data blocks. Default false. */
  compress?: boolean;
}

const BIGWIG_MAGIC = 0x888ffc26;
const BPT_MAGIC = 0x78ca8c91;
const CIRTREE_MAGIC = 0x2468ace0;

class Writer {
  private bytes = new Uint8Array(1 << 12);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    bigger.set(this.bytes);
    this.bytes = bigger;
    this.view = new DataView(bigger.buffer);
  }
  u8(v: number): void { this.reserve(1); this.view.setUint8(this.length, v); this.length += 1; }
  u16(v: number): void { this.reserve(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  u32(v: number): void { this.reserve(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number): void { this.reserve(4); this.view.setInt32(this.length, v, true); this.length += 4; }
  u64(v: number): void { this.reserve(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  f32(v: number): void { this.reserve(4); this.view.setFloat32(this.length, v, true); this.length += 4; }
  f64(v: number): void { this.reserve(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  raw(b: Uint8Array): void { this.reserve(b.length); this.bytes.set(b, this.length); this.length += b.length; }
  patchU64(at: number, v: number): void { this.view.setBigUint64(at, BigInt(v), true); }
  patchU32(at: number, v: number): void { this.view.setUint32(at, v, true); }
  result(): Uint8Array { return this.bytes.slice(0, this.length); }
}

function sectionBounds(s: BigWigSection): { start: number; end: number; count: number } {
  switch (s.type) {
    case 'bedGraph': return { start: s.items[0]![0], end: s.items[s.items.length - 1]![1], count: s.items.length };
    case 'varStep': return { start: s.items[0]![0], end: s.items[s.items.length - 1]![0] + s.span, count: s.items.length };
    case 'fixedStep': return { start: s.start, end: s.start + (s.values.length - 1) * s.step + s.span, count: s.values.length };
  }
}

function encodeSection(s: BigWigSection, chromId: number): Uint8Array {
  const w = new Writer();
  const { start, end, count } = sectionBounds(s);
  w.u32(chromId);
  w.u32(start);
  w.u32(end);
  w.u32(s.type === 'fixedStep' ? s.step : 0);
  w.u32(s.type === 'bedGraph' ? 0 : s.span);
  w.u8(s.type === 'bedGraph' ? 1 : s.type === 'varStep' ? 2 : 3);
  w.u8(0);
  w.u16(count);
  if (s.type === 'bedGraph') for (const [a, b, v] of s.items) { w.i32(a); w.i32(b); w.f32(v); }
  else if (s.type === 'varStep') for (const [a, v] of s.items) { w.i32(a); w.f32(v); }
  else for (const v of s.values) w.f32(v);
  return w.result();
}

/** The bytes of a bigWig file holding `spec`. */
export function writeBigWig(spec: BigWigSpec): Uint8Array {
  const chromIds = new Map(spec.chroms.map((c, i) => [c.name, i]));
  const w = new Writer();
  // header, patched at the end
  w.u32(BIGWIG_MAGIC);
  w.u16(4); // version
  w.u16(0); // zoom levels
  const chromTreeAt = w.length; w.u64(0);
  const dataAt = w.length; w.u64(0);
  const indexAt = w.length; w.u64(0);
  w.u16(0); // fieldCount
  w.u16(0); // definedFieldCount
  w.u64(0); // autoSqlOffset
  const summaryAt = w.length; w.u64(0);
  const bufSizeAt = w.length; w.u32(0);
  w.u64(0); // extension offset
  if (w.length !== 64) throw new Error('header size');

  // total summary over every item
  w.patchU64(summaryAt, w.length);
  let covered = 0, min = Infinity, max = -Infinity, sum = 0, sumSq = 0;
  const add = (span: number, v: number) => {
    covered += span; min = Math.min(min, v); max = Math.max(max, v); sum += span * v; sumSq += span * v * v;
  };
  for (const s of spec.sections) {
    if (s.type === 'bedGraph') for (const [a, b, v] of s.items) add(b - a, v);
    else if (s.type === 'varStep') for (const [, v] of s.items) add(s.span, v);
    else for (const v of s.values) add(s.span, v);
  }
  w.u64(covered); w.f64(min); w.f64(max); w.f64(sum); w.f64(sumSq);

  // chromosome B+ tree: names sorted bytewise in one leaf node
  w.patchU64(chromTreeAt, w.length);
  const keySize = Math.max(...spec.chroms.map((c) => Buffer.byteLength(c.name)));
  const sorted = [...spec.chroms].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  w.u32(BPT_MAGIC); w.u32(Math.max(sorted.length, 1)); w.u32(keySize); w.u32(8); w.u64(sorted.length); w.u64(0);
  w.u8(1); w.u8(0); w.u16(sorted.length);
  for (const c of sorted) {
    const key = new Uint8Array(keySize);
    key.set(Buffer.from(c.name));
    w.raw(key);
    w.u32(chromIds.get(c.name)!);
    w.u32(c.size);
  }

  // data blocks
  w.patchU64(dataAt, w.length);
  w.u64(spec.sections.length);
  const blocks: { chromId: number; start: number; end: number; offset: number; size: number }[] = [];
  let maxBlock = 0;
  for (const s of spec.sections) {
    const chromId = chromIds.get(s.chrom);
    if (chromId === undefined) throw new Error(`unknown chromosome ${s.chrom}`);
    const raw = encodeSection(s, chromId);
    maxBlock = Math.max(maxBlock, raw.length);
    const bytes = spec.compress ? deflateSync(raw) : raw;
    const { start, end } = sectionBounds(s);
    blocks.push({ chromId, start, end, offset: w.length, size: bytes.length });
    w.raw(bytes);
  }
  w.patchU32(bufSizeAt, spec.compress ? maxBlock : 0);

  // R tree index: one leaf node with every block
  const indexStart = w.length;
  w.patchU64(indexAt, indexStart);
  const first = blocks[0]!, last = blocks[blocks.length - 1]!;
  w.u32(CIRTREE_MAGIC); w.u32(Math.max(blocks.length, 1)); w.u64(blocks.length);
  w.u32(first.chromId); w.u32(first.start); w.u32(last.chromId); w.u32(last.end);
  w.u64(indexStart); // end file offset of the data (= start of the index)
  w.u32(1); w.u32(0); // items per slot, reserved
  w.u8(1); w.u8(0); w.u16(blocks.length);
  for (const b of blocks) {
    w.u32(b.chromId); w.u32(b.start); w.u32(b.chromId); w.u32(b.end); w.u64(b.offset); w.u64(b.size);
  }
  return w.result();
}
