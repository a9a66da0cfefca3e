/**
 * `strand pretrain`: a genomic language model trained without labels on a corpus (genome
 * windows or sequences), with the trainer of every other model (fit: checkpoints, resume,
 * progress), validated on the held-out part after every epoch by masked-token cross-entropy
 * in bits per base (overall, and on soft-masked repeat and other bases) and accuracy; the
 * epoch with the lowest held-out cross-entropy is kept.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, inferenceMode, manualSeed, setNumThreads, tidy, type Tensor } from '../core/index.js';
import type { PretrainConfig } from '../config/pretrain.js';
import type { BatchSource } from '../data/batch.js';
import { readCorpus } from '../data/lm-corpus-files.js';
import { lmTrainingBatches, lmValidationBatches, type LmBatchOptions } from '../data/lm-corpus.js';
import { IGNORE } from '../data/lm-masking.js';
import { NUCLEOTIDE_VOCAB_SIZE } from '../genomics/nucleotide-bytes.js';
import { SPECIAL_TOKEN_NAMES } from '../genomics/tokenizers/tokens.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { createModel, isLanguageModel, maskedBaseDistributions, type LanguageModel } from '../models/index.js';
import { lmReportHtml } from '../report/lm-report.js';
import { describeModel, saveModel } from '../models/saved-model.js';
import { loadModuleWeights } from '../nn/safetensors.js';
import * as ops from '../ops/index.js';
import { buildOptimizer, buildSchedule } from './build.js';
import { fit, type DistributedTraining, type FitEvent } from './fit.js';
import type { Module } from '../nn/index.js';
import { TrainingLog } from './training-log.js';

/** The vocabulary of the single-nucleotide tokens, by id. */
export const NUCLEOTIDE_VOCABULARY: readonly string[] = [...SPECIAL_TOKEN_NAMES, 'A', 'C', 'G', 'T'];

export interface LmEvaluation {
  /** Mean cross-entropy of the scored tokens, bits per base. */
  bitsPerBase: number;
  /** The same over soft-masked (lower-case) bases and over the others (NaN when there are none). */
  bitsPerBaseRepeat: number;
  bitsPerBaseNonRepeat: number;
  /** Fraction of scored tokens whose most likely prediction is the true base. */
  accuracy: number;
  /** Scored tokens. */
  tokens: number;
}

/** Weighted mean cross-entropy of the scored tokens: sum(w * ce) / sum(w). */
export function lmLoss(logits: Tensor, targets: Tensor, weights?: Tensor): Tensor {
  const V = logits.shape[logits.ndim - 1]!;
  const ce = ops.crossEntropyLoss(logits.reshape([-1, V]), targets.reshape([-1]), { reduction: 0, ignoreIndex: IGNORE });
  if (weights === undefined) return ce.sum().div(targets.ne(IGNORE).sum().clampMin(1));
  const w = weights.reshape([-1]);
  return ce.mul(w).sum().div(w.sum().clampMin(1e-8));
}

/** Held-out cross-entropy and accuracy over every scored token of `batches` (model in eval mode). */
export async function evaluateLm(model: LanguageModel, batches: BatchSource): Promise<LmEvaluation> {
  let nats = 0;
  let count = 0;
  let correct = 0;
  const byClass = { repeat: { nats: 0, count: 0 }, other: { nats: 0, count: 0 } };
  for await (const batch of batches.batches(0, 0)) {
    try {
      inferenceMode(() =>
        tidy(() => {
          const logits = model.forward(batch.inputs[0]!);
          const V = logits.shape[2]!;
          const targets = batch.targets.reshape([-1]);
          const ce = ops.crossEntropyLoss(logits.reshape([-1, V]), targets, { reduction: 0, ignoreIndex: IGNORE }).data<Float32Array>();
          const predicted = ops.argmax(logits.reshape([-1, V]), { dim: 1 }).data<BigInt64Array>();
          const target = targets.data<BigInt64Array>();
          const soft = batch.inputs[1]?.reshape([-1]).data<Uint8Array>();
          for (let i = 0; i < target.length; i++) {
            if (target[i] === BigInt(IGNORE)) continue;
            nats += ce[i]!;
            count++;
            if (predicted[i] === target[i]) correct++;
            const c = soft?.[i] ? byClass.repeat : byClass.other;
            c.nats += ce[i]!;
            c.count++;
          }
        }),
      );
    } finally {
      for (const t of batch.inputs) t.dispose();
      batch.targets.dispose();
      batch.weights?.dispose();
    }
  }
  const bits = (n: number, c: number) => (c > 0 ? n / c / Math.LN2 : Number.NaN);
  return {
    bitsPerBase: bits(nats, count),
    bitsPerBaseRepeat: bits(byClass.repeat.nats, byClass.repeat.count),
    bitsPerBaseNonRepeat: bits(byClass.other.nats, byClass.other.count),
    accuracy: count > 0 ? correct / count : Number.NaN,
    tokens: count,
  };
}

