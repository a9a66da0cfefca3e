/**
 * Variant effect prediction: a saved sequence model's output for the reference and the
 * alternative window of each allele (see `genomics/variant-windows.ts` for how the windows
 * are built), and effect scores per output.
 *
 * Predictions are the task's values: probabilities for binary (sigmoid) and multiclass
 * (softmax over the classes) models, raw values for regression. With `bothStrands` each is
 * the mean of the prediction on the forward window and on its reverse complement. Scores,
 * computed in float64 from the model's float32 outputs:
 *   ref, alt       the predictions
 *   diff           alt - ref
 *   abs_diff       |alt - ref|
 *   log2fc         log2((alt + 1e-6) / (ref + 1e-6)); NaN when either is <= -1e-6
 *   logit_diff     logit(alt) - logit(ref), probabilities clipped to [1e-12, 1 - 1e-12]
 *                  (binary and multiclass models only; for a binary model on one strand this
 *                  is the difference of the raw outputs)
 * Profile models (profile and counts heads, e.g. bpnet): ref and alt are the predicted log
 * counts, log2fc = (alt - ref) / ln 2, and profile_jsd is the Jensen-Shannon divergence (bits)
 * between the softmax profiles of the two windows, position by position (for indels the
 * positions past the allele are shifted by the length change).
 */
import { InputError } from '../core/index.js';
import { leftAlignWithGenome } from '../genomics/variant-normalize.js';
import { alleleOffset, assembleAltWindow, checkReference, isWindowPlan, planVariantWindows } from '../genomics/variant-windows.js';
import type { VariantAllele, VariantProblem, VariantWindowPlan } from '../genomics/variant-windows.js';
import { isSyncGenome, type Genome } from '../io/genome.js';
import { isLanguageModel } from '../models/language-model.js';
import { readsNucleotides, savedTokenizer, type SavedModel } from '../models/saved-model.js';
import { sequenceModelLength } from './predict.js';
import { embeddingDistances, snvLogLikelihoodRatios } from './zero-shot.js';
import { variantWindowOutputs, variantWindowProfiles, type VariantWindowBatch } from './variant-forward.js';

export type EffectScore = 'ref' | 'alt' | 'diff' | 'abs_diff' | 'log2fc' | 'logit_diff' | 'profile_jsd' | 'llr' | 'embed_cosine' | 'embed_l2';
export const EFFECT_SCORES: readonly EffectScore[] = ['ref', 'alt', 'diff', 'abs_diff', 'log2fc', 'logit_diff', 'profile_jsd', 'llr', 'embed_cosine', 'embed_l2'];
/** The zero-shot scores of a language model (see zero-shot.ts), reported as one output. */
const LM_SCORES: readonly EffectScore[] = ['llr', 'embed_cosine', 'embed_l2'];
const LM_OUTPUT = 'lm';
const isLmTask = (kind: string) => kind === 'masked-lm' || kind === 'causal-lm';

const PSEUDOCOUNT = 1e-6;
const CLIP = 1e-12;

type ScoredTask = 'binary' | 'multiclass' | 'regression' | 'profile';

/** The scores a model's task supports (logit_diff needs probabilities, profile_jsd a profile head). */
export function effectScoresFor(taskKind: string): EffectScore[] {
  if (isLmTask(taskKind)) return [...LM_SCORES];
  const task = scoredTask(taskKind);
  const common: EffectScore[] = ['ref', 'alt', 'diff', 'abs_diff', 'log2fc'];
  return task === 'regression' ? common : task === 'profile' ? [...common, 'profile_jsd'] : [...common, 'logit_diff'];
}

function scoredTask(kind: string): ScoredTask {
  if (kind === 'binary' || kind === 'multiclass' || kind === 'regression' || kind === 'profile') return kind;
  throw new InputError(`variant effects need a binary, multiclass, regression or profile model; this model's task is '${kind}'`);
}

