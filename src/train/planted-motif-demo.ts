/**
 * The built-in demo: generate sequences with planted motifs (GATA1-like and SPI1-like),
 * train a small CNN with fit() to detect each, and report held-out AUROC per motif.
 */
import { setNumThreads, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { inMemoryBatches, type ArrayExamples } from '../data/in-memory.js';
import { consensusPwm, plantedMotifDataset, type LabelledSequences } from '../data/planted-motifs.js';
import { writeOneHot } from '../genomics/one-hot.js';
import { Conv1d, GlobalMaxPool1d, Linear, ReLU, Sequential } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { fit, type FitEvent } from './fit.js';
import { auroc } from './metrics.js';
import { column, predictExamples } from './predict-examples.js';

export interface DemoOptions {
  seed?: number;
  epochs?: number;
  threads?: number;
  onEvent?: (event: FitEvent) => void;
  log?: (line: string) => void;
}

export interface DemoResult {
  tasks: string[];
  /** Mean training loss per epoch. */
  losses: number[];
  /** Held-out AUROC per task, and their mean. */
  taskAuroc: number[];
  testAuroc: number;
}

/** One-hot inputs [N, 4, L] and 0/1 targets [N, T] of labelled sequences. */
export function encodeExamples(data: LabelledSequences): ArrayExamples {
  const length = data.sequences[0]?.length ?? 0;
  const inputs = new Float32Array(data.sequences.length * 4 * length);
  data.sequences.forEach((s, n) => writeOneHot(s, inputs, n * 4 * length));
  return {
    inputs,
    inputShape: [4, length],
    targets: Float32Array.from(data.labels.flat()),
    targetShape: [data.tasks.length],
    count: data.sequences.length,
  };
}

const DEMO_MOTIFS = [
  { name: 'GATA1', pwm: consensusPwm('AGATAAGG') },
  { name: 'SPI1', pwm: consensusPwm('AAAGAGGAAGTG') },
];

function meanAuroc(probs: Float32Array, data: ArrayExamples): number[] {
  const tasks = data.targetShape[0]!;
  return Array.from({ length: tasks }, (_, t) => auroc(column(probs, tasks, t), column(data.targets, tasks, t)));
}

export async function runPlantedMotifDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const { seed = 1, epochs = 6, log = () => {} } = options;
  if (options.threads !== undefined) setNumThreads(options.threads);
  const generate = (count: number, offset: number) =>
    plantedMotifDataset({ count, length: 200, motifs: DEMO_MOTIFS, positiveFraction: 0.4, seed: seed * 1000 + offset });
  const train = encodeExamples(generate(4000, 1));
  const validation = encodeExamples(generate(500, 2));
  const heldOut = generate(1000, 3);
  const test = encodeExamples(heldOut);
  log(`data: 4000 training, 500 validation and 1000 held-out sequences of 200 bp; tasks ${heldOut.tasks.join(', ')}`);

  const model = new Sequential(new Conv1d(4, 32, 15, { padding: 'same' }), new ReLU(), new GlobalMaxPool1d(), new Linear(32, DEMO_MOTIFS.length));
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  const forward = (inputs: readonly Tensor[]) => model.forward(inputs[0]!);
  const result = await fit({
    model,
    forward,
    loss: (out, y) => ops.binaryCrossEntropyWithLogits(out, y, { reduction: 1 }),
    optimizer,
    train: inMemoryBatches(train, { batchSize: 64, seed }),
    evaluate: () => {
      const aurocs = meanAuroc(predictExamples(model, forward, validation, { transform: 'sigmoid' }), validation);
      return { auroc: aurocs.reduce((a, b) => a + b, 0) / aurocs.length };
    },
    monitor: { metric: 'auroc', mode: 'max' },
    epochs,
    seed,
    onEvent:
      options.onEvent ??
      ((e) => {
        if (e.type === 'epoch-end') {
          const r = e.record;
          log(`epoch ${r.epoch}/${epochs}  loss ${r.train_loss!.toFixed(4)}  validation AUROC ${r.val_auroc!.toFixed(4)}  ${r.seconds!.toFixed(1)} s`);
        }
      }),
  });
  const taskAuroc = meanAuroc(predictExamples(model, forward, test, { transform: 'sigmoid' }), test);
  heldOut.tasks.forEach((name, t) => log(`held-out AUROC ${name}: ${taskAuroc[t]!.toFixed(4)}`));
  model.dispose();
  optimizer.dispose();
  return {
    tasks: heldOut.tasks,
    losses: result.history.map((r) => r.train_loss!),
    taskAuroc,
    testAuroc: taskAuroc.reduce((a, b) => a + b, 0) / taskAuroc.length,
  };
}
