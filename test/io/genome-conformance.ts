/**
 * One suite for every genome reader (plain FASTA, CRLF FASTA, gzip FASTA in memory, BGZF
 * FASTA, 2bit): the same windows, record ends, line-break crossings and bad windows, against
 * sequences known to the test.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { Random } from '../../src/data/random.js';
import { isSyncGenome, type Genome, type GenomeInterval } from '../../src/io/genome.js';
import type { Records } from './genome-fixtures.js';

export interface GenomeCase {
  name: string;
  open(): Promise<Genome>;
  expectedFormat: Genome['format'];
  /** The sequences the file holds, in file order. */
  records: Records;
  /** Line widths of the FASTA (per record), to test windows across line breaks. */
  lineWidths?: readonly number[];
  /** Expect the synchronous path. */
  sync: boolean;
}

function ascii(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function isInputError(pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  };
}

export function genomeReaderCases(c: GenomeCase): void {
  describe(`genome reader: ${c.name}`, () => {
    const expected = new Map(c.records.map(([n, s]) => [n, s]));

    test('format, chromosome names and lengths in file order', async () => {
      const g = await c.open();
      assert.equal(g.format, c.expectedFormat);
      assert.equal(isSyncGenome(g), c.sync);
      assert.deepEqual([...g.chromosomes()], c.records.map(([n, s]) => [n, s.length]));
      await g.close();
    });

    test('whole records, record ends, empty windows', async () => {
      const g = await c.open();
      for (const [name, seq] of c.records) {
        assert.equal(await g.fetch(name, 0, seq.length), seq, name);
        assert.equal(await g.fetch(name, seq.length, seq.length), '');
        if (seq.length === 0) continue;
        assert.equal(await g.fetch(name, 0, 1), seq[0]);
        assert.equal(await g.fetch(name, seq.length - 1, seq.length), seq[seq.length - 1]);
        const tail = Math.max(0, seq.length - 7);
        assert.equal(await g.fetch(name, tail, seq.length), seq.slice(tail));
      }
      await g.close();
    });

    test('windows across line breaks', async () => {
      if (c.lineWidths === undefined) return;
      const g = await c.open();
      for (const [r, [name, seq]] of c.records.entries()) {
        const w: number = c.lineWidths[r]!;
        for (const [s, e] of [[w - 1, w + 1], [w, w + 1], [w - 1, w], [w - 3, 2 * w + 2], [1, 3 * w - 1], [2 * w, 3 * w]] as const) {
          if (s < 0 || e > seq.length) continue;
          assert.equal(await g.fetch(name, s, e), seq.slice(s, e), `${name}:${s}-${e}`);
          assert.equal(ascii(await g.fetchBytes(name, s, e)), seq.slice(s, e), `${name}:${s}-${e}`);
        }
      }
      await g.close();
    });

    test('random windows: fetch, fetchBytes (with offset), fetchWindows agree with the known sequence', async () => {
      const g = await c.open();
      const random = new Random(7);
      const nonEmpty = c.records.filter(([, s]) => s.length > 0);
      const windows: GenomeInterval[] = [];
      for (let i = 0; i < 150; i++) {
        const [chrom, seq] = nonEmpty[random.int(nonEmpty.length)]!;
        const start = random.int(seq.length);
        const end = start + random.int(Math.min(300, seq.length - start) + 1);
        windows.push({ chrom, start, end });
      }
      for (const w of windows.slice(0, 40)) {
        const want = expected.get(w.chrom)!.slice(w.start, w.end);
        assert.equal(await g.fetch(w.chrom, w.start, w.end), want);
        const out = new Uint8Array(w.end - w.start + 5).fill(33);
        const view = await g.fetchBytes(w.chrom, w.start, w.end, out, 3);
        assert.equal(ascii(view), want);
        assert.deepEqual([out[0], out[1], out[2], out[out.length - 2], out[out.length - 1]], [33, 33, 33, 33, 33]);
      }
      const all = windows.map((w) => expected.get(w.chrom)!.slice(w.start, w.end)).join('');
      assert.equal(ascii(await g.fetchWindows(windows)), all);
      const out = new Uint8Array(all.length + 2);
      assert.equal(ascii(await g.fetchWindows(windows, out, 2)), all);
      if (isSyncGenome(g)) assert.equal(ascii(g.fetchWindowsSync(windows)), all);
      await g.close();
    });

    test('bad windows are InputErrors naming chromosome, range and length', async () => {
      const g = await c.open();
      const [name, seq] = c.records.find(([, s]) => s.length > 2)!;
      const L = seq.length;
      await assert.rejects(g.fetch('chrNope', 0, 1), isInputError(new RegExp(`unknown chromosome 'chrNope'.*${c.records.length} chromosome.*${c.records[0]![0]}`)));
      for (const [s, e] of [[0, L + 1], [L, L + 1], [-1, 2], [2, 1], [0.5, 2], [0, Number.NaN]]) {
        await assert.rejects(g.fetch(name, s!, e!), isInputError(new RegExp(`${name}:${s}-${e} is out of range for ${name} \\(length ${L}\\)`)));
      }
      await assert.rejects(g.fetchWindows([{ chrom: name, start: 0, end: 1 }, { chrom: name, start: L - 1, end: L + 10 }]), isInputError(/out of range/));
      await assert.rejects(g.fetchBytes(name, 0, 2, new Uint8Array(1)), isInputError(/output buffer too small/));
      await g.close();
      await assert.rejects(g.fetch(name, 0, 1), isInputError(/closed/));
    });
  });
}
