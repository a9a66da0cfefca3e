/**
 * Batches for genomic language models from unlabelled sequence held in memory as ASCII bytes
 * (chromosome stretches or sequence records): random windows for training, a fixed tiling for
 * validation, tokens (single nucleotides unless a tokenizer is given), and masked-LM or causal-LM
 * targets.
 *
 * A training batch is a pure function of (seed, epoch, batch): windows, strands and masks are
 * drawn from a PRNG seeded with all three, so an interrupted run resumes on the same batches.
 */
import { InputError, tensor } from '../core/index.js';
import { FIRST_BASE_ID, reverseComplementBytes, unknownFraction } from '../genomics/nucleotide-bytes.js';
import type { SequenceTokenizer } from '../genomics/tokenizers/tokens.js';
import type { Batch, BatchSource } from './batch.js';
import { maskTokens, shiftTokens, type MaskedRows } from './lm-masking.js';
import { maskSpanOf, tokenRowsOfWindows, vocabSizeOf } from '../genomics/tokenizers/token-rows.js';
import { Random } from './random.js';

/** A stretch of sequence: `name` says where it is from (e.g. chrIV:0-1390000). */
export interface CorpusRegion {
  name: string;
  bytes: Uint8Array;
  /** Where it sits in a genome (genome corpora). */
  span?: { chrom: string; start: number };
  /** An annotation class code per base (src/genomics/region-classes.ts), for held-out scores by class. */
  classes?: Uint8Array;
}

/** A window of a region: its bases and, when the region has them, their class codes. */
interface Window {
  bytes: Uint8Array;
  classes?: Uint8Array | undefined;
}

export type LmObjective = 'mlm' | 'causal';

export interface LmBatchOptions {
  /** Window length in bases. */
  window: number;
  batchSize: number;
  objective: LmObjective;
  /** Masked-LM fraction. Default 0.15. */
  maskRate?: number;
  /** Loss weight of soft-masked (lower-case) bases. Default 1. */
  softMaskedWeight?: number;
  /** Tokens of the windows. Default single nucleotides. */
  tokenizer?: SequenceTokenizer;
}

export interface LmTrainingOptions extends LmBatchOptions {
  /** Windows drawn per epoch. */
  windowsPerEpoch: number;
  seed: number;
  /** Windows with a larger fraction of N are drawn again (up to 20 times). Default 0.1. */
  maxUnknown?: number;
  /** Chance that a window is read from the reverse strand. Default 0.5. */
  reverseComplement?: number;
  /** Which of several independent streams of windows (a data-parallel rank's). Default 0. */
  stream?: number;
}

/** Bases of the regions long enough to hold a window. */
function usable(regions: readonly CorpusRegion[], window: number): CorpusRegion[] {
  const kept = regions.filter((r) => r.bytes.length >= window);
  if (kept.length === 0) throw new InputError(`no sequence of at least ${window} bases to draw windows from (${regions.length} regions)`);
  return kept;
}

function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return h;
}

/**
 * Token ids and, for scoring, inputs the model does not read (the targets' soft-mask flags, the
 * bases each target token stands for and, when the windows have them, the class code of each
 * target token's first base), targets and weights of windows, as a Batch.
 */
function windowsBatch(windows: readonly Window[], options: LmBatchOptions, random: Random, replaceSome: boolean): Batch {
  const { objective, maskRate = 0.15, softMaskedWeight = 1, tokenizer } = options;
  const n = windows.length;
  const { ids, softMasked, bases, starts, width } = tokenRowsOfWindows(
    windows.map((w) => w.bytes),
    tokenizer,
  );
  const span = tokenizer === undefined ? 1 : maskSpanOf(tokenizer.describe());
  const rows: MaskedRows =
    objective === 'mlm'
      ? maskTokens(ids, n, random, { rate: maskRate, span, vocabSize: vocabSizeOf(tokenizer), softMaskedWeight, replaceSome }, softMasked)
      : shiftTokens(ids, n, { softMaskedWeight }, softMasked);
  const T = rows.input.length / n;
  const toLong = (values: Int32Array) => {
    const t = tensor(values, [n, T]);
    const long = t.toDType('int64');
    t.dispose();
    return long;
  };
  // Per target token (the next token's, for the causal objective).
  const ofTargets = (values: Uint8Array) => (objective === 'mlm' ? values : Uint8Array.from({ length: n * T }, (_, i) => values[Math.floor(i / T) * width + (i % T) + 1]!));
  const scoring = [tensor(ofTargets(softMasked), [n, T]), tensor(ofTargets(bases), [n, T])];
  if (windows.every((w) => w.classes !== undefined)) {
    const classes = new Uint8Array(n * width);
    for (let i = 0; i < classes.length; i++) if (starts[i]! >= 0) classes[i] = windows[Math.floor(i / width)]!.classes![starts[i]!]!;
    scoring.push(tensor(ofTargets(classes), [n, T]));
  }
  return {
    inputs: [toLong(rows.input), ...scoring],
    targets: toLong(rows.target),
    weights: tensor(rows.weight, [n, T]),
  };
}

