/**
 * `strand pretrain`: a genomic language model trained without labels on a corpus (genome
 * windows or sequences), with the trainer of every other model (fit: checkpoints, resume,
 * progress), validated on the held-out part after every epoch by masked-token cross-entropy
 * in bits per base (overall, and on soft-masked repeat and other bases) and accuracy; the
 * epoch with the lowest held-out cross-entropy is kept.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, inferenceMode, manualSeed, setNumThreads, tidy, type Tensor } from '../core/index.js';
import type { PretrainConfig } from '../config/pretrain.js';
import type { BatchSource } from '../data/batch.js';
import { readCorpus } from '../data/lm-corpus-files.js';
import { lmTrainingBatches, lmValidationBatches, type CorpusRegion, type LmBatchOptions } from '../data/lm-corpus.js';
import { IGNORE } from '../data/lm-masking.js';
import { tokenizerFromDescription } from '../genomics/tokenizers/description.js';
import type { SequenceTokenizer } from '../genomics/tokenizers/tokens.js';
import { REGION_CLASSES, regionClassesOf } from '../genomics/region-classes.js';
import { tokensTileBases } from '../genomics/tokenizers/token-rows.js';
import { readAnnotation } from '../io/gff.js';
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

export interface LmEvaluation {
  /**
   * Mean cross-entropy of the scored tokens in bits per base they stand for (NaN with
   * overlapping k-mers, whose tokens share bases: see bitsPerToken).
   */
  bitsPerBase: number;
  /** Mean cross-entropy in bits per scored token (the same as bitsPerBase for single nucleotides). */
  bitsPerToken: number;
  /** Fraction of scored tokens whose most likely prediction is the true token. */
  accuracy: number;
  /** Scored tokens and the bases they stand for. */
  tokens: number;
  bases: number;
  /**
   * The same by class of the scored tokens: 'repeat' (soft-masked) and 'non-repeat', then with an
   * annotation its region classes (CDS, UTR, intron, ...); `bits` per base as bitsPerBase
   * (per token with overlapping k-mers).
   */
  classes: Record<string, { bits: number; tokens: number }>;
}

/** Weighted mean cross-entropy of the scored tokens: sum(w * ce) / sum(w). */
export function lmLoss(logits: Tensor, targets: Tensor, weights?: Tensor): Tensor {
  const V = logits.shape[logits.ndim - 1]!;
  const ce = ops.crossEntropyLoss(logits.reshape([-1, V]), targets.reshape([-1]), { reduction: 0, ignoreIndex: IGNORE });
  if (weights === undefined) return ce.sum().div(targets.ne(IGNORE).sum().clampMin(1));
  const w = weights.reshape([-1]);
  return ce.mul(w).sum().div(w.sum().clampMin(1e-8));
}

/**
 * Held-out cross-entropy and accuracy over every scored token of `batches` (model in eval mode).
 * `perBase` false (overlapping k-mers) reports bits per token in place of bits per base;
 * `classNames` names the class codes of the batches' fourth input, when they have one.
 */
