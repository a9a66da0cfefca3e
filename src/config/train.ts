/**
 * The schema of `strand train --config run.yaml`: data, split, task, model, training.
 * Defaults live here; unknown fields are errors (a typo never silently does nothing).
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const column = z.union([z.string().min(1), z.number().int().nonnegative()]);

/** Augmentation of sequences held in memory (planted, table, fasta). */
const inMemoryAugment = z
  .strictObject({
    /** Chance each training sequence is reverse-complemented, drawn anew every epoch (strand-symmetric labels only). */
    reverseComplement: z.number().min(0).max(1).default(0),
  })
  .default({ reverseComplement: 0 });

/** Sequences with planted motifs, generated (no files needed). */
export const plantedDataSchema = z.strictObject({
  kind: z.literal('planted'),
  motifs: z
    .array(z.strictObject({ name: z.string().min(1), consensus: z.string().regex(/^[ACGTacgt]+$/, 'expected A, C, G, T only') }))
    .min(1),
  count: positiveInt.default(5000),
  length: positiveInt.default(200),
  positiveFraction: z.number().gt(0).lt(1).default(0.4),
  augment: inMemoryAugment,
});

/** A CSV/TSV table: a sequence column and label columns; optionally a separate test table. */
export const tableDataSchema = z.strictObject({
  kind: z.literal('table'),
  path: z.string().min(1),
  delimiter: z.enum([',', '\t']).optional(),
  header: z.boolean().default(true),
  sequenceColumn: column,
  labelColumns: z.array(column).min(1),
  idColumn: column.optional(),
  /** Numeric columns given to the model as a second input (multi-view models such as multi-view). */
  featureColumns: z.array(column).min(1).optional(),
  /** Centre-crop or N-pad sequences to this length. */
  length: positiveInt.optional(),
  /** Dinucleotide-shuffled copies of each positive added as negatives (positive-only data, as DeepBind). */
  shuffledNegatives: positiveInt.optional(),
  /** A held-out test table in the same format (then split.test is ignored). */
  testPath: z.string().min(1).optional(),
  testShuffledNegatives: positiveInt.optional(),
  /** A column naming each row's split (train, validation, test); then split fractions are not used. Shuffled negatives follow their row. */
  splitColumn: column.optional(),
  augment: inMemoryAugment,
});

/**
 * Genomic windows labelled by peaks (DeepSEA-style): one binary task per peak file; a window
 * is positive for a task when its central bin is covered by that task's peaks for at least
 * `minOverlap`; negatives are random (GC-matched) genome windows.
 */
export const intervalsDataSchema = z.strictObject({
  kind: z.literal('intervals'),
  genome: z.string().min(1),
  tasks: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        peaks: z.string().min(1),
        format: z.enum(['bed3', 'bed4', 'bed5', 'bed6', 'bed9', 'bed12', 'narrowPeak', 'broadPeak']).optional(),
      }),
    )
    .min(1),
  window: positiveInt.default(1000),
  bin: positiveInt.default(200),
  minOverlap: z.number().gt(0).max(1).default(0.5),
  positives: z.enum(['center', 'tile', 'both']).default('center'),
  /** Tiling ('tile', 'both'): central bins start on multiples of this many bp. Default: bin. */
  stride: positiveInt.optional(),
  outOfBounds: z.enum(['skip', 'pad']).default('skip'),
  chromosomes: z.array(z.string().min(1)).min(1).optional(),
  negatives: z
    .strictObject({
      ratio: z.number().min(0).default(1),
      gcMatch: z.boolean().default(true),
      maxN: z.number().min(0).max(1).default(0.1),
      blacklist: z.string().min(1).optional(),
    })
    .default({ ratio: 1, gcMatch: true, maxN: 0.1 }),
  augment: z
    .strictObject({
      /** Chance each training window is reverse-complemented. */
      reverseComplement: z.number().min(0).max(1).default(0),
      /** Largest random shift of training windows, in bp. */
      shift: z.number().int().nonnegative().default(0),
    })
    .default({ reverseComplement: 0, shift: 0 }),
  /** Worker threads reading training batches (0: on the main thread). */
  workers: z.number().int().nonnegative().default(1),
  /**
   * Regression instead of peak labels: one task per bigWig track, the target being the track's
   * mean over each window's central bin (optionally log(1 + x)). task.kind must be regression.
   */
  tracks: z.array(z.strictObject({ name: z.string().min(1), path: z.string().min(1) })).min(1).optional(),
  logTargets: z.boolean().default(false),
  /** With tracks and task.kind profile: base-resolution counts [N, T, window] (BPNet) instead of central-bin means. */
});

