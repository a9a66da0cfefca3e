/**
 * The data-parallel equivalence case shared by ddp-rank.ts (one rank of W) and ddp.test.ts
 * (the single-process reference), after PyTorch's _test_DDP_niter: the same seeded model
 * and data; W ranks with local batches of `localBatch` (and `accumulate` batches a step)
 * must end with the weights of one process stepping on the W x accumulate x localBatch
 * examples those ranks saw together. With BatchNorm the reference normalises each rank's
 * piece on its own (as each rank does) and keeps rank 0's running statistics (DDP broadcasts
 * rank 0's buffers before every forward).
 */
import { manualSeed, noGrad, tensor, tidy, type Tensor } from '../../src/core/index.js';
import { inMemoryBatches, type ArrayExamples } from '../../src/data/in-memory.js';
import { Random } from '../../src/data/random.js';
import { BatchNorm1d, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import * as ops from '../../src/ops/index.js';
import { SGD } from '../../src/optim/index.js';
import { DataParallel, type ProcessGroup } from '../../src/distributed/index.js';
import { fit, type FitEvent, type FitOptions } from '../../src/train/fit.js';

export interface DdpCase {
  model: 'mlp' | 'batchnorm';
  accumulate: number;
}

export const WORLD = 2;
// BatchNorm over 2 examples amplifies rounding (the order of the sums) past 1e-6 within a few steps; over 4 it stays near 3e-8.
export const LOCAL_BATCH = 4;
export const COUNT = 32;
export const EPOCHS = 3;
const SEED = 11;

export function caseExamples(): ArrayExamples {
  const random = new Random(5);
  const inputs = Float32Array.from({ length: COUNT * 6 }, () => random.next() * 2 - 1);
  const targets = Float32Array.from({ length: COUNT * 3 }, () => random.next());
  return { inputs, inputShape: [6], targets, targetShape: [3], count: COUNT };
}

function buildModel(kind: DdpCase['model']): Sequential {
  manualSeed(SEED);
  return kind === 'batchnorm'
    ? new Sequential(new Linear(6, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 3))
    : new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 3));
}

/** Rows of a reference batch in rank-piece order: for each micro-batch m, for each rank r, its rows. */
function pieces(accumulate: number): number[][] {
  const out: number[][] = [];
  for (let m = 0; m < accumulate; m++) {
    for (let r = 0; r < WORLD; r++) out.push(Array.from({ length: LOCAL_BATCH }, (_, i) => (m * LOCAL_BATCH + i) * WORLD + r));
  }
  return out;
}

export interface TrainedState {
  state: Record<string, number[]>;
  history: Record<string, number>[];
  events: number;
  /** Whether the ranks averaged inside backward by the end (always false alone). */
  overlapping: boolean;
}

export interface TrainSetup {
  /** Train as this rank of the group (else as the single-process reference). */
  group?: ProcessGroup;
  checkpointPath?: string;
  /** Single process, batches of WORLD x LOCAL_BATCH, `accumulate` of them a step (mlp only). */
  accumulateAlone?: boolean;
}

/** Trains the case: as one rank of WORLD when `group` is given, else as the reference. */
export async function trainCase(c: DdpCase, setup: TrainSetup = {}): Promise<TrainedState> {
  const data = caseExamples();
  const model = buildModel(c.model);
  const optimizer = new SGD(model.parameters(), { lr: 0.2, momentum: 0.5 });
  // A small bucket cap, so the gradients travel in several buckets.
  const distributed = setup.group && new DataParallel(setup.group, model, { bucketBytes: 160 });
  const train = distributed
    ? inMemoryBatches(data, { batchSize: LOCAL_BATCH, shard: { rank: distributed.rank, worldSize: distributed.worldSize } })
    : inMemoryBatches(data, { batchSize: LOCAL_BATCH * WORLD * (setup.accumulateAlone ? 1 : c.accumulate) });
  const reorder = tensor(BigInt64Array.from(pieces(c.accumulate).flat(), BigInt));
  const piecewise = !distributed && c.model === 'batchnorm';
  let events = 0;
  const options: FitOptions<Tensor> = {
    model,
    forward: ([x]) => (piecewise ? piecewiseForwardKeepingRank0(model, x!, c.accumulate) : model.forward(x!)),
    loss: (out, y) => ops.mseLoss(out, piecewise ? ops.indexSelect(y, 0, reorder) : y),
    optimizer,
    train,
    epochs: EPOCHS,
    evaluate: () => {
      const x = tensor(data.inputs, [COUNT, 6]);
      const y = tensor(data.targets, [COUNT, 3]);
      return tidy(() => ({ mse: noGrad(() => ops.mseLoss(model.forward(x), y).item()) }));
    },
    monitor: { metric: 'mse', mode: 'min' },
    onEvent: (_e: FitEvent) => void events++,
    ...(distributed ? { distributed } : {}),
    ...(c.accumulate > 1 && (distributed || setup.accumulateAlone) ? { accumulateSteps: c.accumulate } : {}),
    ...(setup.checkpointPath ? { checkpointPath: setup.checkpointPath } : {}),
  };
  const result = await fit(options);
  const state: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(model.stateDict())) state[k] = t.toArray();
  return { state, history: result.history.map(({ seconds: _s, ...rest }) => rest), events, overlapping: distributed?.overlapping ?? false };
}

/**
 * The reference forward with BatchNorm: every piece normalised with its own batch statistics;
 * only rank 0's pieces update the running statistics (another rank's update is overwritten by
 * rank 0's buffers before its next forward, so it never reaches rank 0).
 */
function piecewiseForwardKeepingRank0(model: Sequential, x: Tensor, accumulate: number): Tensor {
  const [first, norm, relu, last] = model.children() as [Linear, BatchNorm1d, ReLU, Linear];
  const outputs = pieces(accumulate).map((rows, p) => {
    const piece = first.forward(ops.indexSelect(x, 0, tensor(BigInt64Array.from(rows, BigInt))));
    const normalised =
      p % WORLD === 0
        ? norm.forward(piece)
        : ops.batchNorm(piece, norm.getParameter('weight'), norm.getParameter('bias'), null, null, true, 0.1, norm.eps, false);
    return last.forward(relu.forward(normalised));
  });
  return ops.cat(outputs);
}
