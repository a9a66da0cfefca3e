/**
 * What an output folder of Strand holds, read back as plain records (for `strand report DIR`):
 *   a training run   log.jsonl, model.json, metrics.json, test-predictions.tsv   (`strand train`)
 *   an evaluation    metrics.json, test-predictions.tsv                          (`strand evaluate --out`)
 *   an explanation   attributions.npy, predictions.tsv, sequences.fa, explain.json (`strand explain`)
 *   motifs           motifs.meme, matches.tsv, motifs.json [, database-motifs.meme] (`strand motifs`)
 * A folder is recognised by its first-named file (log.jsonl, metrics.json, attributions.npy,
 * motifs.meme); the others are then required. Immediate subfolders holding an evaluation, an
 * explanation or motifs (e.g. explain/ and motifs/ of `strand demo`, examples/ of a training run)
 * are read too. A missing or malformed file is an InputError / FormatError naming it.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FormatError, InputError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { readExplainOutput, type ExplainOutput } from './explain-output.js';
import { jsonNumber, readJsonFile, readJsonLines } from './json-file.js';
import { readMotifsOutput, type MotifsOutput } from './motifs-output.js';
import { readPredictionTable, writePredictionTable, type PredictionTable } from './prediction-table.js';

export const RUN_FILES = { log: 'log.jsonl', model: 'model.json', metrics: 'metrics.json', testPredictions: 'test-predictions.tsv' } as const;

const TASK_KINDS = ['binary', 'multiclass', 'regression', 'profile', 'reconstruction'] as const;
export type RunTaskKind = (typeof TASK_KINDS)[number];

const metricValues = z.record(z.string(), jsonNumber);
const splitMetricsSchema = z.object({
  examples: z.number().int().nonnegative().optional(),
  loss: jsonNumber,
  perTask: z.record(z.string(), metricValues),
  mean: metricValues,
  skipped: z.record(z.string(), z.number()).optional(),
});
/** Loss and metrics of a model on one data split (as in metrics.json). */
export type SplitMetrics = z.infer<typeof splitMetricsSchema>;

const taskSchema = z.object({ kind: z.enum(TASK_KINDS), outputs: z.array(z.string()).min(1) });

/** The part of model.json a report needs. */
const modelSchema = z.object({
  architecture: z.object({ name: z.string() }),
  task: taskSchema,
  training: z.object({ data: z.object({ kind: z.string(), genome: z.string().optional(), fasta: z.string().optional(), path: z.string().optional() }) }).optional(),
});

const trainingMetricsSchema = z.object({
  monitor: z.string(),
  bestEpoch: z.number().int().nullable(),
  stoppedEarly: z.boolean().optional(),
  validation: splitMetricsSchema,
  test: splitMetricsSchema,
});

/** metrics.json of `strand evaluate --out`: the model and config evaluated, and the test-split metrics. */
const evaluationMetricsSchema = z.object({
  model: z.string(),
  config: z.string(),
  task: taskSchema,
  test: splitMetricsSchema,
});
export type EvaluationMetrics = z.infer<typeof evaluationMetricsSchema>;

const logRecordSchema = z.object({ type: z.enum(['epoch', 'step']) }).catchall(jsonNumber);

export interface TrainingRunOutput {
  architecture: string;
  /** The training data: its kind and its main file (genome, FASTA or table), when it has one. */
  data?: { kind: string; file?: string };
  task: { kind: RunTaskKind; outputs: string[] };
  monitor: string;
  bestEpoch: number | null;
  /** One record per epoch from log.jsonl: epoch, train_loss, lr, seconds, val_loss, val_<metric>. */
  history: Record<string, number>[];
  validation: SplitMetrics;
  test: SplitMetrics;
  testPredictions: PredictionTable;
}

export interface EvaluationOutput {
  model: string;
  config: string;
  task: { kind: RunTaskKind; outputs: string[] };
  test: SplitMetrics;
  testPredictions: PredictionTable;
}

export interface RunFolder {
  dir: string;
  training?: TrainingRunOutput;
  evaluation?: EvaluationOutput;
  explanation?: ExplainOutput;
  motifs?: MotifsOutput;
  /** Immediate subfolders with an evaluation, explanation or motifs, sorted by name. */
  subfolders: { name: string; folder: RunFolder }[];
}

