/**
 * fit(): the training loop. Model, loss, optimizer, data and evaluation are arguments;
 * everything else (progress display, logs, reports) hangs on the `onEvent` callback.
 *
 * Reproducible and resumable: every random draw (initialisation before fit, each epoch's
 * order, dropout) comes from libtorch's generator, seeded once by the caller (manualSeed),
 * in the order a PyTorch loop draws them; a checkpoint (written every `checkpointEvery` steps
 * and at every epoch end, atomically) keeps the generator's state, so a resumed run continues
 * exactly as the uninterrupted run would have.
 *
 * Data-parallel (`distributed`, e.g. src/distributed's DataParallel): every rank runs fit() on
 * its shard of each epoch; ranks start from rank 0's weights, gradients are averaged across
 * ranks before each optimizer step, and only rank 0 evaluates, writes files and emits events.
 */
import { existsSync } from 'node:fs';
import { getRngState, InputError, setRngState, tidy, type Tensor } from '../core/index.js';
import type { BatchSource } from '../data/batch.js';
import type { Module } from '../nn/index.js';
import { saveModuleWeights } from '../nn/safetensors.js';
import * as ops from '../ops/index.js';
import { clipGradNorm, type LrSchedule, type Optimizer } from '../optim/index.js';
import { loadCheckpoint, saveCheckpoint, type RngStates, type TrainerProgress } from './checkpoint.js';

/** Which way the monitored metric improves, and how long to wait for it. */
export interface Monitor {
  /** A key of evaluate()'s result, e.g. 'auroc' or 'loss'. */
  metric: string;
  mode: 'max' | 'min';
  /** Stop after this many epochs without improvement. Default: never stop early. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
}

export type FitEvent =
  | { type: 'resume'; epoch: number; step: number; path: string }
  | { type: 'epoch-start'; epoch: number; epochs: number; batches: number; from: number }
  | { type: 'step'; epoch: number; step: number; batches: number; loss: number; lr: number }
  | { type: 'epoch-end'; record: Record<string, number>; improved: boolean }
  | { type: 'checkpoint'; path: string; epoch: number; step: number }
  | { type: 'early-stop'; epoch: number; metric: string; best: number };

/**
 * What fit() needs to train data-parallel. Every rank calls these in the same order; each
 * returns once all ranks have done their part.
 */
export interface DistributedTraining {
  readonly rank: number;
  readonly worldSize: number;
  /** Before training (after any resume): every rank takes rank 0's parameters and buffers. */
  synchronize(): Promise<void>;
  /** Before every forward pass in training: rank 0's buffers to every rank (PyTorch's broadcast_buffers). */
  beforeForward(): Promise<void>;
  /**
   * Runs a training step's backward pass; `sync` when an optimizer step follows it. The
   * averaging may start here, overlapping the pass (as PyTorch's DDP does).
   */
  backward(sync: boolean, run: () => void): void;
  /** After the backward pass before an optimizer step: every gradient becomes its mean over ranks. */
  averageGradients(): Promise<void>;
  /** Element-wise sums of `values` over ranks. */
  sum(values: readonly number[]): Promise<number[]>;
  /** Rank 0's `value` on every rank (other ranks pass undefined). */
  fromRank0(value: Record<string, number> | undefined): Promise<Record<string, number>>;
}

export interface FitOptions<O = unknown> {
  model: Module;
  /** Runs the model on a batch's inputs. */
  forward: (inputs: readonly Tensor[]) => O;
  /** Scalar loss of the outputs against the targets. */
  /** `weights`: the batch's per-target weights, when its source gives them (e.g. masked-LM positions). */
  loss: (outputs: O, targets: Tensor, weights?: Tensor) => Tensor;
  optimizer: Optimizer;
  /** Learning-rate schedule, stepped after every optimizer step ('step', default) or once per epoch with the monitored metric ('epoch'). */
  schedule?: LrSchedule;
  scheduleOn?: 'step' | 'epoch';
  train: BatchSource;
  /** Validation metrics, called after every epoch (model in eval mode). */
  evaluate?: () => Promise<Record<string, number>> | Record<string, number>;
  epochs: number;
  monitor?: Monitor;
  /** Where the last checkpoint goes (and is resumed from). */
  checkpointPath?: string;
  /** Where the best model's weights go (safetensors), judged by `monitor` (the last epoch's when no monitor). */
  bestWeightsPath?: string;
  /** Also checkpoint every N optimizer steps within an epoch. Default: only at epoch ends. */
  checkpointEvery?: number;
  /** Continue from checkpointPath when it exists. */
  resume?: boolean;
  /** Clip the global gradient 2-norm to this value before each step. */
  clipGradNorm?: number;
  /**
   * Sum the gradients of this many batches before each optimizer step (gradient accumulation);
   * each batch's loss is divided by the group's size, so a step sees their mean. Default 1.
   */
  accumulateSteps?: number;
  /** Data-parallel training across ranks; `train` must then serve this rank's shard. */
  distributed?: DistributedTraining;
  /** Called on rank 0 only when distributed. */
  onEvent?: (event: FitEvent) => void;
}

export interface FitResult {
  /** One record per epoch: epoch, train_loss, lr, seconds and val_<metric> for each evaluate() metric. */
  history: Record<string, number>[];
  best: { value: number; epoch: number } | null;
  stoppedEarly: boolean;
}

function checkOptions(o: FitOptions<unknown>): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new InputError(`expected epochs to be a positive integer, got ${o.epochs}`);
  if (o.train.batchesPerEpoch < 1) throw new InputError('expected at least one training batch per epoch, got none');
  if (o.checkpointEvery !== undefined && (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 1)) {
    throw new InputError(`expected checkpointEvery to be a positive integer, got ${o.checkpointEvery}`);
  }
  if (o.monitor !== undefined && o.evaluate === undefined) {
    throw new InputError(`monitoring '${o.monitor.metric}' needs an evaluate() function for validation metrics`);
  }
  if (o.resume && o.checkpointPath === undefined) throw new InputError('resume needs a checkpointPath');
  if (o.accumulateSteps !== undefined && (!Number.isInteger(o.accumulateSteps) || o.accumulateSteps < 1)) {
    throw new InputError(`expected accumulateSteps to be a positive integer, got ${o.accumulateSteps}`);
  }
}

