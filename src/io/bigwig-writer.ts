/**
 * A bigWig writer (UCSC format: Kent et al. 2010, Bioinformatics 26:2204 and its supplement;
 * kent/src/lib/bbiWrite.c, bwgCreate.c): no maintained writer installs from the registries, so
 * this is Strand's own, checked by reading its files back with @gmod/bbi and pyBigWig.
 *
 * Layout: 64-byte header, zoom headers, total summary, chromosome B+ tree, data section (a u64
 * block count, then zlib-compressed blocks of up to `itemsPerSlot` bedGraph items, one
 * chromosome each), the R-tree index of the data blocks, then per zoom level its summary records
 * (32 bytes each, zlib blocks) and their R tree. Zoom levels start at 10 x the mean item span and
 * grow 4x while they still shrink the data, up to 10 levels, as bedGraphToBigWig does.
 * Little-endian; coordinates 0-based half-open. Intervals must be sorted and non-overlapping
 * within each chromosome (the UCSC rules), values finite.
 */
import { deflateSync } from 'node:zlib';
import { InputError } from '../core/index.js';

export interface BigWigChrom {
  name: string;
  size: number;
}

/** One chromosome's intervals: parallel arrays of starts, ends and values. */
export interface BigWigIntervals {
  chrom: string;
  starts: ArrayLike<number>;
  ends: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface BigWigOptions {
  /** Items per data block (and per R-tree leaf slot group). Default 1024. */
  itemsPerSlot?: number;
  /** Children per B+ / R tree node. Default 256. */
  blockSize?: number;
  /** Zoom levels at most. Default 10. */
  maxZoomLevels?: number;
}

const BIGWIG_MAGIC = 0x888ffc26;
const BPT_MAGIC = 0x78ca8c91;
const CIRTREE_MAGIC = 0x2468ace0;

class ByteWriter {
  private bytes = new Uint8Array(1 << 16);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
    this.view = new DataView(bigger.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
  patchU64(at: number, v: number): void {
    this.view.setBigUint64(at, BigInt(v), true);
  }
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }
  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** A block of the data or a zoom level, as the R tree indexes it. */
interface Block {
  startChrom: number;
  startBase: number;
  endChrom: number;
  endBase: number;
  offset: number;
  size: number;
}

interface Summary {
  chromId: number;
  start: number;
  end: number;
  validCount: number;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
}

/** Checks the intervals against the chromosomes and the UCSC rules; returns them with chromosome ids, in id order. */
function checkedTracks(chroms: readonly BigWigChrom[], tracks: readonly BigWigIntervals[]): { chromId: number; t: BigWigIntervals }[] {
  const ids = new Map<string, number>();
  chroms.forEach((c, i) => {
    if (ids.has(c.name)) throw new InputError(`bigWig: chromosome '${c.name}' listed twice`);
    if (!(Number.isInteger(c.size) && c.size > 0)) throw new InputError(`bigWig: chromosome '${c.name}' has size ${c.size}`);
    ids.set(c.name, i);
  });
  const seen = new Set<string>();
  const out = tracks.map((t) => {
    const chromId = ids.get(t.chrom);
    if (chromId === undefined) throw new InputError(`bigWig: intervals on '${t.chrom}', which is not among the chromosomes`);
    if (seen.has(t.chrom)) throw new InputError(`bigWig: '${t.chrom}' given twice; give each chromosome's intervals once`);
    seen.add(t.chrom);
    const n = t.starts.length;
    if (t.ends.length !== n || t.values.length !== n) throw new InputError(`bigWig: '${t.chrom}' has ${n} starts, ${t.ends.length} ends and ${t.values.length} values`);
    const size = chroms[chromId]!.size;
    for (let i = 0; i < n; i++) {
      const a = t.starts[i]!;
      const b = t.ends[i]!;
      if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a < b && b <= size)) throw new InputError(`bigWig: '${t.chrom}' interval ${i + 1} is ${a}-${b}, outside 0-${size} or empty`);
      if (i > 0 && a < t.ends[i - 1]!) throw new InputError(`bigWig: '${t.chrom}' interval ${i + 1} (${a}-${b}) starts before the previous one ends (${t.ends[i - 1]}): intervals must be sorted and not overlap`);
      if (!Number.isFinite(t.values[i]!)) throw new InputError(`bigWig: '${t.chrom}' interval ${i + 1} has value ${t.values[i]}`);
    }
    return { chromId, t };
  });
  return out.filter((x) => x.t.starts.length > 0).sort((a, b) => a.chromId - b.chromId);
}

