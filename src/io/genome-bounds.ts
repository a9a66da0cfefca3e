/**
 * Window checks shared by every genome reader: known chromosome, integer 0-based half-open
 * bounds inside the chromosome. Errors are InputErrors that name the chromosome, the range
 * and the length, or list a few known chromosome names.
 */
import { InputError } from '../core/errors.js';

/** A 0-based half-open window [start, end) on a chromosome, as in BED. */
export interface GenomeInterval {
  chrom: string;
  start: number;
  end: number;
}

const EXAMPLES = 5;

/** `chrom` is unknown: the error says how many chromosomes the genome has and names a few (and a likely match). */
export function unknownChromosome(chrom: string, file: string, known: ReadonlyMap<string, number>): InputError {
  const names = [...known.keys()];
  const alternative = chrom.startsWith('chr') ? chrom.slice(3) : `chr${chrom}`;
  const hint = known.has(alternative) ? `; did you mean '${alternative}'?` : '';
  const examples = names.slice(0, EXAMPLES).join(', ') + (names.length > EXAMPLES ? ', ...' : '');
  return new InputError(`unknown chromosome '${chrom}' in ${file} (${names.length} chromosome${names.length === 1 ? '' : 's'}: ${examples})${hint}`);
}

/** Checks a window against the chromosome lengths; returns the chromosome length. */
export function checkWindow(chrom: string, start: number, end: number, file: string, lengths: ReadonlyMap<string, number>): number {
  const length = lengths.get(chrom);
  if (length === undefined) throw unknownChromosome(chrom, file, lengths);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > length) {
    throw new InputError(
      `window ${chrom}:${start}-${end} is out of range for ${chrom} (length ${length}) in ${file}; windows are 0-based half-open [start, end) with 0 <= start <= end <= length`,
    );
  }
  return length;
}

/** Checks every window; returns the total number of bases. */
export function checkWindows(windows: readonly GenomeInterval[], file: string, lengths: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const w of windows) {
    checkWindow(w.chrom, w.start, w.end, file, lengths);
    total += w.end - w.start;
  }
  return total;
}

/** The output buffer for `total` bases: `out` when it is large enough (from `offset`), else a new one. */
export function outputBuffer(total: number, out: Uint8Array | undefined, offset: number): Uint8Array {
  if (out === undefined) {
    if (offset !== 0) throw new InputError(`an output offset (${offset}) needs an output buffer`);
    return new Uint8Array(total);
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || out.length - offset < total) {
    throw new InputError(`output buffer too small: ${total} bases from offset ${offset} need ${offset + total} bytes, got ${out.length}`);
  }
  return out;
}