/** Where batch `b` of an epoch of `batches` falls in its accumulation group of up to `k`. */
function accumulationGroup(b: number, batches: number, k: number): { first: boolean; last: boolean; size: number } {
  const start = b - (b % k);
  const size = Math.min(k, batches - start);
  return { first: b === start, last: b === start + size - 1, size };
}

/**
 * Where a run resumed on `worldSize` ranks continues an epoch a checkpoint of another world
 * size left mid-way. Ranks take interleaved positions of the epoch's one order, so after s
 * batches on W ranks the first s x W batches' worth of that order is done; the new world
 * continues at the last of its own batch boundaries (and accumulation groups) not past that
 * point: nothing is skipped, fewer than one global batch is seen twice.
 */
function stepsOnNewWorld(progress: TrainerProgress, worldSize: number, accumulate: number): number {
  const saved = progress.worldSize ?? 1;
  if (saved === worldSize || progress.stepInEpoch === 0) return progress.stepInEpoch;
  return Math.floor((progress.stepInEpoch * saved) / (worldSize * accumulate)) * accumulate;
}

function freshProgress(): TrainerProgress {
  return { epoch: 0, stepInEpoch: 0, globalStep: 0, epochLossSum: 0, epochExamples: 0, best: null, epochsWithoutImprovement: 0, history: [] };
}