export interface VariantEffectOptions {
  /** Average each prediction over the window and its reverse complement. Default false. */
  bothStrands?: boolean;
  /** Alleles per model batch (each contributes a REF and an ALT window). Default 64. */
  batchSize?: number;
  /** Scores to compute, in this order. Default: all the task supports. */
  scores?: readonly EffectScore[];
  /** Outputs (tasks or classes) to report, by name, in this order. Default: all. */
  outputs?: readonly string[];
  /**
   * Left-align and trim alleles against the genome before placing their windows (bcftools
   * norm -f), so every way of writing an indel in a repeat gives the same windows. Default false:
   * alleles as written.
   */
  leftAlign?: boolean;
}

export interface AlleleEffect {
  /** Why the allele was not scored; then `values` is absent. */
  problem?: VariantProblem;
  /** [outputs, scores] row-major. */
  values?: Float64Array;
}

export interface VariantEffects {
  outputs: string[];
  scores: EffectScore[];
  /** One per input allele, in order. */
  effects: AlleleEffect[];
}

/** Resolves and checks the requested scores against the model's task. */
export function resolveEffectScores(saved: SavedModel, requested?: readonly EffectScore[]): EffectScore[] {
  const nucleotides = readsNucleotides(saved.description);
  const supported = effectScoresFor(saved.description.task.kind).filter((s) => s !== 'llr' || nucleotides);
  if (requested === undefined) return supported;
  for (const s of requested) {
    if (s === 'llr' && !nucleotides) {
      throw new InputError(`score 'llr' needs a language model over single nucleotides; this one reads ${String(saved.description.tokenizer?.kind)} tokens (embed_cosine and embed_l2 work)`);
    }
    if (!supported.includes(s)) {
      throw new InputError(`score '${s}' is not available for a ${saved.description.task.kind} model; choose from ${supported.join(', ')}`);
    }
  }
  return [...requested];
}

/** The names variant effects are reported under: the model's outputs, or 'lm' for a language model's zero-shot scores. */
export function effectOutputNames(saved: SavedModel): readonly string[] {
  return isLmTask(saved.description.task.kind) ? [LM_OUTPUT] : saved.description.task.outputs;
}

/** Indexes of the requested outputs (all by default) in effectOutputNames; an unknown name is an InputError. */
export function resolveOutputs(saved: SavedModel, requested?: readonly string[]): number[] {
  const names = effectOutputNames(saved);
  if (requested === undefined) return names.map((_, t) => t);
  return requested.map((name) => {
    const t = names.indexOf(name);
    if (t < 0) throw new InputError(`unknown output '${name}'; this model's outputs are ${names.slice(0, 10).join(', ')}${names.length > 10 ? `, ... (${names.length})` : ''}`);
    return t;
  });
}

/**
 * Scores `alleles` with `saved` on `genome`. Problems (see `VariantProblemKind`) are returned
 * per allele, never thrown; the REF allele is checked against the genome before scoring.
 */
export async function scoreVariantAlleles(
  saved: SavedModel, genome: Genome, alleles: readonly VariantAllele[], options: VariantEffectOptions = {},
): Promise<VariantEffects> {
  if (isLmTask(saved.description.task.kind)) return scoreAllelesZeroShot(saved, genome, alleles, options);
  const length = sequenceModelLength(saved);
  const task = scoredTask(saved.description.task.kind);
  const scores = resolveEffectScores(saved, options.scores);
  const batchSize = options.batchSize ?? 64;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InputError(`batchSize must be a positive integer, got ${batchSize}`);
  const outputIndex = resolveOutputs(saved, options.outputs);
  const outputs = outputIndex.map((t) => effectOutputNames(saved)[t]!);
  const sizes = genome.chromosomes();
  const effects: AlleleEffect[] = [];
  for (let first = 0; first < alleles.length; first += batchSize) {
    const written = alleles.slice(first, first + batchSize);
    const batch = options.leftAlign === true ? await leftAlignAlleles(genome, written) : written;
    const windows = await readWindows(genome, sizes, batch, length);
    const alts = windows.scorable.map((i) => ({ refRow: windows.refRow[i]!, refLength: batch[i]!.ref.length, altLength: batch[i]!.alt.length }));
    const windowBatch = { bytes: windows.bytes, refCount: windows.refCount, alts };
    const out = task === 'profile' ? profilePredictions(saved, windowBatch, length, options.bothStrands === true) : { values: predictions(saved, windowBatch, length, task, options.bothStrands === true), jsd: undefined };
    const T = saved.description.task.outputs.length;
    const altOffset = windows.refCount * T;
    let next = 0;
    for (let i = 0; i < batch.length; i++) {
      const problem = windows.problems[i];
      if (problem !== undefined) {
        effects.push({ problem });
        continue;
      }
      const r = windows.refRow[i]!;
      const values = new Float64Array(outputIndex.length * scores.length);
      outputIndex.forEach((t, k) =>
        effectScores(out.values[r * T + t]!, out.values[altOffset + next * T + t]!, scores, task, values, k * scores.length, out.jsd?.[next * T + t]),
      );
      next++;
      effects.push({ values });
    }
  }
  return { outputs, scores, effects };
}

