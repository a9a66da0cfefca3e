/**
 * The built-in demo: generate sequences with planted motifs (GATA1-like and SPI1-like
 * PWMs), train a small CNN to detect each, and report held-out AUROC per motif.
 */
import { manualSeed, setNumThreads } from '../core/index.js';
import { consensusPwm, plantedMotifDataset, type LabelledSequences } from '../data/planted-motifs.js';
import { writeOneHot } from '../genomics/one-hot.js';
import { Conv1d, GlobalMaxPool1d, Linear, ReLU, Sequential } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { column, predictProbabilities, trainEpoch, type EncodedExamples } from './binary-classifier.js';
import { auroc } from './metrics.js';

export interface DemoOptions {
  seed?: number;
  epochs?: number;
  threads?: number;
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

/** One-hot inputs and labels of labelled sequences, as the training loop consumes them. */
export function encodeExamples(data: LabelledSequences): EncodedExamples {
  const length = data.sequences[0]?.length ?? 0;
  const inputs = new Float32Array(data.sequences.length * 4 * length);
  data.sequences.forEach((s, n) => writeOneHot(s, inputs, n * 4 * length));
  return {
    inputs,
    labels: Float32Array.from(data.labels.flat()),
    count: data.sequences.length,
    length,
    tasks: data.tasks.length,
  };
}

const DEMO_MOTIFS = [
  { name: 'GATA1', pwm: consensusPwm('AGATAAGG') },
  { name: 'SPI1', pwm: consensusPwm('AAAGAGGAAGTG') },
];

export function runPlantedMotifDemo(options: DemoOptions = {}): DemoResult {
  const { seed = 1, epochs = 6, log = () => {} } = options;
  if (options.threads !== undefined) setNumThreads(options.threads);
  manualSeed(seed);
  const generate = (count: number, offset: number) =>
    plantedMotifDataset({ count, length: 200, motifs: DEMO_MOTIFS, positiveFraction: 0.4, seed: seed * 1000 + offset });
  const train = encodeExamples(generate(4000, 1));
  const heldOut = generate(1000, 2);
  const test = encodeExamples(heldOut);
  log(`data: 4000 training and 1000 held-out sequences of 200 bp; tasks ${heldOut.tasks.join(', ')}`);

  const model = new Sequential(new Conv1d(4, 32, 15, { padding: 'same' }), new ReLU(), new GlobalMaxPool1d(), new Linear(32, DEMO_MOTIFS.length));
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = Date.now();
    losses.push(trainEpoch(model, optimizer, train, { batchSize: 64, seed: seed + epoch }));
    log(`epoch ${epoch}/${epochs}  loss ${losses[losses.length - 1]!.toFixed(4)}  ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const probs = predictProbabilities(model, test);
  const taskAuroc = heldOut.tasks.map((_, t) => auroc(column(probs, test.tasks, t), column(test.labels, test.tasks, t)));
  heldOut.tasks.forEach((name, t) => log(`held-out AUROC ${name}: ${taskAuroc[t]!.toFixed(4)}`));
  model.dispose();
  optimizer.dispose();
  return { tasks: heldOut.tasks, losses, taskAuroc, testAuroc: taskAuroc.reduce((a, b) => a + b, 0) / taskAuroc.length };
}