/**
 * An expression matrix (CSV/TSV, genes x samples or samples x genes): samples are the
 * examples, genes the input features. With `labels`, a label per sample (classification or
 * regression); without, the targets are the inputs (autoencoder / VAE).
 */
export const expressionDataSchema = z.strictObject({
  kind: z.literal('expression'),
  path: z.string().min(1),
  /** Samples are the matrix's rows or its columns. */
  samples: z.enum(['rows', 'columns']).default('rows'),
  rowNameColumn: column.optional(),
  /** Regular expression selecting the value columns by header name (default: all but the row names). */
  columns: z.string().min(1).optional(),
  labels: z.strictObject({ path: z.string().min(1), idColumn: column.optional(), labelColumn: column.optional() }).optional(),
  /** A held-out test matrix in the same layout (then split.test is ignored). */
  testPath: z.string().min(1).optional(),
  clip: z.tuple([z.number(), z.number()]).optional(),
  log1p: z.boolean().default(false),
  /** Standardise each gene with the training split's mean and deviation. */
  standardize: z.boolean().default(true),
  /** Keep the `count` genes of largest variance, or of largest signal-to-noise between classes (Golub et al.), judged on the training split. */
  select: z.strictObject({ method: z.enum(['variance', 'snr']), count: positiveInt }).optional(),
});

/** Sequences in a FASTA file, labels in a CSV/TSV table keyed by the FASTA record names. */
export const fastaDataSchema = z.strictObject({
  kind: z.literal('fasta'),
  fasta: z.string().min(1),
  labels: z.string().min(1),
  /** Column of the label table holding the record names. Default: the first. */
  idColumn: column.default(0),
  labelColumns: z.array(column).min(1),
  length: positiveInt.optional(),
  shuffledNegatives: positiveInt.optional(),
  augment: inMemoryAugment,
});

export const dataSchema = z.discriminatedUnion('kind', [plantedDataSchema, tableDataSchema, fastaDataSchema, intervalsDataSchema, expressionDataSchema]);

const fraction = z.number().min(0).lt(1);
/** A held-out part: a fraction of the examples, or whole chromosomes (genomic data). */
const holdOut = z.union([fraction, z.strictObject({ chromosomes: z.array(z.string().min(1)).min(1) })]);
export const splitSchema = z
  .strictObject({
    validation: holdOut.default(0.1),
    test: holdOut.default(0.1),
    seed: z.number().int().nonnegative().optional(),
  })
  .default({ validation: 0.1, test: 0.1 });

export const taskSchema = z.strictObject({
  kind: z.enum(['binary', 'multiclass', 'regression', 'profile', 'reconstruction']),
  /** Profile task (BPNet): weight of the log-count MSE next to the multinomial profile NLL. */
  countWeight: z.number().nonnegative().optional(),
  /** VAE (reconstruction task): weight of the KL term. */
  beta: z.number().nonnegative().optional(),
  /** Class names in output order (multiclass). Default: sorted distinct labels. */
  classes: z.array(z.string().min(1)).min(2).optional(),
  /** Positive-class weight per task for imbalance: numbers, or 'auto' (negatives / positives in the training split). */
  posWeight: z.union([z.literal('auto'), z.array(z.number().positive())]).optional(),
  labelSmoothing: z.number().min(0).lt(1).optional(),
});