export async function evaluateLm(model: LanguageModel, batches: BatchSource, scoring: { perBase?: boolean; classNames?: readonly string[] } = {}): Promise<LmEvaluation> {
  const { perBase = true, classNames = [] } = scoring;
  let nats = 0;
  let count = 0;
  let bases = 0;
  let correct = 0;
  const byClass = new Map<string, { nats: number; count: number; bases: number }>();
  const add = (name: string, n: number, b: number) => {
    const c = byClass.get(name) ?? { nats: 0, count: 0, bases: 0 };
    c.nats += n;
    c.count++;
    c.bases += b;
    byClass.set(name, c);
  };
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
          const span = batch.inputs[2]?.reshape([-1]).data<Uint8Array>();
          const region = batch.inputs[3]?.reshape([-1]).data<Uint8Array>();
          for (let i = 0; i < target.length; i++) {
            if (target[i] === BigInt(IGNORE)) continue;
            const b = span?.[i] ?? 1;
            nats += ce[i]!;
            count++;
            bases += b;
            if (predicted[i] === target[i]) correct++;
            add(soft?.[i] ? 'repeat' : 'non-repeat', ce[i]!, b);
            if (region !== undefined) add(classNames[region[i]!] ?? `class ${region[i]}`, ce[i]!, b);
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
  const classes: LmEvaluation['classes'] = {};
  for (const name of ['repeat', 'non-repeat', ...classNames]) {
    const c = byClass.get(name);
    classes[name] = { bits: c === undefined ? Number.NaN : bits(c.nats, perBase ? c.bases : c.count), tokens: c?.count ?? 0 };
  }
  return {
    bitsPerBase: perBase ? bits(nats, bases) : Number.NaN,
    bitsPerToken: bits(nats, count),
    accuracy: count > 0 ? correct / count : Number.NaN,
    tokens: count,
    bases,
    classes,
  };
}

/** Gives every held-out region its bases' annotation classes; the class names by code. */
async function annotateCorpus(regions: CorpusRegion[], path: string): Promise<readonly string[]> {
  const { transcripts } = await readAnnotation(path);
  for (const r of regions) {
    if (r.span === undefined) continue;
    r.classes = regionClassesOf(transcripts, r.span.chrom, r.span.start, r.bytes.length);
  }
  return REGION_CLASSES;
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

/** The tokenizer of the config: a kind with its options, or a BPE vocabulary file from `strand tokenizer train`. */
export function pretrainTokenizer(config: PretrainConfig['tokenizer']): SequenceTokenizer {
  if (config.kind !== 'bpe') return tokenizerFromDescription(config, { path: 'tokenizer' });
  if (!existsSync(config.path)) throw new ConfigError('tokenizer.path', `${config.path} does not exist (write one with strand tokenizer train)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(config.path, 'utf8'));
  } catch (e) {
    throw new ConfigError('tokenizer.path', `${config.path} is not JSON: ${(e as Error).message}`);
  }
  return tokenizerFromDescription(json, { file: config.path });
}

/** The model section with the tokenizer's vocabulary size and the objective's direction filled in. */
function lmModelOptions(config: PretrainConfig, vocabSize: number): Record<string, unknown> {
  const { name, options } = config.model;
  if (name !== 'conv-lm' && name !== 'transformer-lm') throw new ConfigError('model.name', `expected conv-lm or transformer-lm for pretraining, got '${name}'`);
  if (options.vocabSize !== undefined && options.vocabSize !== vocabSize) {
    throw new ConfigError('model.options.vocabSize', `is set by the tokenizer (${vocabSize}); leave it out`);
  }
  const causal = config.objective.kind === 'causal';
  if (options.causal !== undefined && options.causal !== causal) {
    throw new ConfigError('model.options.causal', `must be ${causal} for the ${config.objective.kind} objective; leave it out`);
  }
  return { ...options, vocabSize, ...(causal ? { causal: true } : {}) };
}

export async function pretrainFromConfig(config: PretrainConfig, options: PretrainOptions): Promise<PretrainResult> {
  const { outDir, distributed } = options;
  const leader = distributed === undefined || distributed.rank === 0;
  const log = leader ? (options.log ?? (() => {})) : () => {};
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  if (config.train.threads !== undefined) setNumThreads(config.train.threads);
  const tokenizer = pretrainTokenizer(config.tokenizer);
  const tokens = tokenizer.describe();
  const nucleotides = tokens.kind === 'nucleotide';
  const perBase = tokensTileBases(tokens);
  const modelOptions = lmModelOptions(config, tokenizer.vocabSize);
  const corpus = await readCorpus(config.corpus);
  const classNames = config.corpus.kind === 'genome' && config.corpus.annotation !== undefined ? await annotateCorpus(corpus.validation, config.corpus.annotation) : [];
  log(`corpus: ${corpus.trainBases.toLocaleString('en-US')} training bases in ${corpus.train.length} region(s), ${corpus.validationBases.toLocaleString('en-US')} held out in ${corpus.validation.length}`);
  const t = config.train;
  const batchOptions: LmBatchOptions = {
    window: t.window,
    batchSize: t.batchSize,
    objective: config.objective.kind,
    maskRate: config.objective.maskRate,
    softMaskedWeight: config.objective.softMaskedWeight,
    ...(nucleotides ? {} : { tokenizer }),
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
        latest = await evaluateLm(model, validation, { perBase, classNames });
        return { bits_per_base: latest.bitsPerBase, bits_per_token: latest.bitsPerToken, accuracy: latest.accuracy };
      },
      epochs: t.epochs,
      monitor: { metric: perBase ? 'bits_per_base' : 'bits_per_token', mode: 'min' },
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
    const empty: LmEvaluation = { bitsPerBase: Number.NaN, bitsPerToken: Number.NaN, accuracy: Number.NaN, tokens: 0, bases: 0, classes: {} };
    const summary = { outDir, history: result.history, bestEpoch: result.best?.epoch ?? null, trainBases: corpus.trainBases, validationBases: corpus.validationBases, parameters, seconds };
    if (!leader) return { ...summary, validation: empty };
    if (existsSync(bestPath)) loadModuleWeights(bestPath, model);
    model.eval();
    const held = best ?? (await evaluateLm(model, validation, { perBase, classNames }));
    const description = describeModel({
      architecture: { name: config.model.name, options: modelOptions },
      input: { kind: 'tokens', alphabet: 'ACGT', length: t.window },
      task: { kind: config.objective.kind === 'mlm' ? 'masked-lm' : 'causal-lm', outputs: tokenizer.vocabulary() },
      tokenizer: tokens,
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
      config.objective.kind === 'mlm' && nucleotides
        ? { region: `${logoRegion.name} (first ${logoBytes.length} bases)`, sequence: Buffer.from(logoBytes).toString('latin1'), probabilities: maskedBaseDistributions(model, logoBytes) }
        : undefined;
    writeFileAtomic(
      join(outDir, 'report.html'),
      lmReportHtml({
        architecture: `${config.model.name} ${JSON.stringify(config.model.options)}`,
        objective: config.objective.kind,
        tokenizer: Object.entries(tokens).map(([k, v]) => (k === 'kind' ? String(v) : `${k}=${Array.isArray(v) ? v.length : String(v)}`)).join(' '),
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
