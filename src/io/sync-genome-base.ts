/**
 * Shared body of the synchronous genome readers: bounds checks, output buffers, the async
 * methods of `Genome` on top of one `readInto` per format.
 */
import { InputError } from '../core/errors.js';
import { checkWindow, checkWindows, outputBuffer, type GenomeInterval } from './genome-bounds.js';
import type { GenomeFormat, SyncGenome } from './genome.js';

export abstract class SyncGenomeBase implements SyncGenome {
  #lengths: ReadonlyMap<string, number>;
  #closed = false;

  protected constructor(
    readonly path: string,
    readonly format: GenomeFormat,
    lengths: ReadonlyMap<string, number>,
  ) {
    this.#lengths = lengths;
  }

  /** Writes bases [start, end) of `chrom` (already checked, end > start) to out[offset, ...). */
  protected abstract readInto(chrom: string, start: number, end: number, out: Uint8Array, offset: number): void;
  protected abstract release(): void;

  chromosomes(): ReadonlyMap<string, number> {
    return this.#lengths;
  }

  fetchBytesSync(chrom: string, start: number, end: number, out?: Uint8Array, offset = 0): Uint8Array {
    this.#checkOpen();
    checkWindow(chrom, start, end, this.path, this.#lengths);
    const target = outputBuffer(end - start, out, offset);
    if (end > start) this.readInto(chrom, start, end, target, offset);
    return target.subarray(offset, offset + end - start);
  }

  fetchWindowsSync(windows: readonly GenomeInterval[], out?: Uint8Array, offset = 0): Uint8Array {
    this.#checkOpen();
    const total = checkWindows(windows, this.path, this.#lengths);
    const target = outputBuffer(total, out, offset);
    let at = offset;
    for (const w of windows) {
      if (w.end > w.start) this.readInto(w.chrom, w.start, w.end, target, at);
      at += w.end - w.start;
    }
    return target.subarray(offset, at);
  }

  async fetch(chrom: string, start: number, end: number): Promise<string> {
    const bytes = this.fetchBytesSync(chrom, start, end);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }

  async fetchBytes(chrom: string, start: number, end: number, out?: Uint8Array, offset = 0): Promise<Uint8Array> {
    return this.fetchBytesSync(chrom, start, end, out, offset);
  }

  async fetchWindows(windows: readonly GenomeInterval[], out?: Uint8Array, offset = 0): Promise<Uint8Array> {
    return this.fetchWindowsSync(windows, out, offset);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.release();
  }

  #checkOpen(): void {
    if (this.#closed) throw new InputError(`genome ${this.path} is closed`);
  }
}
