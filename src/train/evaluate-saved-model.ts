/** A saved model scored on the test split of a run config (`strand evaluate`). */
import type { TrainConfig } from '../config/train.js';
import { InputError } from '../core/index.js';
import type { SavedModel } from '../models/saved-model.js';
import { modelForward } from './build.js';
import { evaluateBatches, type Evaluation } from './evaluate.js';
import { prepareData } from './prepare-data.js';
import { taskAdapter, type TaskKind } from './task.js';

export interface SavedModelEvaluation extends Evaluation {
  /** Test examples scored. */
  examples: number;
  kind: TaskKind;
  /** Prediction columns (tasks, or classes for multiclass). */
  outputs: string[];
  /** Target columns (tasks, or 'class' for multiclass). */
  targetNames: string[];
}

/** Loss, metrics, predictions and targets of `saved` on the config's test split. */
export async function evaluateSavedModel(saved: SavedModel, config: TrainConfig): Promise<SavedModelEvaluation> {
  const data = await prepareData(config);
  try {
    const expected = saved.description.task.outputs;
    if (data.outputs.join('\t') !== expected.join('\t')) {
      throw new InputError(`the data's outputs (${data.outputs.join(', ')}) differ from the model's (${expected.join(', ')})`);
    }
    if (saved.description.input.length !== data.length) {
      throw new InputError(`the data's sequences are ${data.length} bp, the model takes ${saved.description.input.length} bp (set data.length)`);
    }
    const task = taskAdapter(config.task, data.outputs, data.trainTargets);
    const test = await evaluateBatches(saved.model, modelForward(saved.model), data.test, task);
    return { ...test, examples: data.test.size, kind: config.task.kind, outputs: data.outputs, targetNames: task.metricTasks };
  } finally {
    await data.close();
  }
}
