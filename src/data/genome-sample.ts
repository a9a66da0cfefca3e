/**
 * A deterministic sample of a genome's bases: windows spread evenly over all chromosomes
 * (laid end to end in file order), for learning from a genome without reading all of it
 * (e.g. BPE tokenizer training).
 */
import { InputError } from '../core/errors.js';
import type { Genome, GenomeInterval } from '../io/genome.js';

/** Length of the sampled windows unless told otherwise. */
export const DEFAULT_SAMPLE_WINDOW = 10_000;

/**
 * Windows holding at most `bases` bases in all: the whole genome when it is no larger, else
 * `ceil(bases / windowLength)` windows of `floor(bases / count)` bases starting at evenly
 * spaced points of the concatenated chromosomes (a window that would run past its chromosome's
 * end stops there).
 */
export function evenGenomeWindows(chromosomes: ReadonlyMap<string, number>, bases: number, windowLength = DEFAULT_SAMPLE_WINDOW): GenomeInterval[] {
  if (!Number.isSafeInteger(bases) || bases < 1) throw new InputError(`expected bases to be a positive integer, got ${bases}`);
  if (!Number.isSafeInteger(windowLength) || windowLength < 1) throw new InputError(`expected windowLength to be a positive integer, got ${windowLength}`);
  const sizes = [...chromosomes].filter(([, size]) => size > 0);
  const total = sizes.reduce((n, [, size]) => n + size, 0);
  if (total <= bases) return sizes.map(([chrom, size]) => ({ chrom, start: 0, end: size }));
  const count = Math.ceil(bases / windowLength);
  const length = Math.floor(bases / count);
  const windows: GenomeInterval[] = [];
  let chromosome = 0;
  let chromosomeStart = 0;
  for (let w = 0; w < count; w++) {
    const at = Math.floor((w * total) / count);
    while (at >= chromosomeStart + sizes[chromosome]![1]) chromosomeStart += sizes[chromosome++]![1];
    const [chrom, size] = sizes[chromosome]!;
    const start = at - chromosomeStart;
    windows.push({ chrom, start, end: Math.min(size, start + length) });
  }
  return windows;
}

/** The bases of `evenGenomeWindows(genome.chromosomes(), bases, windowLength)`, one string a window. */
export async function readGenomeSample(genome: Genome, bases: number, windowLength = DEFAULT_SAMPLE_WINDOW): Promise<string[]> {
  const out: string[] = [];
  for (const w of evenGenomeWindows(genome.chromosomes(), bases, windowLength)) out.push(await genome.fetch(w.chrom, w.start, w.end));
  return out;
}
