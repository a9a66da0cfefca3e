/**
 * Small generated genomes for the data-set and loader tests, written as plain FASTA to a
 * temporary folder, with independent helpers (plain string code) for expected values.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../../src/data/random.js';

/** ../shared/data beside the repository (DESIGN.md); tests run from dist/test/data. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));

export type Chromosomes = readonly (readonly [name: string, sequence: string])[];

export interface TempGenome {
  dir: string;
  path: string;
  remove(): void;
}

export function tempDir(prefix = 'strand-data-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `chroms` as FASTA (60 bases a line) in a new temporary folder. */
export function writeGenome(chroms: Chromosomes): TempGenome {
  const { dir, remove } = tempDir();
  const path = join(dir, 'genome.fa');
  const text = chroms.map(([name, seq]) => `>${name}\n${(seq.match(/.{1,60}/g) ?? []).join('\n')}\n`).join('');
  writeFileSync(path, text);
  return { dir, path, remove };
}

/** A random sequence with base probabilities: GC fraction `gc`. */
export function randomDna(random: Random, length: number, gc = 0.5): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = random.next();
    s += r < gc / 2 ? 'G' : r < gc ? 'C' : r < gc + (1 - gc) / 2 ? 'A' : 'T';
  }
  return s;
}

/** GC / (A + C + G + T) of a string, case-insensitive (N and others left out). */
export function gcFraction(seq: string): number {
  let gc = 0;
  let acgt = 0;
  for (const ch of seq.toUpperCase()) {
    if (ch === 'G' || ch === 'C') gc++;
    if ('ACGT'.includes(ch)) acgt++;
  }
  return gc / acgt;
}

/**
 * One-hot of `seq` written the plain way: channel A, C, G, T; N (or any IUPAC) 0.25 in all;
 * outside [0, chromosome) the base is N. Returns [4, L] channel-major.
 */
export function expectedOneHot(chromSeq: string, start: number, length: number, flip: boolean): Float32Array {
  const out = new Float32Array(4 * length);
  for (let i = 0; i < length; i++) {
    const p = start + i;
    const ch = p >= 0 && p < chromSeq.length ? chromSeq[p]!.toUpperCase() : 'N';
    const c = 'ACGT'.indexOf(ch);
    if (c >= 0) out[c * length + i] = 1;
    else for (let k = 0; k < 4; k++) out[k * length + i] = 0.25;
  }
  if (!flip) return out;
  const rc = new Float32Array(4 * length);
  for (let c = 0; c < 4; c++) for (let i = 0; i < length; i++) rc[c * length + i] = out[(3 - c) * length + (length - 1 - i)]!;
  return rc;
}

/**
 * Five random 200-kb chromosomes (chr1..chr5), 60 peaks on each, every peak carrying the E-box
 * CACGTGAC at its centre: the genome and its peaks as BED lines (100 bases around each centre).
 */
export function eboxPeakGenome(seed = 8): { chroms: [string, string][]; peaks: string[] } {
  const random = new Random(seed);
  const motif = 'CACGTGAC';
  const peaks: string[] = [];
  const chroms: [string, string][] = [];
  for (const name of ['chr1', 'chr2', 'chr3', 'chr4', 'chr5']) {
    let seq = randomDna(random, 200_000);
    for (let k = 0; k < 60; k++) {
      const centre = 2_000 + k * 3_200 + random.int(400);
      seq = seq.slice(0, centre - 4) + motif + seq.slice(centre + 4);
      peaks.push(`${name}\t${centre - 50}\t${centre + 50}\tpeak${peaks.length}`);
    }
    chroms.push([name, seq]);
  }
  return { chroms, peaks };
}
