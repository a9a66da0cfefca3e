/**
 * First-layer convolution filters turned into motifs (the DeepBind / Basset method): run the
 * filter over one-hot sequences, take in each sequence the position where the filter's
 * activation is highest, keep it when that activation is above `threshold` x the filter's
 * highest activation over the whole set, and count the k-mers found there into a
 * position frequency matrix, then a PWM with pseudocounts.
 *
 * Activations are the linear convolution output plus bias (monotone with the ReLU output, so
 * the same sites), computed without padding (`valid`: only whole k-mers are counted) and
 * with stride 1 and dilation 1 whatever the module's padding.
 */
import { InputError, noGrad, tidy, type Tensor } from '../../core/index.js';
import * as ops from '../../ops/index.js';
import { countsToPwm, type Pwm } from './pwm.js';

/** A first-layer convolution: a Conv1d module or its weight [F, 4, k] and bias [F]. */
export interface FirstLayer {
  weight: Tensor;
  bias?: Tensor | null;
  stride?: number;
  dilation?: number;
  groups?: number;
}

export interface FilterMotif {
  /** Filter index in the weight's first axis. */
  filter: number;
  /** [k][A, C, G, T] probabilities (counts plus pseudocounts). */
  pwm: Pwm;
  /** [k][A, C, G, T] base counts at the sites. */
  counts: number[][];
  /** Sequences whose best site passed the threshold (0 when the filter never activates). */
  sites: number;
  /** The filter's highest activation over the set. */
  maxActivation: number;
}

export interface FilterMotifOptions {
  /** Fraction of the filter's highest activation a site needs. Default 0.5. */
  threshold?: number;
  /** Added to every count. Default 0.5. */
  pseudocount?: number;
  /** Sequences per forward pass. Default 256. */
  batchSize?: number;
}

/**
 * One motif per filter of `layer` (weight [F, 4, k]) from `sequences` ([N, 4, L] float32
 * one-hot), in filter order.
 */
export function filterMotifs(layer: FirstLayer, sequences: Tensor, options: FilterMotifOptions = {}): FilterMotif[] {
  const { threshold = 0.5, pseudocount = 0.5, batchSize = 256 } = options;
  const w = layer.weight;
  if (w.ndim !== 3 || w.shape[1] !== 4) throw new InputError(`expected a first-layer weight of shape (F, 4, k), got (${w.shape.join(', ')})`);
  if ((layer.stride ?? 1) !== 1 || (layer.dilation ?? 1) !== 1 || (layer.groups ?? 1) !== 1) {
    throw new InputError('expected a first-layer convolution with stride 1, dilation 1 and groups 1');
  }
  const [F, , k] = w.shape as [number, number, number];
  if (sequences.ndim !== 3 || sequences.shape[1] !== 4 || sequences.dtype !== 'float32') {
    throw new InputError(`expected a (N, 4, L) float32 tensor for sequences, got (${sequences.shape.join(', ')}) ${sequences.dtype}`);
  }
  const [N, , L] = sequences.shape as [number, number, number];
  if (L < k) throw new InputError(`expected sequences at least as long as the filters (${k}), got ${L}`);
  if (!(threshold >= 0 && threshold <= 1)) throw new InputError(`expected threshold in [0, 1], got ${threshold}`);
  const lout = L - k + 1;
  // best[n * F + f]: the filter's highest activation in sequence n and where.
  const bestValue = new Float32Array(N * F);
  const bestPos = new Int32Array(N * F);
  for (let start = 0; start < N; start += batchSize) {
    const n = Math.min(batchSize, N - start);
    const acts = tidy(() =>
      noGrad(() => ops.conv1d(ops.narrow(sequences, 0, start, n), w.detach(), { bias: layer.bias?.detach() ?? null }).data<Float32Array>()),
    );
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) {
        const row = (i * F + f) * lout;
        let best = -Infinity;
        let at = 0;
        for (let p = 0; p < lout; p++) if (acts[row + p]! > best) [best, at] = [acts[row + p]!, p];
        bestValue[(start + i) * F + f] = best;
        bestPos[(start + i) * F + f] = at;
      }
    }
  }
  const x = sequences.data<Float32Array>();
  const motifs: FilterMotif[] = [];
  for (let f = 0; f < F; f++) {
    let max = -Infinity;
    for (let i = 0; i < N; i++) max = Math.max(max, bestValue[i * F + f]!);
    const counts = Array.from({ length: k }, () => [0, 0, 0, 0]);
    let sites = 0;
    if (max > 0) {
      for (let i = 0; i < N; i++) {
        if (bestValue[i * F + f]! < threshold * max) continue;
        sites++;
        const at = bestPos[i * F + f]!;
        for (let j = 0; j < k; j++) for (let b = 0; b < 4; b++) counts[j]![b]! += x[(i * 4 + b) * L + at + j]!;
      }
    }
    motifs.push({ filter: f, pwm: countsToPwm(counts, pseudocount), counts, sites, maxActivation: max });
  }
  return motifs;
}
