/**
 * The real files the fuzz inputs start from: excerpts (the first lines) of the shared data
 * sets (`../shared/data`, DESIGN.md) and the test fixtures, read once and cached. Excerpts
 * keep each input a few KiB so that thousands of inputs run in minutes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { constants, gunzipSync } from 'node:zlib';

/** ../shared/data beside the repository; the tests run from dist/test/fuzz. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

const cache = new Map<string, Uint8Array>();

/** The bytes of `path`; with `gunzip` (default) a `.gz` file's start, decompressed (for excerpts only). */
export function realFile(path: string, { gunzip = true } = {}): Uint8Array {
  const key = `${path}\u0000${gunzip}`;
  let bytes = cache.get(key);
  if (bytes === undefined) {
    const raw = readFileSync(path);
    // the first 512 KiB of a gzip file is plenty for an excerpt (some data sets are 100 MB unpacked)
    bytes = gunzip && path.endsWith('.gz')
      ? new Uint8Array(gunzipSync(raw.subarray(0, 512 * 1024), { finishFlush: constants.Z_SYNC_FLUSH }))
      : new Uint8Array(raw);
    cache.set(key, bytes);
  }
  return bytes;
}

/** The first `lines` lines of a (gunzipped) real file, each cut to `maxLineBytes`. */
export function excerpt(path: string, lines: number, maxLineBytes = 4096): Uint8Array {
  const text = Buffer.from(realFile(path)).toString('latin1');
  const kept = text.split('\n').slice(0, lines).map((l) => (l.length > maxLineBytes ? l.slice(0, maxLineBytes) : l));
  return Buffer.from(`${kept.join('\n')}\n`, 'latin1');
}

/** The lines of a text excerpt, as latin1 strings (for seeds built from real records). */
export function excerptLines(path: string, lines: number): string[] {
  return Buffer.from(excerpt(path, lines)).toString('latin1').split('\n').filter((l) => l.length > 0);
}

export const data = (relative: string): string => `${SHARED_DATA}${relative}`;
export const fixture = (relative: string): string => `${FIXTURES}${relative}`;
