/**
 * A local file kept open for random reads, in the `generic-filehandle2` interface the GMOD
 * readers take. `LocalFile` from generic-filehandle2 opens and closes the file on every read;
 * a loader that reads thousands of windows a second should not. Close it with `close()`.
 */
import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { BufferEncoding, FilehandleOptions, GenericFilehandle, Stats } from 'generic-filehandle2';
import { fileOpenError } from './text-lines.js';

export class OpenFile implements GenericFilehandle {
  #handle: Promise<FileHandle> | undefined;

  /** Does not touch the file; the first read opens it (a missing file is then an `InputError`). */
  constructor(readonly path: string) {}

  /** Up to `length` bytes from byte `position` (fewer at the end of the file). */
  async read(length: number, position = 0): Promise<Uint8Array<ArrayBuffer>> {
    if (length <= 0) return new Uint8Array(0);
    const handle = await this.#open();
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return bytesRead === length ? buffer : buffer.slice(0, bytesRead);
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
