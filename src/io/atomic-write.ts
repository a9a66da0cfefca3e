/** Writing a file so that it is either absent or complete: temporary name in the same folder, fsync, rename. */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { BgzfEncoder } from './bgzf.js';

/** Writes `content` to `path` so that the file is either absent or complete (see AtomicFileWriter). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const writer = new AtomicFileWriter(path);
  try {
    writer.write(content);
    writer.commit();
  } finally {
    writer.abort(); // no-op after a commit
  }
}

/**
 * A file written piece by piece that appears under its name only when `commit()` succeeds
 * (temporary name in the same folder, fsync, rename); `abort()` removes the temporary file.
 * Text is buffered and written in blocks of about 1 MiB; bytes are written as they come. With `bgzf: true` the bytes are
 * compressed as BGZF (blocked gzip: readable by gunzip, and indexable by tabix).
 */
export class AtomicFileWriter {
  private readonly temporary: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly bgzf: BgzfEncoder | undefined;

  constructor(readonly path: string, { bgzf = false }: { bgzf?: boolean } = {}) {
    this.temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    mkdirSync(dirname(path), { recursive: true }); // an output folder that does not exist yet is made, as the folder commands do
    this.fd = openSync(this.temporary, 'wx');
    this.bgzf = bgzf ? new BgzfEncoder() : undefined;
  }

  write(content: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error(`${this.path}: write after commit or abort`);
    if (typeof content !== 'string') {
      this.flush();
      this.writeBytes(this.bgzf ? this.bgzf.push(content) : content);
      return;
    }
    this.pending.push(content);
    this.pendingLength += content.length;
    if (this.pendingLength >= 1 << 20) this.flush();
  }

  /** Flushes, fsyncs and renames the file into place; on failure the temporary file is removed (`abort`). */
  commit(): void {
    this.flush();
    if (this.bgzf) this.writeBytes(this.bgzf.finish());
    fsyncSync(this.fd!);
    closeSync(this.fd!);
    this.fd = undefined;
    try {
      renameSync(this.temporary, this.path);
    } catch (err) {
      rmSync(this.temporary, { force: true });
      throw err;
    }
  }

  /** Closes and removes the temporary file; the target path is left as it was. */
  abort(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
    rmSync(this.temporary, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    this.writeBytes(this.bgzf ? this.bgzf.push(bytes) : bytes);
  }

  private writeBytes(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd!, bytes, done, bytes.length - done);
  }
}
