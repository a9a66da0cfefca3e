/**
 * What a masked language model says about each base of a sequence, as an explanation: every
 * position masked in turn, the model's log-probabilities of A, C, G, T there, as in-silico
 * mutagenesis scores log P(base) - log P(reference base) (GPN's zero-shot score of every
 * possible SNV; 0 for the reference base), both strands averaged. The prediction of a
 * sequence is its pseudo-log-likelihood, the mean log2 P(reference base) over its positions.
 */
import { InputError } from '../core/index.js';
import { fitLength } from '../data/labelled-sequences.js';
import { reverseComplementBytes } from '../genomics/nucleotide-bytes.js';
import { isLanguageModel } from '../models/language-model.js';
import { maskedBaseDistributions } from '../models/lm-predictions.js';
import { readsNucleotides, type SavedModel } from '../models/saved-model.js';
import type { Explanation } from './explain.js';

const BASE_INDEX: Readonly<Record<string, number>> = { A: 0, C: 1, G: 2, T: 3 };

export const PSEUDO_LOG_LIKELIHOOD = 'pseudo-log-likelihood (mean bits per base)';

/** [L][4] log P(base) at each masked position, the two strands averaged (reverse strand mapped back). */
function maskedLogProbs(saved: SavedModel, sequence: string): number[][] {
  if (!isLanguageModel(saved.model)) throw new InputError('expected a language model');
  const bytes = Buffer.from(sequence, 'latin1');
  const forward = maskedBaseDistributions(saved.model, bytes);
  const reverse = maskedBaseDistributions(saved.model, reverseComplementBytes(bytes));
  const L = sequence.length;
  return forward.map((p, i) => p.map((v, b) => (Math.log(v) + Math.log(reverse[L - 1 - i]![3 - b]!)) / 2));
}

/** Why `saved` cannot be explained this way, or undefined when it can. */
function refusal(saved: SavedModel): string | undefined {
  if (!isLanguageModel(saved.model)) return 'expected a language model';
  if (saved.description.task.kind !== 'masked-lm') return `masked-LM ISM needs a masked language model; this one is '${saved.description.task.kind}'`;
  if (!readsNucleotides(saved.description)) return `masked-LM ISM needs a language model over single nucleotides; this one reads ${String(saved.description.tokenizer?.kind)} tokens`;
  if (saved.description.input.length === undefined) return 'this language model records no window length';
  return undefined;
}

export function explainLanguageModel(saved: SavedModel, sequences: readonly string[], onProgress?: (done: number, total: number) => void): Explanation {
  const problem = refusal(saved);
  if (problem !== undefined) throw new InputError(problem);
  const length = saved.description.input.length!;
  if (sequences.length === 0) throw new InputError('expected at least one sequence to explain');
  saved.model.eval();
  const fitted = sequences.map((s) => fitLength(s, length));
  const attributions = new Float32Array(fitted.length * length * 4);
  const predictions = new Float32Array(fitted.length);
  fitted.forEach((sequence, n) => {
    const logp = maskedLogProbs(saved, sequence);
    let total = 0;
    let scored = 0;
    logp.forEach((p, i) => {
      const ref = BASE_INDEX[sequence[i]!.toUpperCase()];
      // At N the reference is unknown: scores relative to the mean of the four.
      const reference = ref === undefined ? p.reduce((a, b) => a + b, 0) / 4 : p[ref]!;
      if (ref !== undefined) {
        total += reference / Math.LN2;
        scored++;
      }
      for (let b = 0; b < 4; b++) attributions[(n * length + i) * 4 + b] = p[b]! - reference;
    });
    predictions[n] = scored > 0 ? total / scored : Number.NaN;
    onProgress?.(n + 1, fitted.length);
  });
  return { method: 'ism', task: PSEUDO_LOG_LIKELIHOOD, attributions, length, sequences: fitted, predictions, outputs: [PSEUDO_LOG_LIKELIHOOD] };
}
