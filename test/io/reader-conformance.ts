/**
 * One bad-input suite for every file reader (STYLE.md, tests kind 3). Each reader's test file
 * calls `readerConformance(spec)`; the cases are the same for all:
 *
 * - a missing file is an `InputError` naming the path;
 * - an empty file is a `FormatError` naming the file (or, for formats where an empty file is
 *   valid, no records);
 * - text readers: the gzip copy of a valid file reads the same as the plain one, and so does a
 *   CRLF copy; a truncated gzip file is a `FormatError` naming the file and gzip;
 * - binary readers: a truncated file is a `FormatError` naming the file;
 * - a malformed line is a `FormatError` whose message starts `file: line N: field: `, with
 *   `file`, `line` and `field` set on the error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError, InputError } from '../../src/core/errors.js';

export interface ReaderSpec {
  /** Shown in test names. */
  name: string;
  /** File name (extension matters to some readers) used for the generated files. */
  fileName: string;
  /** Reads the whole file at `path` and returns something comparable with deepEqual. */
  read(path: string): Promise<unknown>;
  /** Contents of a small valid file. */
  valid: string | Uint8Array;
  /** Whether the format is text (gzip and CRLF cases) or binary (truncation case). */
  kind: 'text' | 'binary';
  /** What an empty file gives: a FormatError, or this value (e.g. `[]` for BED). */
  empty: 'error' | { value: unknown };
  /** A malformed file and where the error must point. `field` undefined: no field expected. */
  malformed: { contents: string | Uint8Array; line: number | undefined; field: string | undefined }[];
}

export function readerConformance(spec: ReaderSpec): void {
  describe(`${spec.name}: reader conformance`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'strand-conformance-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    let counter = 0;
    const write = (contents: string | Uint8Array, name = spec.fileName): string => {
      const sub = join(dir, String(counter++));
      const path = join(sub, name);
      mkdirSync(sub, { recursive: true });
      writeFileSync(path, contents);
      return path;
    };

    test('missing file -> InputError naming the path', async () => {
      const path = join(dir, 'does-not-exist', spec.fileName);
      await assert.rejects(spec.read(path), (e: unknown) => e instanceof InputError && e.message.includes(path));
    });

    test('empty file', async () => {
      const path = write('');
      if (spec.empty === 'error') {
        await assert.rejects(spec.read(path), (e: unknown) => e instanceof FormatError && e.file === path && e.message.startsWith(path));
      } else {
        assert.deepEqual(await spec.read(path), spec.empty.value);
      }
    });

    if (spec.kind === 'text') {
      test('gzip and CRLF copies read the same as the plain file', async () => {
        const plain = await spec.read(write(spec.valid));
        assert.deepEqual(await spec.read(write(gzipSync(spec.valid), `${spec.fileName}.gz`)), plain);
        const text = typeof spec.valid === 'string' ? spec.valid : new TextDecoder().decode(spec.valid);
        assert.deepEqual(await spec.read(write(text.replace(/\n/g, '\r\n'))), plain);
      });

      test('truncated gzip -> FormatError naming the file', async () => {
        const gz = gzipSync(typeof spec.valid === 'string' ? spec.valid.repeat(4) : spec.valid);
        const path = write(gz.subarray(0, Math.floor(gz.length * 0.6)), `${spec.fileName}.gz`);
        await assert.rejects(spec.read(path), (e: unknown) =>
          e instanceof FormatError && e.file === path && /gzip/.test(e.message) && e.message.startsWith(path));
      });
    } else {
      test('truncated file -> FormatError naming the file', async () => {
        const bytes = typeof spec.valid === 'string' ? new TextEncoder().encode(spec.valid) : spec.valid;
        for (const length of [16, Math.floor(bytes.length / 2), bytes.length - 8]) {
          const path = write(bytes.subarray(0, length));
          await assert.rejects(spec.read(path), (e: unknown) => e instanceof FormatError && e.file === path && e.message.startsWith(path),
            `truncated to ${length} of ${bytes.length} bytes`);
        }
      });
    }

    spec.malformed.forEach((bad, i) => {
      const where = [bad.line === undefined ? '' : `line ${bad.line}`, bad.field ?? ''].filter(Boolean).join(', ');
      test(`malformed input ${i + 1} -> FormatError at ${where || 'file level'}`, async () => {
        const path = write(bad.contents);
        await assert.rejects(spec.read(path), (e: unknown) => {
          assert.ok(e instanceof FormatError, `expected a FormatError, got ${String(e)}`);
          assert.equal(e.file, path);
          assert.equal(e.line, bad.line);
          assert.equal(e.field, bad.field);
          const prefix = [path, bad.line === undefined ? undefined : `line ${bad.line}`, bad.field].filter(Boolean).join(': ');
          assert.ok(e.message.startsWith(`${prefix}: `), e.message);
          return true;
        });
      });
    });
  });
}
