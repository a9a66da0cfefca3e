/**
 * Fits every count model on one training set and scores each on held-out sequences: the
 * count-model baselines a genomic language model is compared with.
 */
import type { DnaSequence } from './base-codes.js';
import type { CountModel, CountModelKind } from './count-model.js';
import { crossEntropy, type CrossEntropy } from './cross-entropy.js';
import { MarkovModel } from './markov.js';
import { SymmetricContextModel } from './symmetric.js';

export interface CountModelSpec {
  kind: CountModelKind;
  k: number;
}

/** A new, empty model: `markov` k = 0..10, `symmetric` k = 1..6. */
export function createCountModel(spec: CountModelSpec): CountModel {
  return spec.kind === 'markov' ? new MarkovModel(spec.k) : new SymmetricContextModel(spec.k);
}

export interface CompareCountModelsOptions {
  /** Default 0..10. */
  markovOrders?: readonly number[];
  /** Default 1..6. */
  symmetricOrders?: readonly number[];
  /** Per held-out sequence, a class id per base; results then carry bits per base by class. */
  classes?: readonly Uint8Array[];
}

export interface CountModelResult extends CrossEntropy {
  name: string;
  kind: CountModelKind;
  k: number;
  fittedPositions: number;
  /**
   * Bits per base of the base given both sides (`baseDistribution`), comparable with a
   * masked language model's; for symmetric models the same as `bitsPerBase`.
   */
  maskedBitsPerBase: number;
  fitSeconds: number;
  evaluateSeconds: number;
}

export interface CountModelComparison {
  /** Markov orders ascending, then symmetric. */
  results: CountModelResult[];
  /** Lowest `bitsPerBase`. */
  best: CountModelResult;
  /** Lowest `maskedBitsPerBase`. */
  bestMasked: CountModelResult;
  seconds: number;
}

/**
 * Fits each model on `train` and scores it on `heldOut`, one model in memory at a time
 * (symmetric k = 6 alone takes 268 MB).
 */
export function compareCountModels(train: readonly DnaSequence[], heldOut: readonly DnaSequence[], options: CompareCountModelsOptions = {}): CountModelComparison {
  const specs: CountModelSpec[] = [
    ...(options.markovOrders ?? range(0, 10)).map((k) => ({ kind: 'markov' as const, k })),
    ...(options.symmetricOrders ?? range(1, 6)).map((k) => ({ kind: 'symmetric' as const, k })),
  ];
  const start = performance.now();
  const results = specs.map((spec) => scoreOne(createCountModel(spec), train, heldOut, options.classes));
  const lowest = (key: 'bitsPerBase' | 'maskedBitsPerBase') => results.reduce((a, b) => (b[key] < a[key] ? b : a));
  return { results, best: lowest('bitsPerBase'), bestMasked: lowest('maskedBitsPerBase'), seconds: (performance.now() - start) / 1000 };
}

function scoreOne(model: CountModel, train: readonly DnaSequence[], heldOut: readonly DnaSequence[], classes: readonly Uint8Array[] | undefined): CountModelResult {
  const t0 = performance.now();
  model.fit(train);
  const t1 = performance.now();
  const own = crossEntropy(model, heldOut, classes === undefined ? {} : { classes });
  const masked = model.kind === 'symmetric' ? own : crossEntropy(model, heldOut, { conditional: 'masked' });
  const t2 = performance.now();
  return {
    name: model.name,
    kind: model.kind,
    k: model.k,
    fittedPositions: model.fittedPositions,
    ...own,
    maskedBitsPerBase: masked.bitsPerBase,
    fitSeconds: (t1 - t0) / 1000,
    evaluateSeconds: (t2 - t1) / 1000,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
