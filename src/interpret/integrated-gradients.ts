/** Integrated gradients (Sundararajan et al. 2017) from zero or dinucleotide-shuffled baselines. */
import { tensor, tidy, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { makeBaselines, type BaselineChoice } from './baselines.js';
import { checkOneHot, checkPositiveInt, inputGradient, withInputGradOnly, type ForwardModel, type Target } from './target.js';

export interface IntegratedGradientsOptions {
  target?: Target;
  /** 'zero' (default), 'shuffle' (dinucleotide shuffles of each sequence), or a [N, K, 4, L] tensor. */
  baseline?: BaselineChoice;
  /** Shuffled baselines per sequence (averaged). Default 10. */
  shuffles?: number;
  /** Seed of the shuffles. Default 0. */
  seed?: number;
  /** Points on the path from baseline to x. Default 50. */
  steps?: number;
  /** 'trapezoid' (default: alpha = 0, 1/(steps-1), ..., 1, ends weighted 1/2) or 'midpoint' (alpha = (i + 1/2) / steps). */
  rule?: 'trapezoid' | 'midpoint';
  /** Interpolated inputs per forward pass (rounded to whole sequences' paths). Default 256. */
  batchSize?: number;
}

export interface IntegratedGradients {
  /** [N, 4, L]: (x - baseline) * path-averaged gradient, averaged over baselines. */
  attributions: Tensor;
}

function pathWeights(steps: number, rule: 'trapezoid' | 'midpoint'): { alphas: number[]; weights: number[] } {
  if (rule === 'midpoint') return { alphas: Array.from({ length: steps }, (_, i) => (i + 0.5) / steps), weights: Array<number>(steps).fill(1 / steps) };
  if (steps < 2) return { alphas: [1], weights: [1] };
  const h = 1 / (steps - 1);
  return {
    alphas: Array.from({ length: steps }, (_, i) => i * h),
    weights: Array.from({ length: steps }, (_, i) => (i === 0 || i === steps - 1 ? h / 2 : h)),
  };
}

/**
 * Integrated gradients of the selected output: (x - b) * integral over alpha of
 * grad f(b + alpha (x - b)), for each baseline b, averaged over baselines. With exact
 * integration sum(attributions) = f(x) - mean_b f(b) (completeness).
 * @param x [N, 4, L] float32 / float64; not modified.
 */
export function integratedGradients(model: ForwardModel, x: Tensor, options: IntegratedGradientsOptions = {}): IntegratedGradients {
  const { target, baseline = 'zero', shuffles = 10, seed = 0, steps = 50, rule = 'trapezoid', batchSize = 256 } = options;
  checkOneHot(x);
  checkPositiveInt('steps', steps);
  checkPositiveInt('batchSize', batchSize);
  return tidy(() =>
    withInputGradOnly(model, () => {
      const baselines = makeBaselines(x, baseline, shuffles, seed); // [N, K, 4, L]
      const [n, k] = baselines.shape as [number, number];
      const length = x.shape[2]!;
      const { alphas, weights } = pathWeights(steps, rule);
      const s = alphas.length;
      const alphaT = tensor(alphas, [1, s, 1, 1], x.dtype);
      const weightT = tensor(weights, [1, s, 1, 1], x.dtype);
      // every (sequence, baseline) pair as one row: [N * K, 4, L]
      const xs = x.unsqueeze(1).expand([n, k, 4, length]).reshape([n * k, 4, length]);
      const bs = baselines.reshape([n * k, 4, length]);
      const per = Math.max(1, Math.floor(batchSize / s));
      const parts: Tensor[] = [];
      for (let start = 0; start < n * k; start += per) {
        const m = Math.min(per, n * k - start);
        parts.push(
          tidy(() => {
            const xb = xs.narrow(0, start, m);
            const bb = bs.narrow(0, start, m);
            const diff = xb.sub(bb);
            const path = bb.unsqueeze(1).add(alphaT.mul(diff.unsqueeze(1))).reshape([m * s, 4, length]);
            const g = inputGradient((input) => model.forward(input), path, target).reshape([m, s, 4, length]);
            return g.mul(weightT).sumDimIntList([1]).mul(diff);
          }),
        );
      }
      const all = parts.length === 1 ? parts[0]! : ops.cat(parts);
      return { attributions: all.reshape([n, k, 4, length]).meanDim([1]) };
    }),
  );
}
