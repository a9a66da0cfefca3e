import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.js';
import { isGzipFile, readTextLines } from '../../src/io/text-lines.js';

const tmp = mkdtempSync(join(tmpdir(), 'strand-lines-'));

async function lines(path: string): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for await (const { text, line } of readTextLines(path)) out.push([text, line]);
  return out;
}

test('line numbers, CRLF, blank lines, a last line without newline, BOM dropped', async () => {
  const path = join(tmp, 'a.txt');
  writeFileSync(path, '\uFEFFone\r\n\r\nthree\nfour');
  assert.deepEqual(await lines(path), [['one', 1], ['', 2], ['three', 3], ['four', 4]]);
  assert.equal(await isGzipFile(path), false);
});

test('multi-member gzip (as BGZF writes it, with an empty end member) and a name without .gz', async () => {
  const path = join(tmp, 'no-extension');
  writeFileSync(path, Buffer.concat([gzipSync('a\nb'), gzipSync('c\n'), gzipSync('')]));
  assert.equal(await isGzipFile(path), true);
  assert.deepEqual(await lines(path), [['a', 1], ['bc', 2]]);
});

test('a directory is an InputError naming it', async () => {
  await assert.rejects(lines(tmp), (e: unknown) => e instanceof InputError && e.message === `${tmp}: is a directory, expected a file`);
});

test('multi-byte UTF-8 split across stream chunks is decoded intact', async () => {
  const path = join(tmp, 'utf8.txt');
  const text = `${'é'.repeat(70000)}\nµ\n`;
  writeFileSync(path, text);
  const got = await lines(path);
  assert.equal(got.length, 2);
  assert.equal(got[0]![0], 'é'.repeat(70000));
  assert.equal(got[1]![0], 'µ');
});
