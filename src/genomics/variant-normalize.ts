/**
 * Left-alignment and trimming of a variant allele against the reference (Tan, Abecasis and
 * Kang 2015, the rule of `bcftools norm -f` and `vt normalize`): while REF and ALT end in the
 * same base, drop it; when one becomes empty, extend both by the genome base before them; then
 * drop shared leading bases while both keep at least one. An indel in a repeat moves to its
 * leftmost position, so every way of writing it gives one allele and one window.
 */
import { checkReference, type VariantAllele } from './variant-windows.js';

/** Alleles that are not plain bases (symbolic, breakends, '*') or equal are left as written. */
const PLAIN = /^[ACGTN]+$/;

/**
 * The normalised allele, or 'more' when `context` (genome bases from `contextStart` up to the
 * allele's end) does not reach far enough left: call again with more context.
 */
export function leftAlignAllele(allele: VariantAllele, context: string, contextStart: number): VariantAllele | 'more' {
  let ref = allele.ref.toUpperCase();
  let alt = allele.alt.toUpperCase();
  if (!PLAIN.test(ref) || !PLAIN.test(alt) || ref === alt) return allele;
  let start = allele.start;
  for (;;) {
    let changed = false;
    if (ref.length > 0 && alt.length > 0 && ref[ref.length - 1] === alt[alt.length - 1]) {
      ref = ref.slice(0, -1);
      alt = alt.slice(0, -1);
      changed = true;
    }
    if (ref.length === 0 || alt.length === 0) {
      if (start === 0) return allele; // nothing to anchor on: keep it as written
      if (start - 1 < contextStart) return 'more';
      const base = context[start - 1 - contextStart]!.toUpperCase();
      ref = base + ref;
      alt = base + alt;
      start--;
      changed = true;
    }
    if (!changed) break;
  }
  while (ref.length >= 2 && alt.length >= 2 && ref[0] === alt[0]) {
    ref = ref.slice(1);
    alt = alt.slice(1);
    start++;
  }
  return { chrom: allele.chrom, start, ref, alt };
}

/**
 * `leftAlignAllele` with the genome read as needed: `fetch(start, end)` returns the bases of
 * `[start, end)` of the allele's chromosome. The first read takes 64 bases to the left, each
 * further one twice as many. An allele whose REF does not match the genome is returned as
 * written (for the caller's reference check to report).
 */
export async function leftAlignWithGenome(allele: VariantAllele, fetch: (start: number, end: number) => string | Promise<string>): Promise<VariantAllele> {
  const end = allele.start + allele.ref.length;
  for (let reach = 64; ; reach *= 2) {
    const contextStart = Math.max(0, allele.start - reach);
    const context = await fetch(contextStart, end);
    if (reach === 64 && checkReference(allele, context.slice(allele.start - contextStart)) !== undefined) return allele;
    const result = leftAlignAllele(allele, context, contextStart);
    if (result !== 'more') return result;
  }
}