export interface PretrainOptions {
  outDir: string;
  resume?: boolean;
  onEvent?: (event: FitEvent) => void;
  log?: (line: string) => void;
  /** Data-parallel pretraining, as trainFromConfig's: every rank draws its own windows; rank 0 evaluates and writes. */
  distributed?: { rank: number; worldSize: number; parallel: (model: Module) => DistributedTraining };
}

export interface PretrainResult {
  outDir: string;
  history: Record<string, number>[];
  bestEpoch: number | null;
  validation: LmEvaluation;
  trainBases: number;
  validationBases: number;
  parameters: number;
  seconds: number;
}

/** The model section with the tokenizer's vocabulary size and the objective's direction filled in. */
function lmModelOptions(config: PretrainConfig): Record<string, unknown> {
  const { name, options } = config.model;
  if (name !== 'conv-lm' && name !== 'transformer-lm') throw new ConfigError('model.name', `expected conv-lm or transformer-lm for pretraining, got '${name}'`);
  if (options.vocabSize !== undefined && options.vocabSize !== NUCLEOTIDE_VOCAB_SIZE) {
    throw new ConfigError('model.options.vocabSize', `is set by the tokenizer (${NUCLEOTIDE_VOCAB_SIZE}); leave it out`);
  }
  const causal = config.objective.kind === 'causal';
  if (options.causal !== undefined && options.causal !== causal) {
    throw new ConfigError('model.options.causal', `must be ${causal} for the ${config.objective.kind} objective; leave it out`);
  }
  return { ...options, vocabSize: NUCLEOTIDE_VOCAB_SIZE, ...(causal ? { causal: true } : {}) };
}