/** The test predictions, checked against the outputs the metrics name. */
async function readTestPredictions(dir: string, outputs: readonly string[]): Promise<PredictionTable> {
  const path = join(dir, RUN_FILES.testPredictions);
  const table = await readPredictionTable(path);
  if (table.outputNames.join('\t') !== outputs.join('\t')) {
    throw new FormatError(path, 1, undefined, `expected prediction columns for ${outputs.join(', ')}, got ${table.outputNames.join(', ')}`);
  }
  return table;
}

export async function readTrainingRun(dir: string): Promise<TrainingRunOutput> {
  const model = readJsonFile(join(dir, RUN_FILES.model), modelSchema);
  const metrics = readJsonFile(join(dir, RUN_FILES.metrics), trainingMetricsSchema);
  const log = await readJsonLines(join(dir, RUN_FILES.log), logRecordSchema);
  const history = log.filter((r) => r.type === 'epoch').map(({ type: _, ...record }) => record as Record<string, number>);
  const data = model.training?.data;
  const file = data ? (data.kind === 'intervals' ? data.genome : data.kind === 'fasta' ? data.fasta : data.path) : undefined;
  return {
    architecture: model.architecture.name,
    ...(data ? { data: { kind: data.kind, ...(file !== undefined ? { file } : {}) } } : {}),
    task: model.task,
    monitor: metrics.monitor,
    bestEpoch: metrics.bestEpoch,
    history,
    validation: metrics.validation,
    test: metrics.test,
    testPredictions: await readTestPredictions(dir, model.task.outputs),
  };
}

export async function readEvaluation(dir: string): Promise<EvaluationOutput> {
  const metrics = readJsonFile(join(dir, RUN_FILES.metrics), evaluationMetricsSchema);
  return { ...metrics, testPredictions: await readTestPredictions(dir, metrics.task.outputs) };
}

interface ReadFolderOptions {
  /** Read a training run (default true; when false a training run's files are ignored). */
  training?: boolean;
  /** Read immediate subfolders (default true). */
  subfolders?: boolean;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function hasOutputs(folder: RunFolder): boolean {
  return Boolean(folder.training || folder.evaluation || folder.explanation || folder.motifs || folder.subfolders.length > 0);
}

async function readFolder(dir: string, options: ReadFolderOptions): Promise<RunFolder> {
  const has = (name: string) => existsSync(join(dir, name));
  const folder: RunFolder = { dir, subfolders: [] };
  if (has(RUN_FILES.log)) {
    if (options.training !== false) folder.training = await readTrainingRun(dir);
  } else if (has(RUN_FILES.metrics)) {
    folder.evaluation = await readEvaluation(dir);
  }
  if (has('attributions.npy')) folder.explanation = await readExplainOutput(dir);
  if (has('motifs.meme')) folder.motifs = await readMotifsOutput(dir);
  if (options.subfolders !== false) {
    const names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const sub = await readFolder(join(dir, name), { training: false, subfolders: false });
      if (hasOutputs(sub)) folder.subfolders.push({ name, folder: sub });
    }
  }
  return folder;
}

/** Everything a report of `dir` shows; InputError when `dir` holds no Strand outputs. */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  if (!isDirectory(dir)) throw new InputError(`${dir}: no such folder`);
  const folder = await readFolder(dir, {});
  if (!hasOutputs(folder)) {
    throw new InputError(`${dir}: no Strand outputs found (expected ${RUN_FILES.log}, ${RUN_FILES.metrics}, attributions.npy or motifs.meme)`);
  }
  return folder;
}

/**
 * Writes an evaluation folder (metrics.json, test-predictions.tsv) into `dir` (created when
 * missing). A training run's folder is refused: its metrics.json would be overwritten.
 */
export function writeEvaluationOutput(dir: string, metrics: EvaluationMetrics, testPredictions: PredictionTable): void {
  if (existsSync(join(dir, RUN_FILES.log))) throw new InputError(`${dir} holds a training run (${RUN_FILES.log}); write the evaluation to another folder`);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, RUN_FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
  writePredictionTable(join(dir, RUN_FILES.testPredictions), testPredictions);
}
