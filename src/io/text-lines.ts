/**
 * Line-by-line reading of text files, plain or gzip (gzip and BGZF are recognised by their
 * magic bytes 1f 8b, not by the file name), streamed so a file is never held in memory whole.
 * Lines carry their 1-based line number so readers can name the line in a `FormatError`.
 * Line ends `\n` and `\r\n` are both accepted; the terminator is not part of the text, and a
 * UTF-8 byte-order mark at the start of the file is dropped.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FormatError, InputError } from '../core/errors.js';

/** One line of a text file. */
export interface TextLine {
  /** The line without its terminator. */
  readonly text: string;
  /** 1-based line number in the (decompressed) file. */
  readonly line: number;
}

/** A run of consecutive lines: `lines[i]` is line `firstLine + i` (1-based). */
export interface TextLineBatch {
  readonly lines: readonly string[];
  readonly firstLine: number;
}

/**
 * True when the file starts with the gzip magic bytes (1f 8b). Missing or unreadable files
 * raise `InputError`. An empty file is not gzip.
 */
export async function isGzipFile(path: string): Promise<boolean> {
  const magic = await readFileStart(path, 2);
  return magic.length === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

/**
 * The first `length` bytes of a file (fewer when the file is shorter).
 * Throws `InputError` naming the path when the file is missing or unreadable (a directory,
 * no permission).
 */
export async function readFileStart(path: string, length: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw fileOpenError(path, cause);
  }
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } catch (cause) {
    throw fileOpenError(path, cause);
  } finally {
    await handle.close();
  }
}

/** The `InputError` for a file that cannot be opened: says which file and why. */
export function fileOpenError(path: string, cause: unknown): InputError {
  const code = (cause as { code?: string } | null)?.code;
  const why =
    code === 'ENOENT' ? 'no such file' :
    code === 'EISDIR' ? 'is a directory, expected a file' :
    code === 'EACCES' ? 'permission denied' :
    `cannot be read (${cause instanceof Error ? cause.message : String(cause)})`;
  return new InputError(`${path}: ${why}`, { cause });
}

/**
 * The bytes of a file, decompressed when it is gzip / BGZF, chunk by chunk. Truncated or
 * corrupt gzip data raises `FormatError(path, …)`; a missing file `InputError`. Breaking out
 * of the loop closes the file.
 */
export async function* readDecompressedChunks(path: string): AsyncGenerator<Uint8Array> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path);
  let source: Readable = file;
  if (gzip) {
    const gunzip = createGunzip();
    // pipeline forwards a read error of the file into the gunzip stream and closes both
    source = pipeline(file, gunzip, () => undefined);
  }
  try {
    for await (const chunk of source) yield chunk as Uint8Array;
  } catch (cause) {
    if (gzip && isZlibError(cause)) {
      throw new FormatError(path, undefined, undefined,
        `gzip data is truncated or corrupt (${(cause as Error).message})`, { cause });
    }
    if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string' && /^E[A-Z]+$/.test(cause.code)) {
      throw fileOpenError(path, cause);
    }
    throw cause;
  } finally {
    source.destroy();
    file.destroy();
  }
}

/**
 * Streams a text file as batches of lines (cheaper than one await per line for big files).
 * Errors as for `readDecompressedChunks`.
 */
export async function* readTextLineBatches(path: string): AsyncGenerator<TextLineBatch> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let nextLine = 1;
  for await (const chunk of readDecompressedChunks(path)) {
    const text = pending + decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    pending = parts.pop() ?? '';
    if (parts.length > 0) {
      for (let i = 0; i < parts.length; i++) parts[i] = stripCr(parts[i]!);
      yield { lines: parts, firstLine: nextLine };
      nextLine += parts.length;
    }
  }
  const rest = pending + decoder.decode();
  if (rest.length > 0) yield { lines: [stripCr(rest)], firstLine: nextLine };
}

/**
 * Streams a text file line by line: `{ text, line }` with 1-based line numbers.
 * A final line without a terminator is still returned; a trailing newline does not add an
 * empty line. Errors as for `readTextLineBatches`.
 */
export async function* readTextLines(path: string): AsyncGenerator<TextLine> {
  for await (const batch of readTextLineBatches(path)) {
    for (let i = 0; i < batch.lines.length; i++) {
      yield { text: batch.lines[i]!, line: batch.firstLine + i };
    }
  }
}

/** How many lines start with a byte that `first` accepts, by a pass over the (decompressed) bytes. */
export async function countLinesStartingWith(path: string, first: (byte: number) => boolean): Promise<number> {
  let count = 0;
  let lineStart = true;
  for await (const bytes of readDecompressedChunks(path)) {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (lineStart && first(b)) count++;
      lineStart = b === 10;
    }
  }
  return count;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function isZlibError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
