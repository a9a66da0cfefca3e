/**
 * A local file kept open for random reads, in the `generic-filehandle2` interface the GMOD
 * readers take. `LocalFile` from generic-filehandle2 opens and closes the file on every read;
 * a loader that reads thousands of windows a second should not. Close it with `close()`.
 */
import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { BufferEncoding, FilehandleOptions, GenericFilehandle, Stats } from 'generic-filehandle2';
import { FormatError } from '../core/errors.js';
import { fileOpenError } from './text-lines.js';

/** The largest single read Node's fs accepts is 2 GiB - 1; reads are cut into pieces of 1 GiB. */
const MAX_READ = 1 << 30;

export class OpenFile implements GenericFilehandle {
  #handle: Promise<FileHandle> | undefined;
  #size: number | undefined;

  /** Does not touch the file; the first read opens it (a missing file is then an `InputError`). */
  constructor(readonly path: string) {}

  /**
   * Up to `length` bytes from byte `position` (fewer at the end of the file, none past it).
   * The parsers that call this take offsets and lengths from the file itself, so a corrupt
   * header or index asks for impossible reads: a position that is not a non-negative integer
   * is a `FormatError` naming the file, and a read never allocates more than the file holds.
   */
  async read(length: number, position = 0): Promise<Uint8Array<ArrayBuffer>> {
    if (!Number.isSafeInteger(position) || position < 0 || Number.isNaN(length)) {
      throw new FormatError(this.path, undefined, undefined, `a read of ${length} bytes at byte ${position} is impossible: a corrupt header or index points outside the file`);
    }
    if (length <= 0) return new Uint8Array(0);
    const handle = await this.#open();
    const size = (this.#size ??= (await handle.stat()).size);
    const wanted = Math.max(0, Math.min(Math.floor(length), size - position));
    const buffer = new Uint8Array(wanted);
    let done = 0;
    while (done < wanted) {
      const { bytesRead } = await handle.read(buffer, done, Math.min(MAX_READ, wanted - done), position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === wanted ? buffer : buffer.slice(0, done);
  }

  readFile(options?: Omit<FilehandleOptions, 'encoding'>): Promise<Uint8Array<ArrayBuffer>>;
  readFile(options: BufferEncoding | (Omit<FilehandleOptions, 'encoding'> & { encoding: BufferEncoding })): Promise<string>;
  async readFile(options?: unknown): Promise<Uint8Array<ArrayBuffer> | string> {
    const encoding = typeof options === 'string' ? options : (options as { encoding?: BufferEncoding } | undefined)?.encoding;
    try {
      if (encoding !== undefined) return await readFile(this.path, { encoding: encoding as NodeJS.BufferEncoding });
      const bytes = await readFile(this.path);
      return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } catch (cause) {
      throw fileOpenError(this.path, cause);
    }
  }

  async stat(): Promise<Stats> {
    try {
      return await stat(this.path);
    } catch (cause) {
      throw fileOpenError(this.path, cause);
    }
  }

  /** Closes the file; a later read opens it again. */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#size = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }

  #open(): Promise<FileHandle> {
    if (this.#handle === undefined) {
      const opening = open(this.path, 'r').catch((cause: unknown) => {
        this.#handle = undefined;
        throw fileOpenError(this.path, cause);
      });
      this.#handle = opening;
    }
    return this.#handle;
  }
}
