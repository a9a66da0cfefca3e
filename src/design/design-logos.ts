/** Attribution logos of a design's start and result: saliency x input, or ISM when gradients do not reach the bases. */
import { explainSequences } from '../interpret/explain.js';
import { GradientUnavailableError } from '../interpret/target.js';
import type { SavedModel } from '../models/saved-model.js';

export interface DesignLogos {
  /** [L][4] attributions (A, C, G, T) of `output` for the start and the designed sequence. */
  start: number[][];
  designed: number[][];
  /** e.g. 'saliency x input of Bound'. */
  what: string;
}

export function designLogos(saved: SavedModel, output: string, start: string, designed: string): DesignLogos {
  const explain = (method: 'saliency' | 'ism') => explainSequences(saved, [start, designed], { method, task: output });
  let e;
  try {
    e = explain('saliency');
  } catch (err) {
    if (!(err instanceof GradientUnavailableError)) throw err;
    e = explain('ism');
  }
  const L = start.length;
  const rows = (n: number) => Array.from({ length: L }, (_, j) => Array.from(e.attributions.subarray((n * L + j) * 4, (n * L + j) * 4 + 4)));
  return { start: rows(0), designed: rows(1), what: `${e.method === 'ism' ? 'ISM' : 'saliency x input'} of ${output}` };
}
