/** Model windows centred on BED intervals, read from a genome, for the commands that take --bed. */
import { InputError } from '../core/index.js';
import { centerWindow } from '../genomics/intervals.js';
import type { BedRecord } from '../io/bed.js';
import type { Genome } from '../io/genome.js';

export interface NamedWindow {
  id: string;
  sequence: string;
  /** Where the window lies (it may reach past the chromosome: N there). */
  chrom: string;
  start: number;
}

/** The window of `length` centred on a BED record; past a chromosome end it is padded with N. */
export async function bedWindow(r: BedRecord, genome: Genome, genomePath: string, bedPath: string, length: number): Promise<NamedWindow> {
  const size = genome.chromosomes().get(r.chrom);
  if (size === undefined) throw new InputError(`${bedPath}: chromosome '${r.chrom}' is not in ${genomePath}`);
  const w = centerWindow(r, length);
  const start = Math.max(0, w.start);
  const end = Math.min(size, w.end);
  const bases = 'N'.repeat(start - w.start) + (await genome.fetch(r.chrom, start, end)) + 'N'.repeat(w.end - end);
  return { id: r.name ?? `${r.chrom}:${r.start}-${r.end}`, sequence: bases, chrom: r.chrom, start: w.start };
}