/** Zoom summaries of `reduction` bases: one record per bin with data, per chromosome. */
function zoomRecords(tracks: readonly { chromId: number; t: BigWigIntervals }[], chroms: readonly BigWigChrom[], reduction: number): Summary[] {
  const out: Summary[] = [];
  for (const { chromId, t } of tracks) {
    const size = chroms[chromId]!.size;
    let current: Summary | undefined;
    for (let i = 0; i < t.starts.length; i++) {
      let a = t.starts[i]!;
      const b = t.ends[i]!;
      const v = Math.fround(t.values[i]!);
      while (a < b) {
        const bin = Math.floor(a / reduction) * reduction;
        if (current === undefined || current.start !== bin) {
          if (current !== undefined) out.push(current);
          current = { chromId, start: bin, end: Math.min(bin + reduction, size), validCount: 0, min: Infinity, max: -Infinity, sum: 0, sumSquares: 0 };
        }
        const stop = Math.min(b, bin + reduction);
        const span = stop - a;
        current.validCount += span;
        current.min = Math.min(current.min, v);
        current.max = Math.max(current.max, v);
        current.sum += v * span;
        current.sumSquares += v * v * span;
        a = stop;
      }
    }
    if (current !== undefined) out.push(current);
  }
  return out;
}

/** Writes `items` in blocks of `perBlock` (split where the chromosome changes), zlib-compressed; returns the blocks and the largest uncompressed block. */
function writeBlocks<T extends { chromId: number; start: number; end: number }>(w: ByteWriter, items: readonly T[], perBlock: number, encode: (chunk: readonly T[]) => Uint8Array): { blocks: Block[]; largest: number } {
  const blocks: Block[] = [];
  let largest = 0;
  let i = 0;
  while (i < items.length) {
    let j = i + 1;
    while (j < items.length && j - i < perBlock && items[j]!.chromId === items[i]!.chromId) j++;
    const chunk = items.slice(i, j);
    const raw = encode(chunk);
    largest = Math.max(largest, raw.length);
    const packed = deflateSync(raw);
    blocks.push({ startChrom: chunk[0]!.chromId, startBase: chunk[0]!.start, endChrom: chunk[chunk.length - 1]!.chromId, endBase: chunk[chunk.length - 1]!.end, offset: w.length, size: packed.length });
    w.raw(packed);
    i = j;
  }
  return { blocks, largest };
}

