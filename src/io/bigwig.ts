/**
 * bigWig reader (through `@gmod/bbi`): base-resolution values and per-bin means over
 * 0-based half-open intervals `[start, end)`, always from the full-resolution data (zoom
 * levels are never used, so the numbers are exact).
 *
 *   const bw = await openBigWig('signal.bw');
 *   const x = await bw.values('chr1', 1000, 2000);          // Float32Array(1000), NaN = no data
 *   const m = await bw.binnedMeans('chr1', 1000, 2000, 100); // Float32Array(10)
 *   await bw.close();
 */
import { BigWig } from '@gmod/bbi';
import { FormatError, InputError } from '../core/errors.js';
import { OpenFile } from './open-file.js';
import { readFileStart } from './text-lines.js';

const BIGWIG_MAGIC = 0x888ffc26;
const BIGBED_MAGIC = 0x8789f2eb;
const CIRTREE_MAGIC = 0x2468ace0;

/** Options for `values` and `binnedMeans`. */
export interface BigWigReadOptions {
  /**
   * The value of bases without data. Default NaN. In `binnedMeans`, NaN bases are left out of
   * a bin's mean (a bin without data is NaN); any other number counts as that value.
   */
  missing?: number;
}

/** An open bigWig file. Create with `openBigWig`; `close()` when done. */
export class BigWigFile {
  /** Chromosome name -> length in bases, in the file's chromosome-id order. */
  readonly chromSizes: ReadonlyMap<string, number>;

  private constructor(
    readonly path: string,
    private readonly file: OpenFile,
    private readonly bbi: BigWig,
    chromSizes: Map<string, number>,
  ) {
    this.chromSizes = chromSizes;
  }

  /** @internal use `openBigWig`. */
  static async open(path: string): Promise<BigWigFile> {
    const magic = await readFileStart(path, 4);
    if (magic.length === 0) throw new FormatError(path, undefined, undefined, 'empty file, expected a bigWig file');
    const word = magic.length === 4 ? new DataView(magic.buffer, magic.byteOffset, 4).getUint32(0, true) : 0;
    if (word === BIGBED_MAGIC) throw new FormatError(path, undefined, undefined, 'is a bigBed file, expected a bigWig file');
    if (word !== BIGWIG_MAGIC) throw new FormatError(path, undefined, undefined, 'not a bigWig file (wrong magic number)');
    const file = new OpenFile(path);
    const bbi = new BigWig({ filehandle: file });
    try {
      // @gmod/bbi walks this tree with unawaited reads: a corrupt tree would reject outside our await
      await checkChromosomeTree(file);
      const header = await bbi.getHeader();
      const size = (await file.stat()).size;
      await checkIndex(file, header.unzoomedIndexOffset, size);
      const chromSizes = new Map<string, number>();
      for (const ref of Object.values(header.refsByNumber)) {
        if (ref === undefined || ref.length === undefined || !(ref.name in header.refsByName)) {
          throw new Error('chromosome tree is incomplete');
        }
        chromSizes.set(ref.name, ref.length);
      }
      if (chromSizes.size === 0) throw new Error('no chromosomes in the chromosome tree');
      return new BigWigFile(path, file, bbi, chromSizes);
    } catch (cause) {
      await file.close();
      if (cause instanceof FormatError || cause instanceof InputError) throw cause;
      throw corrupt(path, cause);
    }
  }

  /**
   * Values at every base of `[start, end)` of `chrom`: Float32Array of length `end - start`.
   * Bases without data get `options.missing` (default NaN). Throws `InputError` for an
   * unknown chromosome or a range outside `[0, chromosome length]`.
   */
  async values(chrom: string, start: number, end: number, options: BigWigReadOptions = {}): Promise<Float32Array> {
    this.checkRange(chrom, start, end);
    const out = new Float32Array(end - start).fill(options.missing ?? Number.NaN);
    const f = await this.features(chrom, start, end);
    for (let i = 0; i < f.starts.length; i++) {
      const s = Math.max(f.starts[i]!, start);
      const e = Math.min(f.ends[i]!, end);
      if (s < e) out.fill(f.scores[i]!, s - start, e - start);
    }
    return out;
  }

  /**
   * Mean value in each of the `(end - start) / binSize` consecutive bins of `[start, end)`
   * (which must divide evenly): Float32Array, bin `i` covering
   * `[start + i * binSize, start + (i + 1) * binSize)`. Bases without data follow
   * `options.missing` (default NaN: left out; a bin without data is NaN). Computed from the
   * full-resolution data in float64, equal to averaging `values()` per bin.
   */
  async binnedMeans(chrom: string, start: number, end: number, binSize: number, options: BigWigReadOptions = {}): Promise<Float32Array> {
    this.checkRange(chrom, start, end);
    if (!Number.isInteger(binSize) || binSize <= 0) throw new InputError(`binSize must be a positive integer, got ${binSize}`);
    if ((end - start) % binSize !== 0) {
      throw new InputError(`the interval length ${end - start} (${chrom}:${start}-${end}) is not a multiple of binSize ${binSize}`);
    }
    const bins = (end - start) / binSize;
    const sums = new Float64Array(bins);
    const covered = new Float64Array(bins);
    const f = await this.features(chrom, start, end);
    for (let i = 0; i < f.starts.length; i++) {
      const s = Math.max(f.starts[i]!, start);
      const e = Math.min(f.ends[i]!, end);
      const score = f.scores[i]!;
      for (let b = Math.floor((s - start) / binSize); b < bins && start + b * binSize < e; b++) {
        const lo = Math.max(s, start + b * binSize);
        const hi = Math.min(e, start + (b + 1) * binSize);
        if (hi > lo) {
          sums[b] += (hi - lo) * score;
          covered[b] += hi - lo;
        }
      }
    }
    const missing = options.missing ?? Number.NaN;
    const out = new Float32Array(bins);
    for (let b = 0; b < bins; b++) {
      out[b] = Number.isNaN(missing)
        ? (covered[b]! > 0 ? sums[b]! / covered[b]! : Number.NaN)
        : (sums[b]! + (binSize - covered[b]!) * missing) / binSize;
    }
    return out;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.file.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private checkRange(chrom: string, start: number, end: number): void {
    const size = this.chromSizes.get(chrom);
    if (size === undefined) {
      const names = [...this.chromSizes.keys()];
      throw new InputError(`${this.path}: chromosome '${chrom}' is not in the bigWig (it has ${names.length}: ` +
        `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''})`);
    }
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > size) {
      throw new InputError(`expected 0 <= start <= end <= ${size} (length of ${chrom}) as integers, got [${start}, ${end})`);
    }
  }