function checkWindow(options: LmBatchOptions): void {
  if (!Number.isInteger(options.window) || options.window < 2) throw new InputError(`expected a window of at least 2 bases, got ${options.window}`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new InputError(`expected batchSize to be a positive integer, got ${options.batchSize}`);
}

/** Random training windows: uniform over every window position of every region. */
export function lmTrainingBatches(regions: readonly CorpusRegion[], options: LmTrainingOptions): BatchSource {
  checkWindow(options);
  const { window, batchSize, windowsPerEpoch, seed, maxUnknown = 0.1, reverseComplement = 0.5, stream = 0 } = options;
  if (!Number.isInteger(windowsPerEpoch) || windowsPerEpoch < 1) throw new InputError(`expected windowsPerEpoch to be a positive integer, got ${windowsPerEpoch}`);
  const kept = usable(regions, window);
  const starts = kept.map((r) => r.bytes.length - window + 1);
  const cumulative = new Float64Array(kept.length);
  starts.reduce((sum, s, i) => (cumulative[i] = sum + s), 0);
  const total = cumulative[kept.length - 1]!;
  const draw = (random: Random): Window => {
    let bytes: Uint8Array = new Uint8Array(0);
    for (let attempt = 0; attempt < 20; attempt++) {
      const at = Math.floor(random.next() * total);
      let r = 0;
      while (cumulative[r]! <= at) r++;
      const start = at - (r === 0 ? 0 : cumulative[r - 1]!);
      bytes = kept[r]!.bytes.subarray(start, start + window);
      if (unknownFraction(bytes) <= maxUnknown) break;
    }
    return { bytes: random.next() < reverseComplement ? reverseComplementBytes(bytes) : bytes };
  };
  const batchesPerEpoch = Math.ceil(windowsPerEpoch / batchSize);
  return {
    batchesPerEpoch,
    size: windowsPerEpoch,
    *batches(epoch: number, from: number): Iterable<Batch> {
      for (let b = from; b < batchesPerEpoch; b++) {
        const random = new Random(stream === 0 ? mixSeed(seed, epoch, b) : mixSeed(seed, epoch, b, stream));
        const n = Math.min(batchSize, windowsPerEpoch - b * batchSize);
        yield windowsBatch(Array.from({ length: n }, () => draw(random)), options, random, true);
      }
    },
  };
}

/**
 * Validation windows: each region tiled from its start with non-overlapping windows (windows
 * with more than `maxUnknown` N left out), at most `maxWindows` spread evenly over the tiling;
 * the masks are fixed by `seed`, so every evaluation scores the same positions, and every
 * chosen token is [MASK] (no random or kept ones), so the score is a masked-base score.
 */
export function lmValidationBatches(
  regions: readonly CorpusRegion[],
  options: LmBatchOptions & { seed: number; maxWindows?: number; maxUnknown?: number },
): BatchSource & { windows: number } {
  checkWindow(options);
  const { window, batchSize, seed, maxWindows = 512, maxUnknown = 0.1 } = options;
  const tiles: Window[] = [];
  for (const r of usable(regions, window)) {
    for (let s = 0; s + window <= r.bytes.length; s += window) {
      const bytes = r.bytes.subarray(s, s + window);
      if (unknownFraction(bytes) <= maxUnknown) tiles.push({ bytes, classes: r.classes?.subarray(s, s + window) });
    }
  }
  if (tiles.length === 0) throw new InputError(`no validation window of ${window} bases with at most ${maxUnknown * 100}% N`);
  const step = Math.max(1, tiles.length / maxWindows);
  const chosen = Array.from({ length: Math.min(maxWindows, tiles.length) }, (_, i) => tiles[Math.floor(i * step)]!);
  const batchesPerEpoch = Math.ceil(chosen.length / batchSize);
  return {
    batchesPerEpoch,
    size: chosen.length,
    windows: chosen.length,
    *batches(_epoch: number, from: number): Iterable<Batch> {
      for (let b = from; b < batchesPerEpoch; b++) {
        yield windowsBatch(chosen.slice(b * batchSize, (b + 1) * batchSize), options, new Random(mixSeed(seed, 0x7a11d, b)), false);
      }
    },
  };
}

/** The id of base index 0..3 (A, C, G, T). */
export const baseTokenId = (base: number): number => FIRST_BASE_ID + base;