/** An R tree over `blocks` (bottom-up, `blockSize` children a node), written at the writer's end. */
function writeRTree(w: ByteWriter, blocks: readonly Block[], blockSize: number, itemsPerSlot: number, dataEnd: number): number {
  const at = w.length;
  const whole = blocks.length === 0 ? { startChrom: 0, startBase: 0, endChrom: 0, endBase: 0 } : span(blocks);
  w.u32(CIRTREE_MAGIC);
  w.u32(blockSize);
  w.u64(blocks.length);
  w.u32(whole.startChrom);
  w.u32(whole.startBase);
  w.u32(whole.endChrom);
  w.u32(whole.endBase);
  w.u64(dataEnd);
  w.u32(itemsPerSlot);
  w.u32(0);
  // Levels from the leaves up; nodes are written root first, so compute each level's node sizes.
  const levels: Block[][][] = [];
  let level: Block[][] = chunk(blocks.length === 0 ? [] : [...blocks], blockSize);
  levels.push(level);
  while (level.length > 1) {
    const parents = chunk(level.map((node) => ({ ...span(node), offset: 0, size: 0 })), blockSize);
    levels.push(parents as unknown as Block[][]);
    level = parents;
  }
  levels.reverse(); // root first
  const leafBytes = 4 + blockSize * 32;
  const nodeBytes = 4 + blockSize * 24;
  let offset = w.length;
  const levelStarts = levels.map((nodes, l) => {
    const start = offset;
    offset += nodes.length * (l === levels.length - 1 ? leafBytes : nodeBytes);
    return start;
  });
  if (blocks.length === 0) {
    w.u8(1);
    w.u8(0);
    w.u16(0);
    return at;
  }
  levels.forEach((nodes, l) => {
    const leaf = l === levels.length - 1;
    nodes.forEach((children, n) => {
      w.u8(leaf ? 1 : 0);
      w.u8(0);
      w.u16(children.length);
      children.forEach((c, k) => {
        w.u32(c.startChrom);
        w.u32(c.startBase);
        w.u32(c.endChrom);
        w.u32(c.endBase);
        if (leaf) {
          w.u64(c.offset);
          w.u64(c.size);
        } else {
          w.u64(levelStarts[l + 1]! + (n * blockSize + k) * (l + 1 === levels.length - 1 ? leafBytes : nodeBytes));
        }
      });
      // Pad the node to its full size so child offsets are computable.
      const slot = leaf ? 32 : 24;
      for (let k = children.length; k < blockSize; k++) for (let b = 0; b < slot; b++) w.u8(0);
    });
  });
  return at;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function span(blocks: readonly { startChrom: number; startBase: number; endChrom: number; endBase: number }[]) {
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  return { startChrom: first.startChrom, startBase: first.startBase, endChrom: last.endChrom, endBase: last.endBase };
}

/** The chromosome B+ tree: names sorted bytewise, `blockSize` keys a node, bottom-up. */
function writeChromTree(w: ByteWriter, chroms: readonly BigWigChrom[], blockSize: number): void {
  const keySize = Math.max(1, ...chroms.map((c) => Buffer.byteLength(c.name)));
  const sorted = chroms.map((c, id) => ({ ...c, id, key: Buffer.from(c.name) })).sort((a, b) => Buffer.compare(a.key, b.key));
  const size = Math.max(1, Math.min(blockSize, sorted.length));
  w.u32(BPT_MAGIC);
  w.u32(size);
  w.u32(keySize);
  w.u32(8);
  w.u64(sorted.length);
  w.u64(0);
  const key = (k: Buffer) => {
    const padded = new Uint8Array(keySize);
    padded.set(k);
    return padded;
  };
  // Levels: leaves hold the chromosomes; each parent level holds the first key of each child.
  const levels: { key: Buffer; id?: number; size?: number }[][][] = [chunk(sorted.map((c) => ({ key: c.key, id: c.id, size: c.size })), size)];
  while (levels[levels.length - 1]!.length > 1) levels.push(chunk(levels[levels.length - 1]!.map((node) => ({ key: node[0]!.key })), size));
  levels.reverse();
  const nodeBytes = 4 + size * (keySize + 8);
  let offset = w.length;
  const starts = levels.map((nodes) => {
    const s = offset;
    offset += nodes.length * nodeBytes;
    return s;
  });
  levels.forEach((nodes, l) => {
    const leaf = l === levels.length - 1;
    nodes.forEach((items, n) => {
      w.u8(leaf ? 1 : 0);
      w.u8(0);
      w.u16(items.length);
      items.forEach((item, k) => {
        w.raw(key(item.key));
        if (leaf) {
          w.u32(item.id!);
          w.u32(item.size!);
        } else {
          w.u64(starts[l + 1]! + (n * size + k) * nodeBytes);
        }
      });
      for (let k = items.length; k < size; k++) w.raw(new Uint8Array(keySize + 8));
    });
  });
}

/** The bytes of a bigWig file of `tracks` (bedGraph items) over `chroms`. */
export function bigWigBytes(chroms: readonly BigWigChrom[], tracks: readonly BigWigIntervals[], options: BigWigOptions = {}): Uint8Array {
  const { itemsPerSlot = 1024, blockSize = 256, maxZoomLevels = 10 } = options;
  if (chroms.length === 0) throw new InputError('bigWig: no chromosomes');
  const data = checkedTracks(chroms, tracks);
  const items = data.flatMap(({ chromId, t }) => Array.from({ length: t.starts.length }, (_, i) => ({ chromId, start: t.starts[i]!, end: t.ends[i]!, value: t.values[i]! })));

  // Zoom levels: 10 x the mean span, then 4x, while a level still has fewer records than the one below.
  const meanSpan = items.length === 0 ? 1 : items.reduce((s, it) => s + it.end - it.start, 0) / items.length;
  const longest = Math.max(...chroms.map((c) => c.size));
  const zooms: { reduction: number; records: Summary[] }[] = [];
  let reduction = Math.max(1, Math.round(meanSpan * 10));
  let previous = items.length;
  while (items.length > 0 && zooms.length < maxZoomLevels && reduction <= longest) {
    const records = zoomRecords(data, chroms, reduction);
    if (records.length >= previous) break;
    zooms.push({ reduction, records });
    previous = records.length;
    reduction *= 4;
  }

  const w = new ByteWriter();
  w.u32(BIGWIG_MAGIC);
  w.u16(4);
  w.u16(zooms.length);
  const chromTreeAt = w.length;
  w.u64(0);
  const dataAt = w.length;
  w.u64(0);
  const indexAt = w.length;
  w.u64(0);
  w.u16(0);
  w.u16(0);
  w.u64(0);
  const summaryAt = w.length;
  w.u64(0);
  const bufSizeAt = w.length;
  w.u32(0);
  w.u64(0);
  const zoomHeadersAt = w.length;
  for (let z = 0; z < zooms.length; z++) {
    w.u32(zooms[z]!.reduction);
    w.u32(0);
    w.u64(0);
    w.u64(0);
  }

  w.patchU64(summaryAt, w.length);
  let covered = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (const it of items) {
    const v = Math.fround(it.value);
    const n = it.end - it.start;
    covered += n;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v * n;
    sumSquares += v * v * n;
  }
  w.u64(covered);
  w.f64(items.length === 0 ? 0 : min);
  w.f64(items.length === 0 ? 0 : max);
  w.f64(sum);
  w.f64(sumSquares);

  w.patchU64(chromTreeAt, w.length);
  writeChromTree(w, chroms, blockSize);

  w.patchU64(dataAt, w.length);
  const dataCountAt = w.length;
  w.u64(0);
  const encodeItems = (chunkItems: readonly (typeof items)[number][]) => {
    const b = new ByteWriter();
    b.u32(chunkItems[0]!.chromId);
    b.u32(chunkItems[0]!.start);
    b.u32(chunkItems[chunkItems.length - 1]!.end);
    b.u32(0);
    b.u32(0);
    b.u8(1); // bedGraph
    b.u8(0);
    b.u16(chunkItems.length);
    for (const it of chunkItems) {
      b.u32(it.start);
      b.u32(it.end);
      b.f32(it.value);
    }
    return b.result();
  };
  const main = writeBlocks(w, items, itemsPerSlot, encodeItems);
  w.patchU64(dataCountAt, main.blocks.length);
  const dataEnd = w.length;
  w.patchU64(indexAt, writeRTree(w, main.blocks, blockSize, itemsPerSlot, dataEnd));
  let largest = main.largest;

  zooms.forEach((zoom, z) => {
    const dataOffset = w.length;
    w.u32(zoom.records.length);
    const encodeSummaries = (records: readonly Summary[]) => {
      const b = new ByteWriter();
      for (const r of records) {
        b.u32(r.chromId);
        b.u32(r.start);
        b.u32(r.end);
        b.u32(r.validCount);
        b.f32(r.min);
        b.f32(r.max);
        b.f32(r.sum);
        b.f32(r.sumSquares);
      }
      return b.result();
    };
    const written = writeBlocks(w, zoom.records, itemsPerSlot, encodeSummaries);
    largest = Math.max(largest, written.largest);
    const indexOffset = writeRTree(w, written.blocks, blockSize, itemsPerSlot, w.length);
    w.patchU64(zoomHeadersAt + z * 24 + 8, dataOffset);
    w.patchU64(zoomHeadersAt + z * 24 + 16, indexOffset);
  });
  w.patchU32(bufSizeAt, largest);
  return w.result();
}
