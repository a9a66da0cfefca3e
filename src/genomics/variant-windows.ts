/**
 * The reference and alternative model windows of one variant allele.
 *
 * Each window is `length` bases centred on its own allele: the reference window on the REF
 * allele `[start, start + ref.length)` of the genome, the alternative window on the ALT
 * allele in the alternative haplotype (genome left of `start`, then ALT, then the genome
 * from `start + ref.length`). For an allele of `n` bases the window starts
 * `ceil((length - n) / 2)` bases before it, so it ends `floor((length - n) / 2)` bases after
 * it; a SNV therefore sits at index `floor(length / 2)` of both windows, and the two windows
 * differ in that base only. Insertions and deletions change which flanking bases fill the
 * window: the alternative window takes more or fewer genome bases on each side so its length
 * stays `length` (the rule kipoi-veff and Selene follow: centre on the variant, fill from the
 * genome). Alleles are used as given (VCF anchor bases included); callers that want one
 * representation per variant left-align them first (variant-normalize.ts).
 *
 * The problems that stop an allele from being scored are returned, never thrown, so callers
 * can count, report, skip or fail as they choose.
 */

/** One ALT allele at a 0-based position: REF occupies `[start, start + ref.length)`. */
export interface VariantAllele {
  chrom: string;
  start: number;
  ref: string;
  alt: string;
}

/** Why an allele cannot be scored. */
export type VariantProblemKind =
  | 'no-alt'
  | 'symbolic'
  | 'breakend'
  | 'spanning-deletion'
  | 'missing-chromosome'
  | 'chromosome-end'
  | 'too-long'
  | 'ref-mismatch';

export const VARIANT_PROBLEM_KINDS: readonly VariantProblemKind[] = [
  'ref-mismatch', 'missing-chromosome', 'chromosome-end', 'symbolic', 'breakend', 'spanning-deletion', 'no-alt', 'too-long',
];

export interface VariantProblem {
  kind: VariantProblemKind;
  /** One line, e.g. `REF 'A' does not match the genome 'G' at z:101`. */
  message: string;
}

/** A genome span to read: `[start, end)` of the allele's chromosome. */
export interface GenomeSpan {
  start: number;
  end: number;
}

/** Where the bases of an allele's two windows come from. */
export interface VariantWindowPlan {
  /** `length` bases of the genome. */
  ref: GenomeSpan;
  /** Genome bases left of the ALT allele, ALT itself, then genome bases right of REF. */
  altLeft: GenomeSpan;
  altRight: GenomeSpan;
  /** The genome span of REF, to check it against the VCF. */
  refAllele: GenomeSpan;
}

const BASES = /^[ACGTN]+$/i;

/** Index in its `length`-base window of the first base of an allele of `alleleLength` bases. */
export function alleleOffset(alleleLength: number, length: number): number {
  return Math.ceil((length - alleleLength) / 2);
}

/**
 * Plans the windows of `allele` for a model reading `length` bases, or names the problem.
 * @param chromosomeSize the allele chromosome's length, undefined when the genome lacks it.
 */
export function planVariantWindows(allele: VariantAllele, length: number, chromosomeSize: number | undefined): VariantWindowPlan | VariantProblem {
  const { chrom, start, ref, alt } = allele;
  const at = `${chrom}:${start + 1}`;
  if (alt === '' || alt === '.') return { kind: 'no-alt', message: `no ALT allele at ${at}` };
  if (alt === '*') return { kind: 'spanning-deletion', message: `ALT '*' (allele missing due to an overlapping deletion) at ${at}` };
  if (alt.startsWith('<')) return { kind: 'symbolic', message: `symbolic ALT ${alt} at ${at} has no sequence to score` };
  if (!BASES.test(alt)) return { kind: 'breakend', message: `breakend ALT ${alt} at ${at} is not a sequence change` };
  if (chromosomeSize === undefined) return { kind: 'missing-chromosome', message: `chromosome '${chrom}' is not in the genome` };
  if (ref.length > length || alt.length > length) {
    return { kind: 'too-long', message: `${ref.length > length ? 'REF' : 'ALT'} of ${Math.max(ref.length, alt.length)} bases at ${at} is longer than the model's ${length}-base window` };
  }
  const refStart = start - alleleOffset(ref.length, length);
  const leftLength = alleleOffset(alt.length, length);
  const rightLength = length - alt.length - leftLength;
  const plan: VariantWindowPlan = {
    ref: { start: refStart, end: refStart + length },
    altLeft: { start: start - leftLength, end: start },
    altRight: { start: start + ref.length, end: start + ref.length + rightLength },
    refAllele: { start, end: start + ref.length },
  };
  const first = Math.min(plan.ref.start, plan.altLeft.start);
  const last = Math.max(plan.ref.end, plan.altRight.end);
  if (first < 0 || last > chromosomeSize) {
    return { kind: 'chromosome-end', message: `the ${length}-base window around ${at} reaches beyond ${chrom}:1-${chromosomeSize}` };
  }
  return plan;
}

/** True when the plan could be made (not a problem). */
export function isWindowPlan(plan: VariantWindowPlan | VariantProblem): plan is VariantWindowPlan {
  return 'ref' in plan;
}

/**
 * Compares the VCF REF with the genome's bases (case-insensitive; a REF `N` matches any base).
 * Returns the problem, or undefined when they agree.
 */
export function checkReference(allele: VariantAllele, genomeBases: string): VariantProblem | undefined {
  const ref = allele.ref.toUpperCase();
  const genome = genomeBases.toUpperCase();
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] !== 'N' && ref[i] !== genome[i]) {
      return { kind: 'ref-mismatch', message: `REF '${allele.ref}' does not match the genome '${genomeBases}' at ${allele.chrom}:${allele.start + 1}` };
    }
  }
  return undefined;
}

/** Writes the ALT window's bytes: left flank, ALT, right flank (each as ASCII). */
export function assembleAltWindow(left: Uint8Array, alt: string, right: Uint8Array, out: Uint8Array, offset: number): void {
  out.set(left, offset);
  for (let i = 0; i < alt.length; i++) out[offset + left.length + i] = alt.charCodeAt(i);
  out.set(right, offset + left.length + alt.length);
}