  private async features(chrom: string, start: number, end: number): Promise<{ starts: Int32Array; ends: Int32Array; scores: Float32Array }> {
    if (start === end) return { starts: new Int32Array(0), ends: new Int32Array(0), scores: new Float32Array(0) };
    try {
      // scale Infinity = 0 bases per pixel: no zoom level qualifies, so bbi reads full-resolution data
      return await this.bbi.getFeaturesAsArrays(chrom, start, end, { scale: Number.POSITIVE_INFINITY });
    } catch (cause) {
      throw corrupt(this.path, cause);
    }
  }
}

/**
 * Opens a bigWig file and reads its header and chromosome list. Missing file: `InputError`;
 * not a bigWig (or a bigBed), empty, truncated or corrupt: `FormatError`.
 */
export function openBigWig(path: string): Promise<BigWigFile> {
  return BigWigFile.open(path);
}

function corrupt(path: string, cause: unknown): FormatError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new FormatError(path, undefined, undefined, `truncated or corrupt bigWig file (${why})`, { cause });
}

const BPT_MAGIC = 0x78ca8c91;

/**
 * The chromosome B+ tree (offset at header byte 8) must be whole: its 32-byte header, then
 * nodes (1-byte leaf flag, 1 reserved, u16 count; leaves hold key + u32 id + u32 size, inner
 * nodes key + u64 child offset) that lie inside the file, with at most 16 levels and no node
 * visited twice. Checked before @gmod/bbi reads it, since bbi does not await every node.
 */
async function checkChromosomeTree(file: OpenFile): Promise<void> {
  const size = (await file.stat()).size;
  const head = await file.read(16, 0);
  if (head.length < 16) throw new Error(`the header is cut short (${size} bytes)`);
  const treeOffset = Number(new DataView(head.buffer, head.byteOffset, 16).getBigUint64(8, true));
  const tree = await file.read(32, treeOffset);
  if (tree.length < 32) throw new Error(`the chromosome tree at byte ${treeOffset} is past the end of the file (${size} bytes)`);
  const view = new DataView(tree.buffer, tree.byteOffset, 32);
  if (view.getUint32(0, true) !== BPT_MAGIC) throw new Error(`no chromosome tree at byte ${treeOffset}`);
  const keySize = view.getUint32(8, true);
  const valSize = view.getUint32(12, true);
  if (valSize !== 8) throw new Error(`chromosome tree values are ${valSize} bytes, expected 8`);
  const seen = new Set<number>();
  const visit = async (offset: number, depth: number): Promise<void> => {
    if (depth > 16) throw new Error('the chromosome tree is over 16 levels deep');
    if (seen.has(offset)) throw new Error(`the chromosome tree visits byte ${offset} twice`);
    seen.add(offset);
    const nodeHead = await file.read(4, offset);
    if (nodeHead.length < 4) throw new Error(`a chromosome tree node at byte ${offset} is past the end of the file (${size} bytes)`);
    const isLeaf = nodeHead[0] !== 0;
    const count = nodeHead[2]! | (nodeHead[3]! << 8);
    const itemSize = keySize + (isLeaf ? valSize : 8);
    const end = offset + 4 + count * itemSize;
    if (end > size) throw new Error(`a chromosome tree node at byte ${offset} ends at byte ${end}, past the end of the file (${size} bytes)`);
    if (isLeaf) return;
    const items = await file.read(count * itemSize, offset + 4);
    const itemView = new DataView(items.buffer, items.byteOffset, items.length);
    for (let i = 0; i < count; i++) await visit(Number(itemView.getBigUint64(i * itemSize + keySize, true)), depth + 1);
  };
  await visit(treeOffset + 32, 0);
}

/** The R-tree index header and its root node must lie inside the file. */
async function checkIndex(file: OpenFile, offset: number, size: number): Promise<void> {
  const head = await file.read(52, offset);
  if (head.length < 52) throw new Error(`the data index at byte ${offset} is past the end of the file (${size} bytes)`);
  const view = new DataView(head.buffer, head.byteOffset, head.length);
  if (view.getUint32(0, true) !== CIRTREE_MAGIC) throw new Error(`no data index at byte ${offset}`);
  const isLeaf = view.getUint8(48);
  const count = view.getUint16(50, true);
  const nodeEnd = offset + 52 + count * (isLeaf ? 32 : 24);
  if (nodeEnd > size) throw new Error(`the data index ends at byte ${nodeEnd}, past the end of the file (${size} bytes)`);
}
