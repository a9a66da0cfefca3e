/**
 * Why a variant changes a prediction: saliency (gradient x input; ISM for models gradients do
 * not reach) of one output on the REF and the ALT window, around the allele, for the report's
 * largest effects.
 */
import { InputError } from '../core/index.js';
import { alleleOffset, isWindowPlan, planVariantWindows, type VariantAllele } from '../genomics/variant-windows.js';
import type { Genome } from '../io/genome.js';
import type { SavedModel } from '../models/saved-model.js';
import { quickExplanation } from './explain.js';
import { sequenceModelLength } from './predict.js';

export interface AlleleTrack {
  /** The bases shown, and their attributions ([positions][A, C, G, T]). */
  sequence: string;
  attributions: number[][];
  /** 1-based genome position of the first base shown (for ALT: of the flank left of the allele). */
  firstPosition: number;
}

export interface VariantAttribution {
  /** 'saliency', or 'ism' for a model gradients do not reach. */
  method: 'saliency' | 'ism';
  ref: AlleleTrack;
  alt: AlleleTrack;
}

/**
 * Saliency of `output` on the REF and ALT windows of each allele, `flank` bases either side of
 * the allele. Alleles that cannot be scored (see `planVariantWindows`) are an InputError.
 */
export async function variantAttributions(
  saved: SavedModel, genome: Genome, alleles: readonly VariantAllele[], output: string, { flank = 20 }: { flank?: number } = {},
): Promise<VariantAttribution[]> {
  const length = sequenceModelLength(saved);
  const sizes = genome.chromosomes();
  const windows: string[] = [];
  const shown: { begin: number; end: number; first: number }[] = [];
  for (const allele of alleles) {
    const plan = planVariantWindows(allele, length, sizes.get(allele.chrom));
    if (!isWindowPlan(plan)) throw new InputError(plan.message);
    const [left, right] = await Promise.all([genome.fetch(allele.chrom, plan.altLeft.start, plan.altLeft.end), genome.fetch(allele.chrom, plan.altRight.start, plan.altRight.end)]);
    windows.push(await genome.fetch(allele.chrom, plan.ref.start, plan.ref.end), left + allele.alt + right);
    for (const [alleleLength, windowStart] of [[allele.ref.length, plan.ref.start], [allele.alt.length, plan.altLeft.start]] as const) {
      const at = alleleOffset(alleleLength, length);
      const begin = Math.max(0, at - flank);
      shown.push({ begin, end: Math.min(length, at + alleleLength + flank), first: windowStart + begin + 1 });
    }
  }
  const e = quickExplanation(saved, windows, { task: output });
  const track = (w: number): AlleleTrack => {
    const { begin, end, first } = shown[w]!;
    const attributions: number[][] = [];
    for (let p = begin; p < end; p++) attributions.push(Array.from(e.attributions.subarray((w * length + p) * 4, (w * length + p + 1) * 4)));
    return { sequence: windows[w]!.slice(begin, end), attributions, firstPosition: first };
  };
  const method = e.method === 'ism' ? 'ism' : 'saliency';
  return alleles.map((_, i) => ({ method, ref: track(2 * i), alt: track(2 * i + 1) }));
}
