/**
 * Training checkpoints: the model's weights, the optimizer's state, the schedule's state and
 * the trainer's progress in ONE safetensors file (written to a temporary name and renamed),
 * so a checkpoint on disk is always complete and consistent.
 * Tensors are stored as `model.<key>` and `optimizer.<key>`, libtorch's generator state as
 * `rng.current` and `rng.epochStart` (bytes); the rest as JSON metadata.
 */
import { existsSync } from 'node:fs';
import { FormatError, tensor, tidy, type Tensor } from '../core/index.js';
import type { Module } from '../nn/index.js';
import { loadSafetensors, saveSafetensors } from '../nn/safetensors.js';
import type { LrSchedule, LrScheduleState, Optimizer, OptimizerMeta } from '../optim/index.js';

export const CHECKPOINT_FORMAT = 'strand-checkpoint/1';

/** What the trainer needs to continue exactly where it stopped. */
export interface TrainerProgress {
  /** Completed epochs. */
  epoch: number;
  /** Batches done in the current (incomplete) epoch. */
  stepInEpoch: number;
  /** Optimizer steps done in total. */
  globalStep: number;
  /** Running sum of the training loss over the current epoch's done batches, and their examples. */
  epochLossSum: number;
  epochExamples: number;
  /** Best monitored value so far and its epoch, or null. */
  best: { value: number; epoch: number } | null;
  /** Epochs since the monitored metric last improved. */
  epochsWithoutImprovement: number;
  /** One record per completed epoch (what log.jsonl holds). */
  history: Record<string, number>[];
  /** Ranks of the run that wrote the checkpoint (absent: 1). */
  worldSize?: number;
}

export interface CheckpointParts {
  model: Module;
  optimizer: Optimizer;
  schedule?: LrSchedule;
}

/**
 * libtorch's generator state (getRngState) now, and when the current epoch's batch source was
 * opened (it may draw the epoch's order then), so a resumed run draws what the first run drew.
 */
export interface RngStates {
  current: Uint8Array;
  epochStart: Uint8Array;
}

export function saveCheckpoint(path: string, parts: CheckpointParts, progress: TrainerProgress, rng?: RngStates): void {
  tidy(() => {
    const optimizerState = parts.optimizer.stateDict();
    const tensors: Record<string, Tensor> = {};
    if (rng !== undefined) {
      tensors['rng.current'] = tensor(rng.current);
      tensors['rng.epochStart'] = tensor(rng.epochStart);
    }
    for (const [k, t] of Object.entries(parts.model.stateDict())) tensors[`model.${k}`] = t;
    for (const [k, t] of Object.entries(optimizerState.state)) tensors[`optimizer.${k}`] = t;
    saveSafetensors(path, tensors, {
      format: CHECKPOINT_FORMAT,
      optimizer: JSON.stringify(optimizerState.meta),
      schedule: JSON.stringify(parts.schedule?.stateDict() ?? null),
      progress: JSON.stringify(progress),
    });
  });
}

function parseJson<T>(path: string, field: string, text: string | undefined): T {
  if (text === undefined) throw new FormatError(path, undefined, field, 'missing from the checkpoint metadata');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new FormatError(path, undefined, field, 'is not valid JSON', { cause: err });
  }
}

export interface LoadedCheckpoint {
  progress: TrainerProgress;
  /** Absent in checkpoints written before the generator state was kept. */
  rng?: RngStates;
}

/** Restores model, optimizer and schedule from `path` in place; returns the trainer's progress and generator states. */
export function loadCheckpoint(path: string, parts: CheckpointParts): LoadedCheckpoint {
  if (!existsSync(path)) throw new FormatError(path, undefined, undefined, 'checkpoint file not found');
  const { tensors, metadata } = loadSafetensors(path);
  try {
    if (metadata.format !== CHECKPOINT_FORMAT) {
      throw new FormatError(path, undefined, 'format', `expected '${CHECKPOINT_FORMAT}', got '${metadata.format ?? ''}'`);
    }
    const model: Record<string, Tensor> = {};
    const optimizer: Record<string, Tensor> = {};
    const current = tensors['rng.current'];
    const epochStart = tensors['rng.epochStart'];
    const bytes = (t: Tensor) => t.data<Uint8Array>();
    const rng = current !== undefined && epochStart !== undefined ? { current: bytes(current), epochStart: bytes(epochStart) } : undefined;
    for (const [k, t] of Object.entries(tensors)) {
      if (k.startsWith('model.')) model[k.slice(6)] = t;
      else if (k.startsWith('optimizer.')) optimizer[k.slice(10)] = t;
    }
    parts.model.loadStateDict(model);
    parts.optimizer.loadStateDict({ state: optimizer, meta: parseJson<OptimizerMeta>(path, 'optimizer', metadata.optimizer) });
    const schedule = parseJson<LrScheduleState | null>(path, 'schedule', metadata.schedule);
    if (parts.schedule !== undefined && schedule !== null) parts.schedule.loadStateDict(schedule);
    return { progress: parseJson<TrainerProgress>(path, 'progress', metadata.progress), rng };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
