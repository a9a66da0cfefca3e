/**
 * Gradient-based design (Ledidi, Schreiber et al.): learnable logits over the start sequence,
 * hard Gumbel-softmax samples with straight-through gradients, and the loss
 * -objective(sample) + lambda x edits(sample), minimised with Adam. Locked positions keep
 * their base (the other bases' logits are -inf). Every sample is an exact one-hot sequence, so
 * the best sample seen that meets the constraints is the result. Seeded: the same seed gives
 * the same design.
 */
import { InputError, manualSeed, noGrad, tensor, tidy } from '../core/index.js';
import * as ops from '../ops/index.js';
import { Adam } from '../optim/index.js';
import type { ConstraintChecker } from './constraints.js';
import { oneHotOf, type DesignModel } from './design-model.js';
import type { Objective } from './objective.js';
import type { DesignResult, DesignStep, SearchControl, StopReason } from './search.js';

export interface GradientDesignOptions extends SearchControl {
  /** Optimiser steps. Default 200. */
  steps?: number;
  /** Samples per step. Default 16. */
  samples?: number;
  /** Adam learning rate of the logits. Default 0.5. */
  lr?: number;
  /** Weight of the edit count in the loss (objective units per edit). Default 0.01. */
  lambda?: number;
  /** Gumbel-softmax temperature. Default 1. */
  temperature?: number;
  seed?: number;
}

const BASES = 'ACGT';

function sequenceOf(values: Float32Array, row: number, L: number): string {
  let s = '';
  for (let j = 0; j < L; j++) {
    let b = 0;
    for (let c = 1; c < 4; c++) if (values[(row * 4 + c) * L + j]! > values[(row * 4 + b) * L + j]!) b = c;
    s += BASES[b]!;
  }
  return s;
}

export async function gradientDesign(model: DesignModel, objective: Objective, checker: ConstraintChecker, options: GradientDesignOptions = {}): Promise<DesignResult> {
  const { steps = 200, samples = 16, lr = 0.5, lambda = 0.01, temperature = 1, seed = 1 } = options;
  const { start } = checker;
  const L = model.length;
  if (start.length !== L) throw new InputError(`a design start must be ${L} bp (the model's input length), got ${start.length}`);
  manualSeed(seed);
  const x0 = oneHotOf([start], L);
  // log(x0 + eps) as Ledidi; locked positions get -inf off their own base.
  const lock = new Float32Array(4 * L);
  for (let j = 0; j < L; j++) if (!checker.editable[j]) for (let c = 0; c < 4; c++) if (BASES[c] !== start[j]) lock[c * L + j] = -1e9;
  const prior = tidy(() => ops.log(ops.addScalar(x0, 1e-4)).add(tensor(lock, [1, 4, L])));
  const theta = ops.zeros([1, 4, L]).requiresGrad_();
  const optimizer = new Adam([theta], { lr });
  const evaluated = model.predict([start]);
  const origin = { sequence: start, objective: objective.ofRow(evaluated), predictions: Array.from(evaluated) };
  let best = origin;
  const perRound = [origin.objective];
  let stopped: StopReason = 'rounds';
  try {
    for (let step = 1; step <= steps; step++) {
      if (options.shouldStop?.()) {
        stopped = 'interrupted';
        break;
      }
      const drawn = tidy(() => {
        optimizer.zeroGrad();
        const logits = prior.add(theta).expand([samples, 4, L]);
        const u = ops.rand([samples, 4, L]);
        const gumbel = ops.neg(ops.log(ops.addScalar(ops.neg(ops.log(ops.addScalar(u, 1e-10))), 1e-10)));
        const soft = ops.softmax(logits.add(gumbel).div(temperature), 1);
        const hard = ops.oneHot(ops.argmax(soft, { dim: 1 }), { numClasses: 4 }).permute([0, 2, 1]).toDType('float32');
        const sample = hard.sub(soft.detach()).add(soft);
        const predictions = model.forward(sample);
        const values = objective.evaluate(predictions);
        const edits = ops.sumDimIntList(ops.rsubScalar(sample.mul(x0).sumDimIntList([1]), 1), [1]);
        const loss = ops.neg(values).add(edits.mul(lambda)).mean();
        if (!loss.requiresGrad) throw new InputError('gradient design needs gradients to reach the bases; this model reads tokens of them: use --method greedy');
        loss.backward();
        optimizer.step();
        return {
          sequences: hard.contiguous().data<Float32Array>(),
          objectives: Float64Array.from(values.detach().toDType('float64').contiguous().data<Float64Array>()),
          predictions: Float64Array.from(predictions.detach().toDType('float64').contiguous().data<Float64Array>()),
        };
      });
      const T = model.outputs.length;
      for (let s = 0; s < samples; s++) {
        const v = drawn.objectives[s]!;
        if (!(v > best.objective)) continue;
        const sequence = sequenceOf(drawn.sequences, s, L);
        if (checker.violations(sequence).length > 0) continue;
        best = { sequence, objective: v, predictions: Array.from(drawn.predictions.subarray(s * T, (s + 1) * T)) };
      }
      perRound.push(best.objective);
      options.onRound?.(step, best.objective);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    theta.dispose();
    prior.dispose();
    x0.dispose();
    optimizer.dispose();
  }
  // The winning sample's predictions again through the inference path, so every method reports the same numbers.
  const final = noGrad(() => model.predict([best.sequence]));
  const predictions = Array.from(final);
  const stepsTaken: DesignStep[] = [...best.sequence].flatMap((c, j) => (c !== start[j] ? [{ round: perRound.length - 1, position: j, from: start[j]!, to: c, objective: objective.ofRow(final), predictions }] : []));
  return {
    start,
    sequence: best.sequence,
    startObjective: origin.objective,
    objective: objective.ofRow(final),
    startPredictions: origin.predictions,
    predictions,
    steps: stepsTaken,
    objectivePerRound: perRound,
    stopped,
  };
}