export async function pretrainFromConfig(config: PretrainConfig, options: PretrainOptions): Promise<PretrainResult> {
  const { outDir, distributed } = options;
  const leader = distributed === undefined || distributed.rank === 0;
  const log = leader ? (options.log ?? (() => {})) : () => {};
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  if (config.train.threads !== undefined) setNumThreads(config.train.threads);
  const modelOptions = lmModelOptions(config);
  const corpus = await readCorpus(config.corpus);
  log(`corpus: ${corpus.trainBases.toLocaleString('en-US')} training bases in ${corpus.train.length} region(s), ${corpus.validationBases.toLocaleString('en-US')} held out in ${corpus.validation.length}`);
  const t = config.train;
  const batchOptions: LmBatchOptions = {
    window: t.window,
    batchSize: t.batchSize,
    objective: config.objective.kind,
    maskRate: config.objective.maskRate,
    softMaskedWeight: config.objective.softMaskedWeight,
  };
  const ranks = distributed?.worldSize ?? 1;
  const train = lmTrainingBatches(corpus.train, {
    ...batchOptions,
    windowsPerEpoch: Math.ceil(t.windowsPerEpoch / ranks),
    seed: config.seed,
    ...(distributed ? { stream: distributed.rank } : {}),
    reverseComplement: t.reverseComplement,
  });
  const validation = lmValidationBatches(corpus.validation, { ...batchOptions, softMaskedWeight: 1, seed: config.seed, maxWindows: t.validationWindows });

  manualSeed(config.seed);
  const model = createModel(config.model.name, modelOptions);
  if (!isLanguageModel(model)) throw new ConfigError('model.name', `'${config.model.name}' is not a language model`);
  const parameters = model.parameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  log(`model: ${config.model.name}, ${parameters.toLocaleString('en-US')} parameters; ${validation.windows} validation windows of ${t.window} bases`);
  const optimizer = buildOptimizer(t.optimizer, model);
  const { schedule, scheduleOn } = buildSchedule(t.schedule, optimizer, train.batchesPerEpoch * t.epochs, 'min');
  const checkpointPath = join(outDir, 'checkpoint.safetensors');
  const bestPath = join(outDir, '.best.safetensors');
  const trainingLog = new TrainingLog(join(outDir, 'log.jsonl'), options.resume === true);
  if (!options.resume && leader) trainingLog.truncate(0, 0);
  let latest: LmEvaluation | undefined;
  let best: LmEvaluation | undefined;
  try {
    const result = await fit<Tensor>({
      model,
      forward: (inputs) => model.forward(inputs[0]!),
      loss: lmLoss,
      optimizer,
      ...(schedule ? { schedule, scheduleOn } : {}),
      train,
      evaluate: async () => {
        latest = await evaluateLm(model, validation);
        return { bits_per_base: latest.bitsPerBase, accuracy: latest.accuracy };
      },
      epochs: t.epochs,
      monitor: { metric: 'bits_per_base', mode: 'min' },
      checkpointPath,
      bestWeightsPath: bestPath,
      ...(t.checkpointEvery ? { checkpointEvery: t.checkpointEvery } : {}),
      resume: options.resume === true,
      ...(t.clipGradNorm ? { clipGradNorm: t.clipGradNorm } : {}),
      ...(distributed ? { distributed: distributed.parallel(model) } : {}),
      onEvent: (event) => {
        if (event.type === 'resume') trainingLog.truncate(event.epoch, event.step);
        if (event.type === 'epoch-end') {
          trainingLog.add({ type: 'epoch', ...event.record });
          if (event.improved) best = latest;
        }
        if (leader && (event.type === 'checkpoint' || event.type === 'epoch-end')) trainingLog.flush();
        options.onEvent?.(event);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const empty: LmEvaluation = { bitsPerBase: Number.NaN, bitsPerBaseRepeat: Number.NaN, bitsPerBaseNonRepeat: Number.NaN, accuracy: Number.NaN, tokens: 0 };
    const summary = { outDir, history: result.history, bestEpoch: result.best?.epoch ?? null, trainBases: corpus.trainBases, validationBases: corpus.validationBases, parameters, seconds };
    if (!leader) return { ...summary, validation: empty };
    if (existsSync(bestPath)) loadModuleWeights(bestPath, model);
    model.eval();
    const held = best ?? (await evaluateLm(model, validation));
    const description = describeModel({
      architecture: { name: config.model.name, options: modelOptions },
      input: { kind: 'tokens', alphabet: 'ACGT', length: t.window },
      task: { kind: config.objective.kind === 'mlm' ? 'masked-lm' : 'causal-lm', outputs: [...NUCLEOTIDE_VOCABULARY] },
      tokenizer: { kind: 'nucleotide' },
      training: config,
      metrics: { validation: held },
    });
    saveModel(outDir, model, description);
    const metrics = {
      bestEpoch: result.best?.epoch ?? null,
      validation: held,
      corpus: { trainBases: corpus.trainBases, validationBases: corpus.validationBases, validationWindows: validation.windows },
      parameters,
      seconds,
    };
    writeFileAtomic(join(outDir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    const logoRegion = corpus.validation[0]!;
    const logoBytes = logoRegion.bytes.subarray(0, Math.min(80, logoRegion.bytes.length));
    const logo =
      config.objective.kind === 'mlm'
        ? { region: `${logoRegion.name} (first ${logoBytes.length} bases)`, sequence: Buffer.from(logoBytes).toString('latin1'), probabilities: maskedBaseDistributions(model, logoBytes) }
        : undefined;
    writeFileAtomic(
      join(outDir, 'report.html'),
      lmReportHtml({
        architecture: `${config.model.name} ${JSON.stringify(config.model.options)}`,
        objective: config.objective.kind,
        parameters,
        trainBases: corpus.trainBases,
        validationBases: corpus.validationBases,
        seconds,
        bestEpoch: result.best?.epoch ?? null,
        history: result.history,
        validation: held,
        ...(logo ? { logo } : {}),
      }),
    );
    rmSync(bestPath, { force: true });
    return { ...summary, validation: held };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
