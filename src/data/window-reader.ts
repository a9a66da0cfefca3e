/**
 * Reading and encoding batches of fixed-length genomic windows: the work a loader worker
 * does, shared by the worker threads and the in-thread path so both give the same bytes.
 *
 * Pure JavaScript: imports only io / genomics readers and the error classes (never the
 * native addon), so worker threads can load it without libtorch.
 *
 * Windows may reach below 0 or past their chromosome's end (windows kept with the "pad"
 * option): the bases outside the chromosome read as 'N'.
 */
import { InputError } from '../core/errors.js';
import { oneHotBytes } from '../genomics/encode-bytes.js';
import type { Genome, GenomeInterval, SyncGenome } from '../io/genome.js';
import { reverseComplementInPlace } from '../genomics/one-hot-arrays.js';

/** ASCII 'N', the base of padding outside a chromosome. */
export const PAD_BASE = 78;

function isSync(genome: Genome): genome is SyncGenome {
  return typeof (genome as Partial<SyncGenome>).fetchWindowsSync === 'function';
}

/** The checks and padding plan for a list of windows of one length. */
interface ReadPlan {
  /** True when every window lies inside its chromosome (the bulk path applies). */
  inside: boolean;
}

function planWindows(genome: Genome, windows: readonly GenomeInterval[], length: number, out: Uint8Array, offset: number): ReadPlan {
  if (!Number.isSafeInteger(length) || length <= 0) throw new InputError(`window length must be a positive integer, got ${length}`);
  if (!Number.isSafeInteger(offset) || offset < 0 || out.length - offset < windows.length * length) {
    throw new InputError(`output too small: ${windows.length} windows of ${length} bases from offset ${offset} need ${offset + windows.length * length} bytes, got ${out.length}`);
  }
  const sizes = genome.chromosomes();
  let inside = true;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    if (w.end - w.start !== length || !Number.isSafeInteger(w.start)) {
      throw new InputError(`window ${i} (${w.chrom}:${w.start}-${w.end}) is not ${length} bases long`);
    }
    const size = sizes.get(w.chrom);
    if (size === undefined) throw new InputError(`window ${i}: unknown chromosome '${w.chrom}' in ${genome.path}`);
    if (w.start < 0 || w.end > size) inside = false;
  }
  return { inside };
}

/** The part of window `w` inside its chromosome, as a fetch, and where it goes in the window. */
function insidePart(w: GenomeInterval, size: number): { start: number; end: number; skip: number } {
  const start = Math.max(0, w.start);
  const end = Math.min(size, w.end);
  return { start, end: Math.max(start, end), skip: start - w.start };
}

/**
 * Writes the bases of `windows` (each `length` bases) as ASCII bytes to `out` from `offset`,
 * window after window; bases outside the chromosome are 'N'. Synchronous genomes only.
 * Throws InputError for an unknown chromosome or a window of another length.
 */
export function readWindowBytesSync(genome: SyncGenome, windows: readonly GenomeInterval[], length: number, out: Uint8Array, offset = 0): void {
  const { inside } = planWindows(genome, windows, length, out, offset);
  if (inside) {
    genome.fetchWindowsSync(windows, out, offset);
    return;
  }
  const sizes = genome.chromosomes();
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    const at = offset + i * length;
    const part = insidePart(w, sizes.get(w.chrom)!);
    if (part.end - part.start < length) out.fill(PAD_BASE, at, at + length);
    if (part.end > part.start) genome.fetchBytesSync(w.chrom, part.start, part.end, out, at + part.skip);
  }
}

/** As `readWindowBytesSync`, for any genome (synchronous ones are read synchronously). */
export async function readWindowBytes(genome: Genome, windows: readonly GenomeInterval[], length: number, out: Uint8Array, offset = 0): Promise<void> {
  if (isSync(genome)) {
    readWindowBytesSync(genome, windows, length, out, offset);
    return;
  }
  const { inside } = planWindows(genome, windows, length, out, offset);
  if (inside) {
    await genome.fetchWindows(windows, out, offset);
    return;
  }
  const sizes = genome.chromosomes();
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    const at = offset + i * length;
    const part = insidePart(w, sizes.get(w.chrom)!);
    if (part.end - part.start < length) out.fill(PAD_BASE, at, at + length);
    if (part.end > part.start) await genome.fetchBytes(w.chrom, part.start, part.end, out, at + part.skip);
  }
}

/** One batch of windows to read, in the compact form sent to a worker. */
export interface WindowBatchRequest {
  /** Per sample: index into the chromosome name table. */
  chromIds: Int32Array;
  /** Per sample: 0-based window start (may be negative for padded windows). */
  starts: Float64Array;
  /** Per sample: 1 to reverse-complement the encoded sample. */
  flips: Uint8Array;
}

export interface EncodeWindowsOptions {
  /** Value of the four channels for N / IUPAC codes: 0.25 (default) or 0. */
  unknown?: 0 | 0.25;
}

/** The windows of a request as interval objects. */
export function requestWindows(request: WindowBatchRequest, chromNames: readonly string[], length: number): GenomeInterval[] {
  const n = request.chromIds.length;
  const windows: GenomeInterval[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const chrom = chromNames[request.chromIds[i]!];
    if (chrom === undefined) throw new InputError(`chromosome id ${request.chromIds[i]} is not in the name table`);
    const start = request.starts[i]!;
    windows[i] = { chrom, start, end: start + length };
  }
  return windows;
}

/**
 * Reads and encodes one batch: `[n, 4, length]` float32 one-hot (channel-major, A C G T),
 * flipped samples reverse-complemented. `bytes` is scratch space of at least n * length
 * bytes (allocated when omitted).
 */
export async function encodeWindowBatch(
  genome: Genome, chromNames: readonly string[], length: number, request: WindowBatchRequest,
  options: EncodeWindowsOptions = {}, bytes?: Uint8Array,
): Promise<Float32Array> {
  const n = request.chromIds.length;
  if (request.starts.length !== n || request.flips.length !== n) {
    throw new InputError(`expected chromIds, starts and flips of one length, got ${n}, ${request.starts.length}, ${request.flips.length}`);
  }
  const windows = requestWindows(request, chromNames, length);
  const scratch = bytes !== undefined && bytes.length >= n * length ? bytes : new Uint8Array(n * length);
  await readWindowBytes(genome, windows, length, scratch, 0);
  const out = new Float32Array(n * 4 * length);
  oneHotBytes(scratch.subarray(0, n * length), length, out, 0, { unknown: options.unknown ?? 0.25 });
  for (let i = 0; i < n; i++) if (request.flips[i] === 1) reverseComplementInPlace(out, i * 4 * length, length);
  return out;
}

/** Base counts of one window's bytes: A/C/G/T (either case), G/C, and N (either case). */
export interface BaseCounts {
  acgt: number;
  gc: number;
  n: number;
}

/** Counts the bases of `bytes[from, to)`. */
export function countBases(bytes: Uint8Array, from: number, to: number): BaseCounts {
  let acgt = 0;
  let gc = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i]! | 0x20; // lower case
    if (b === 0x61 || b === 0x74) acgt++; // a t
    else if (b === 0x63 || b === 0x67) {
      acgt++;
      gc++;
    } // c g
    else if (b === 0x6e) n++; // n
  }
  return { acgt, gc, n };
}