export async function fit<O>(options: FitOptions<O>): Promise<FitResult> {
  checkOptions(options as FitOptions<unknown>);
  const { model, optimizer, schedule, train, epochs, monitor, distributed } = options;
  const accumulate = options.accumulateSteps ?? 1;
  const leader = distributed === undefined || distributed.rank === 0;
  const onEvent = leader ? (options.onEvent ?? (() => {})) : () => {};
  const parts = { model, optimizer, schedule };
  let progress = freshProgress();
  // Randomness comes from libtorch's one generator, as in a PyTorch loop: the batch source may
  // draw the epoch's order when it is opened, dropout draws at every step. A checkpoint keeps
  // the generator's state now and when the epoch was opened, so a resumed run repeats both.
  let resumeRng: RngStates | undefined;
  if (options.resume && options.checkpointPath !== undefined && existsSync(options.checkpointPath)) {
    const loaded = loadCheckpoint(options.checkpointPath, parts);
    progress = loaded.progress;
    resumeRng = loaded.rng;
    progress.stepInEpoch = stepsOnNewWorld(progress, distributed?.worldSize ?? 1, accumulate);
    onEvent({ type: 'resume', epoch: progress.epoch, step: progress.stepInEpoch, path: options.checkpointPath });
  }
  // Every rank resumed from the same file; rank 0's weights win all the same (as PyTorch DDP's start).
  await distributed?.synchronize();
  let epochStartRng = getRngState();
  const checkpoint = () => {
    if (options.checkpointPath === undefined || !leader) return;
    const current = getRngState();
    saveCheckpoint(options.checkpointPath, parts, { ...progress, worldSize: distributed?.worldSize ?? 1 }, { current, epochStart: progress.stepInEpoch === 0 ? current : epochStartRng });
    onEvent({ type: 'checkpoint', path: options.checkpointPath, epoch: progress.epoch, step: progress.stepInEpoch });
  };
  const lr = () => optimizer.paramGroups[0]!.lr;
  const patienceExhausted = () => monitor?.patience !== undefined && progress.epochsWithoutImprovement >= monitor.patience;
  let stoppedEarly = progress.epoch > 0 && patienceExhausted();

  while (progress.epoch < epochs && !stoppedEarly) {
    const epoch = progress.epoch;
    const started = Date.now();
    const batches = train.batchesPerEpoch;
    onEvent({ type: 'epoch-start', epoch: epoch + 1, epochs, batches, from: progress.stepInEpoch });
    model.train();
    if (resumeRng !== undefined) setRngState(resumeRng.epochStart);
    epochStartRng = getRngState();
    for await (const batch of train.batches(epoch, progress.stepInEpoch)) {
      if (resumeRng !== undefined) {
        setRngState(resumeRng.current);
        resumeRng = undefined;
      }
      const group = accumulationGroup(progress.stepInEpoch, batches, accumulate);
      if (group.first) optimizer.zeroGrad();
      await distributed?.beforeForward();
      const local = tidy(() => {
        try {
          const value = options.loss(options.forward(batch.inputs), batch.targets, batch.weights);
          const scalar = value.item();
          if (!Number.isFinite(scalar)) return { loss: scalar, examples: 0 };
          const scaled = group.size > 1 ? ops.mulScalar(value, 1 / group.size) : value;
          if (distributed === undefined) scaled.backward();
          else distributed.backward(group.last, () => scaled.backward());
          return { loss: scalar, examples: batch.targets.shape[0] ?? 1 };
        } finally {
          for (const t of batch.inputs) t.dispose();
          batch.targets.dispose();
          batch.weights?.dispose();
        }
      });
      // Across ranks the loss is the mean over all their examples, so every rank stops together.
      let { loss, examples } = local;
      if (distributed !== undefined) {
        const [sum, count] = await distributed.sum([local.loss * local.examples, local.examples]);
        examples = count!;
        loss = examples > 0 ? sum! / examples : Number.NaN;
      }
      if (!Number.isFinite(loss)) {
        throw new InputError(
          `training loss became ${loss} at epoch ${epoch + 1}, batch ${progress.stepInEpoch + 1}; ` +
            'lower the learning rate, clip gradients (clipGradNorm), or check the data for NaN/inf',
        );
      }
      if (group.last) {
        await distributed?.averageGradients();
        tidy(() => {
          if (options.clipGradNorm !== undefined) clipGradNorm(model.parameters(), options.clipGradNorm);
          optimizer.step();
        });
        if (schedule !== undefined && options.scheduleOn !== 'epoch') schedule.step();
        progress.globalStep++;
      }
      progress.stepInEpoch++;
      progress.epochLossSum += loss * examples;
      progress.epochExamples += examples;
      onEvent({ type: 'step', epoch: epoch + 1, step: progress.stepInEpoch, batches, loss, lr: lr() });
      if (group.last && options.checkpointEvery !== undefined && progress.globalStep % options.checkpointEvery === 0 && progress.stepInEpoch < batches) {
        checkpoint();
      }
    }

    model.eval();
    let metrics = options.evaluate && leader ? await options.evaluate() : {};
    if (distributed !== undefined && options.evaluate !== undefined) metrics = await distributed.fromRank0(leader ? metrics : undefined);
    const record: Record<string, number> = {
      epoch: epoch + 1,
      train_loss: progress.epochExamples > 0 ? progress.epochLossSum / progress.epochExamples : Number.NaN,
      lr: lr(),
      seconds: (Date.now() - started) / 1000,
    };
    for (const [k, v] of Object.entries(metrics)) record[`val_${k}`] = v;

    let improved = true;
    if (monitor !== undefined) {
      const value = metrics[monitor.metric];
      if (value === undefined) {
        throw new InputError(`monitored metric '${monitor.metric}' is not among the validation metrics (${Object.keys(metrics).join(', ')})`);
      }
      const delta = monitor.minDelta ?? 0;
      const best = progress.best?.value;
      improved = best === undefined || (monitor.mode === 'max' ? value > best + delta : value < best - delta);
      if (Number.isNaN(value)) improved = false;
      if (improved) progress.best = { value, epoch: epoch + 1 };
      progress.epochsWithoutImprovement = improved ? 0 : progress.epochsWithoutImprovement + 1;
      if (schedule !== undefined && options.scheduleOn === 'epoch') schedule.step(value);
    } else if (schedule !== undefined && options.scheduleOn === 'epoch') {
      schedule.step();
    }
    if (improved && leader && options.bestWeightsPath !== undefined) saveModuleWeights(options.bestWeightsPath, model);

    progress.history.push(record);
    progress.epoch++;
    progress.stepInEpoch = 0;
    progress.epochLossSum = 0;
    progress.epochExamples = 0;
    onEvent({ type: 'epoch-end', record, improved });
    if (patienceExhausted() && progress.epoch < epochs) {
      stoppedEarly = true;
      onEvent({ type: 'early-stop', epoch: epoch + 1, metric: monitor?.metric ?? "", best: progress.best?.value ?? Number.NaN });
    }
    checkpoint();
  }
  return { history: progress.history, best: progress.best, stoppedEarly };
}