/**
 * Writes the requested scores of one output at `out[offset...]`. For a profile model `ref` and
 * `alt` are predicted log counts and `jsd` the profiles' Jensen-Shannon divergence.
 */
export function effectScores(ref: number, alt: number, scores: readonly EffectScore[], task: ScoredTask, out: Float64Array, offset: number, jsd = Number.NaN): void {
  scores.forEach((score, k) => {
    out[offset + k] = score === 'profile_jsd' ? jsd : task === 'profile' && score === 'log2fc' ? (alt - ref) / Math.LN2 : scoreValue(score, ref, alt, task === 'binary' || task === 'multiclass');
  });
}

function scoreValue(score: Exclude<EffectScore, 'profile_jsd'>, ref: number, alt: number, probabilities: boolean): number {
  switch (score) {
    case 'ref':
      return ref;
    case 'alt':
      return alt;
    case 'diff':
      return alt - ref;
    case 'abs_diff':
      return Math.abs(alt - ref);
    case 'log2fc':
      return ref + PSEUDOCOUNT > 0 && alt + PSEUDOCOUNT > 0 ? Math.log2((alt + PSEUDOCOUNT) / (ref + PSEUDOCOUNT)) : Number.NaN;
    case 'logit_diff':
      return probabilities ? logit(alt) - logit(ref) : Number.NaN;
    default:
      return Number.NaN; // the language model scores are computed by scoreAllelesZeroShot
  }
}

function logit(p: number): number {
  const q = Math.min(Math.max(p, CLIP), 1 - CLIP);
  return Math.log(q / (1 - q));
}

interface BatchWindows {
  problems: (VariantProblem | undefined)[];
  /** Row of each scorable allele's REF window (alleles at one site share it). */
  refRow: number[];
  refCount: number;
  /** Indexes of the scorable alleles, in order. */
  scorable: number[];
  /** The REF windows (rows 0 .. refCount - 1), then the ALT windows of the scorable alleles. */
  bytes: Uint8Array;
}

async function readWindows(genome: Genome, sizes: ReadonlyMap<string, number>, batch: readonly VariantAllele[], length: number): Promise<BatchWindows> {
  const sync = isSyncGenome(genome) ? genome : undefined;
  const problems: (VariantProblem | undefined)[] = [];
  const refRow: number[] = [];
  const scorable: number[] = [];
  const refBytes = new Uint8Array(batch.length * length);
  const altBytes = new Uint8Array(batch.length * length);
  const rowOfSite = new Map<string, number>();
  let refCount = 0;
  for (let i = 0; i < batch.length; i++) {
    const allele = batch[i]!;
    const plan = planVariantWindows(allele, length, sizes.get(allele.chrom));
    if (!isWindowPlan(plan)) {
      problems.push(plan);
      refRow.push(-1);
      continue;
    }
    const span = { start: Math.min(plan.ref.start, plan.altLeft.start), end: Math.max(plan.ref.end, plan.altRight.end) };
    const bytes = sync ? sync.fetchBytesSync(allele.chrom, span.start, span.end) : await genome.fetchBytes(allele.chrom, span.start, span.end);
    const slice = (s: { start: number; end: number }): Uint8Array => bytes.subarray(s.start - span.start, s.end - span.start);
    const mismatch = checkReference(allele, Buffer.from(slice(plan.refAllele)).toString('latin1'));
    problems.push(mismatch);
    if (mismatch !== undefined) {
      refRow.push(-1);
      continue;
    }
    const site = `${allele.chrom}\t${allele.start}\t${allele.ref.length}`;
    let row = rowOfSite.get(site);
    if (row === undefined) {
      row = refCount++;
      rowOfSite.set(site, row);
      refBytes.set(slice(plan.ref), row * length);
    }
    refRow.push(row);
    assembleAltWindow(slice(plan.altLeft), allele.alt, slice(plan.altRight), altBytes, scorable.length * length);
    scorable.push(i);
  }
  const bytes = new Uint8Array((refCount + scorable.length) * length);
  bytes.set(refBytes.subarray(0, refCount * length));
  bytes.set(altBytes.subarray(0, scorable.length * length), refCount * length);
  return { problems, refRow, refCount, scorable, bytes };
}

