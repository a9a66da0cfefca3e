/**
 * bgzip-compressed FASTA with `.fai` and `.gzi` (as `samtools faidx` writes them), read through
 * @gmod/indexedfasta. Asynchronous; each window decompresses the BGZF blocks it spans.
 */
import { readFileSync } from 'node:fs';
import { BgzipIndexedFasta } from '@gmod/indexedfasta';
import { FormatError, InputError } from '../core/errors.js';
import { checkWindow, checkWindows, outputBuffer, type GenomeInterval } from './genome-bounds.js';
import { parseFai } from './fasta-index.js';
import { BgzfBlockFile } from './bgzf-block-file.js';
import { OpenFile } from './open-file.js';
import type { Genome } from './genome.js';

/** Opens `path` (BGZF FASTA) with its faidx index `faiPath` and BGZF block index `gziPath`. */
export function openBgzipFasta(path: string, faiPath: string, gziPath: string): BgzipFastaGenome {
  const records = parseFai(readFileSync(faiPath, 'utf8'), faiPath);
  // reads bounded by the file (a corrupt .gzi cannot ask for gigabytes), blocks checked before inflating
  const files = [new BgzfBlockFile(path), new OpenFile(faiPath), new OpenFile(gziPath)] as const;
  const fasta = new BgzipIndexedFasta({ fasta: files[0], fai: files[1], gzi: files[2] });
  return new BgzipFastaGenome(path, fasta, new Map(records.map((r) => [r.name, r.length])), files);
}

export class BgzipFastaGenome implements Genome {
  readonly format = 'fasta-bgzip' as const;
  #fasta: BgzipIndexedFasta;
  #lengths: ReadonlyMap<string, number>;
  #closed = false;

  #files: readonly OpenFile[];

  constructor(readonly path: string, fasta: BgzipIndexedFasta, lengths: ReadonlyMap<string, number>, files: readonly OpenFile[] = []) {
    this.#fasta = fasta;
    this.#lengths = lengths;
    this.#files = files;
  }

  chromosomes(): ReadonlyMap<string, number> {
    return this.#lengths;
  }

  async fetch(chrom: string, start: number, end: number): Promise<string> {
    this.#checkOpen();
    checkWindow(chrom, start, end, this.path, this.#lengths);
    return this.#read(chrom, start, end);
  }

  async fetchBytes(chrom: string, start: number, end: number, out?: Uint8Array, offset = 0): Promise<Uint8Array> {
    return this.fetchWindows([{ chrom, start, end }], out, offset);
  }

  async fetchWindows(windows: readonly GenomeInterval[], out?: Uint8Array, offset = 0): Promise<Uint8Array> {
    this.#checkOpen();
    const total = checkWindows(windows, this.path, this.#lengths);
    const target = outputBuffer(total, out, offset);
    const view = Buffer.from(target.buffer, target.byteOffset, target.length);
    let at = offset;
    for (const w of windows) {
      at += view.write(await this.#read(w.chrom, w.start, w.end), at, 'latin1');
    }
    return target.subarray(offset, at);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#files.map((f) => f.close()));
  }

  async #read(chrom: string, start: number, end: number): Promise<string> {
    if (end === start) return '';
    let seq: string | undefined;
    try {
      seq = await this.#fasta.getSequence(chrom, start, end);
    } catch (cause) {
      if (cause instanceof FormatError || cause instanceof InputError) throw cause;
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new FormatError(this.path, undefined, `record '${chrom}'`, `cannot read ${start}-${end} (${why}): the bgzip file or its .fai/.gzi index is truncated or corrupt`, { cause });
    }
    if (seq === undefined || seq.length !== end - start) {
      throw new FormatError(this.path, undefined, `record '${chrom}'`, `expected ${end - start} bases at ${start}-${end}, got ${seq?.length ?? 0}: the file does not match its .fai/.gzi`);
    }
    return seq;
  }

  #checkOpen(): void {
    if (this.#closed) throw new InputError(`genome ${this.path} is closed`);
  }
}
