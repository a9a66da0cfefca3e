/**
 * Random-access byte sources for the synchronous genome readers: a file read with positioned
 * `fs.readSync` (pread), or a buffer already in memory. Positions are 0-based byte offsets.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Copies up to `length` bytes starting at byte `position` into `into[0, length)`.
   * Returns the number of bytes copied (less than `length` only at the end of the source).
   */
  read(into: Uint8Array, length: number, position: number): number;
  close(): void;
}

/** A file opened once; every read is one positioned read (no shared file position). */
export class FileByteSource implements ByteSource {
  readonly size: number;
  #fd: number | undefined;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'r');
    this.size = fstatSync(this.#fd).size;
  }

  read(into: Uint8Array, length: number, position: number): number {
    if (this.#fd === undefined) throw new Error(`${this.path} is closed`);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, into, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Bytes held in memory (e.g. a decompressed gzip file). */
export class MemoryByteSource implements ByteSource {
  readonly size: number;
  #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
    this.size = bytes.length;
  }

  read(into: Uint8Array, length: number, position: number): number {
    const end = Math.min(this.size, position + length);
    return end > position ? this.#bytes.copy(into, 0, position, end) : 0;
  }

  close(): void {
    this.#bytes = Buffer.alloc(0);
  }
}