/**
 * The alleles left-aligned and trimmed; alleles that cannot be checked (an unknown chromosome,
 * past its end) or whose REF does not match the genome stay as written, for `readWindows` to report.
 */
export async function leftAlignAlleles(genome: Genome, batch: readonly VariantAllele[]): Promise<VariantAllele[]> {
  const sizes = genome.chromosomes();
  const sync = isSyncGenome(genome) ? genome : undefined;
  const out: VariantAllele[] = [];
  for (const allele of batch) {
    const size = sizes.get(allele.chrom);
    const end = allele.start + allele.ref.length;
    const movable = allele.ref.length !== 1 || allele.alt.length !== 1;
    if (!movable || size === undefined || allele.start < 0 || end > size) {
      out.push(allele);
      continue;
    }
    const fetch = (start: number, stop: number): string | Promise<string> => (sync ? Buffer.from(sync.fetchBytesSync(allele.chrom, start, stop)).toString('latin1') : genome.fetch(allele.chrom, start, stop));
    out.push(await leftAlignWithGenome(allele, fetch));
  }
  return out;
}

/** [refs + alts, outputs] predictions in float64: probabilities or values, optionally strand-averaged. */
function predictions(saved: SavedModel, batch: VariantWindowBatch, length: number, task: ScoredTask, bothStrands: boolean): Float64Array {
  const T = saved.description.task.outputs.length;
  const count = batch.refCount + batch.alts.length;
  if (count === 0) return new Float64Array(0);
  const forward = toPredictions(variantWindowOutputs(saved, batch, length), count, T, task);
  if (!bothStrands) return forward;
  const reverse = toPredictions(variantWindowOutputs(saved, batch, length, { reverseComplement: true }), count, T, task);
  return forward.map((v, i) => (v + reverse[i]!) / 2);
}

/**
 * Predicted log counts [refs + alts, tasks] and, per ALT window and task, the Jensen-Shannon
 * divergence (bits) of its profile (softmax over positions) from its REF window's; with
 * `bothStrands` both are means over the windows and their reverse complements.
 */
function profilePredictions(saved: SavedModel, batch: VariantWindowBatch, length: number, bothStrands: boolean): { values: Float64Array; jsd: Float64Array } {
  const strands = bothStrands ? [false, true] : [false];
  const T = saved.description.task.outputs.length;
  const rows = batch.refCount + batch.alts.length;
  const values = new Float64Array(rows * T);
  const jsd = new Float64Array(batch.alts.length * T);
  if (rows === 0) return { values, jsd };
  for (const reverseComplement of strands) {
    const { counts, profiles, positions } = variantWindowProfiles(saved, batch, length, { reverseComplement });
    counts.forEach((v, i) => (values[i] += v / strands.length));
    batch.alts.forEach((a, k) => {
      for (let t = 0; t < T; t++) {
        const profile = (row: number) => profiles.subarray((row * T + t) * positions, (row * T + t + 1) * positions);
        jsd[k * T + t]! += jensenShannon(profile(a.refRow), profile(batch.refCount + k)) / strands.length;
      }
    });
  }
  return { values, jsd };
}