export const modelSchema = z.strictObject({
  name: z.string().min(1),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const optimizerSchema = z
  .strictObject({
    name: z.enum(['adam', 'adamw', 'sgd', 'rmsprop']).default('adam'),
    lr: z.number().positive().default(1e-3),
    weightDecay: z.number().nonnegative().default(0),
    momentum: z.number().min(0).lt(1).optional(),
  })
  .default({ name: 'adam', lr: 1e-3, weightDecay: 0 });

export const scheduleSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('constant') }),
  z.strictObject({ name: z.literal('cosine'), warmupSteps: z.number().int().nonnegative().default(0), minLr: z.number().nonnegative().default(0) }),
  z.strictObject({ name: z.literal('step'), stepSize: positiveInt, gamma: z.number().positive().max(1).default(0.1) }),
  z.strictObject({ name: z.literal('plateau'), factor: z.number().positive().lt(1).default(0.1), patience: z.number().int().nonnegative().default(2) }),
]);

export const earlyStoppingSchema = z.strictObject({
  /** A validation metric (auroc, auprc, accuracy, f1, mcc, pearson, spearman, r2, loss). Default by task. */
  metric: z.string().min(1).optional(),
  patience: positiveInt.default(5),
});

export const trainingSchema = z
  .strictObject({
    epochs: positiveInt.default(10),
    batchSize: positiveInt.default(64),
    optimizer: optimizerSchema,
    schedule: scheduleSchema.default({ name: 'constant' }),
    earlyStopping: earlyStoppingSchema.optional(),
    /** Also checkpoint every N optimizer steps (default: at epoch ends only). */
    checkpointEvery: positiveInt.optional(),
    /** Also log the training loss every N steps to log.jsonl. */
    logEvery: positiveInt.optional(),
    clipGradNorm: z.number().positive().optional(),
    /** Sum the gradients of N batches before each optimizer step (gradient accumulation). */
    accumulateSteps: positiveInt.optional(),
    threads: positiveInt.optional(),
  })
  .default({ epochs: 10, batchSize: 64, optimizer: { name: 'adam', lr: 1e-3, weightDecay: 0 }, schedule: { name: 'constant' } });

/** Transfer learning: start from a saved model's weights. */
export const initSchema = z.strictObject({
  /** A saved model folder (model.safetensors + model.json). */
  from: z.string().min(1),
  /** Parameter-name prefixes to freeze (e.g. ['body.0', 'body.1']). */
  freeze: z.array(z.string().min(1)).default([]),
});

export const trainConfigSchema = z.strictObject({
  seed: z.number().int().nonnegative().default(1),
  data: dataSchema,
  split: splitSchema,
  task: taskSchema,
  model: modelSchema,
  train: trainingSchema,
  init: initSchema.optional(),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type DataConfig = z.infer<typeof dataSchema>;

/** The config with its file paths (data, test data, init model) made relative to `baseDir` (the config file's folder). */
export function resolveConfigPaths(config: TrainConfig, baseDir: string, resolve: (base: string, path: string) => string): TrainConfig {
  const at = (p: string) => resolve(baseDir, p);
  const d = config.data;
  const data: DataConfig =
    d.kind === 'table'
      ? { ...d, path: at(d.path), ...(d.testPath ? { testPath: at(d.testPath) } : {}) }
      : d.kind === 'fasta'
        ? { ...d, fasta: at(d.fasta), labels: at(d.labels) }
      : d.kind === 'expression'
        ? { ...d, path: at(d.path), ...(d.testPath ? { testPath: at(d.testPath) } : {}), ...(d.labels ? { labels: { ...d.labels, path: at(d.labels.path) } } : {}) }
      : d.kind === 'intervals'
        ? {
            ...d,
            genome: at(d.genome),
            tasks: d.tasks.map((t) => ({ ...t, peaks: at(t.peaks) })),
            negatives: { ...d.negatives, ...(d.negatives.blacklist ? { blacklist: at(d.negatives.blacklist) } : {}) },
            ...(d.tracks ? { tracks: d.tracks.map((t) => ({ ...t, path: at(t.path) })) } : {}),
          }
        : d;
  return { ...config, data, ...(config.init ? { init: { ...config.init, from: resolve(baseDir, config.init.from) } } : {}) };
}