/** Jensen-Shannon divergence in bits between softmax(a) and softmax(b). */
export function jensenShannon(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const softmax = (x: ArrayLike<number>) => {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]!);
    const e = Float64Array.from(x as ArrayLike<number>, (v) => Math.exp(v - max));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  };
  const [p, q] = [softmax(a), softmax(b)];
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) d += 0.5 * p[i]! * Math.log2(p[i]! / m);
    if (q[i]! > 0) d += 0.5 * q[i]! * Math.log2(q[i]! / m);
  }
  return Math.max(0, d);
}

function toPredictions(raw: Float32Array, count: number, T: number, task: ScoredTask): Float64Array {
  const out = Float64Array.from(raw);
  if (task === 'binary') {
    for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
  } else if (task === 'multiclass') {
    for (let n = 0; n < count; n++) {
      const row = out.subarray(n * T, (n + 1) * T);
      const max = Math.max(...row);
      let sum = 0;
      for (let t = 0; t < T; t++) sum += row[t] = Math.exp(row[t]! - max);
      for (let t = 0; t < T; t++) row[t] = row[t]! / sum;
    }
  }
  return out;
}

export type { VariantAllele, VariantProblem, VariantWindowPlan };

/**
 * A language model's zero-shot scores of `alleles`: `llr` for SNVs (NaN for other alleles),
 * embedding cosine and L2 distances for any allele, from windows of the model's pretraining
 * length with the allele in the middle.
 */
async function scoreAllelesZeroShot(saved: SavedModel, genome: Genome, alleles: readonly VariantAllele[], options: VariantEffectOptions): Promise<VariantEffects> {
  const { model } = saved;
  const length = saved.description.input.length;
  if (!isLanguageModel(model) || length === undefined) throw new InputError('this language model folder has no window length (input.length) in model.json');
  const scores = resolveEffectScores(saved, options.scores);
  resolveOutputs(saved, options.outputs);
  const batchSize = options.batchSize ?? 64;
  const sizes = genome.chromosomes();
  const center = alleleOffset(1, length);
  const effects: AlleleEffect[] = [];
  for (let first = 0; first < alleles.length; first += batchSize) {
    const written = alleles.slice(first, first + batchSize);
    const batch = options.leftAlign === true ? await leftAlignAlleles(genome, written) : written;
    const windows = await readWindows(genome, sizes, batch, length);
    const window = (row: number) => windows.bytes.subarray(row * length, (row + 1) * length);
    const refWindows = windows.scorable.map((i) => window(windows.refRow[i]!));
    const altWindows = windows.scorable.map((_, k) => window(windows.refCount + k));
    const snv = windows.scorable.map((i) => batch[i]!.ref.length === 1 && batch[i]!.alt.length === 1 && /^[ACGT]$/i.test(batch[i]!.ref) && /^[ACGT]$/i.test(batch[i]!.alt));
    const snvRows = windows.scorable.map((_, k) => k).filter((k) => snv[k]);
    const llr = scores.includes('llr')
      ? snvLogLikelihoodRatios(model, snvRows.map((k) => ({ window: refWindows[k]!, center, ref: batch[windows.scorable[k]!]!.ref, alt: batch[windows.scorable[k]!]!.alt })), { bothStrands: options.bothStrands !== false })
      : new Float64Array(0);
    const distances = scores.some((s) => s.startsWith('embed_')) ? embeddingDistances(model, refWindows, altWindows, savedTokenizer(saved.description)) : [];
    const llrOfRow = new Map(snvRows.map((k, j) => [k, llr[j]!]));
    let next = 0;
    for (let i = 0; i < batch.length; i++) {
      const problem = windows.problems[i];
      if (problem !== undefined) {
        effects.push({ problem });
        continue;
      }
      const k = next++;
      const values = Float64Array.from(scores, (s) => (s === 'llr' ? (llrOfRow.get(k) ?? Number.NaN) : s === 'embed_cosine' ? distances[k]!.cosine : distances[k]!.l2));
      effects.push({ values });
    }
  }
  return { outputs: [LM_OUTPUT], scores, effects };
}
