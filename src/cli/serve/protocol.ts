import type { DesignLogos } from '../../design/design-logos.js';
import type { DesignResult } from '../../design/search.js';
import type { VariantAttribution } from '../../interpret/variant-attributions.js';

/** Messages between the server (main thread, model-client.ts) and the model worker (model-worker.ts). */
import type { ExplainMethod } from '../../interpret/explain.js';
import type { ModelDescription } from '../../models/saved-model.js';

export interface ModelWorkerData {
  modelDir: string;
  genomePath?: string;
  /** libtorch threads (default: libtorch's own). */
  threads?: number;
}

/** A variant as the user wrote it: `pos` is 1-based, as in VCF; REF and ALT upper case. */
export interface VariantAlleles {
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
}

export interface PredictJob {
  kind: 'predict';
  sequences: string[];
}

export interface ExplainJob {
  kind: 'explain';
  sequences: string[];
  method: ExplainMethod;
  task: string;
  /** Profile models: the head to explain (default counts). */
  head?: 'counts' | 'profile';
  steps: number;
  shuffles: number;
}

export interface ScoreVariantJob {
  kind: 'score-variant';
  variant: VariantAlleles;
  /** Average each prediction over the window and its reverse complement. */
  bothStrands: boolean;
  /** Left-align and trim the allele against the genome before placing its windows. */
  leftAlign: boolean;
}

export interface DesignJob {
  kind: 'design';
  sequence: string;
  /** Objective text (src/design/objective.ts), e.g. max:Bound. */
  objective: string;
  maxEdits: number;
  /** 0-based half-open editable ranges (default all). */
  editable?: [number, number][];
  forbidden?: string[];
}

export type Job = PredictJob | ExplainJob | ScoreVariantJob | DesignJob;

/** [N, outputs] row-major predictions (probabilities for classification). */
export interface PredictResult {
  kind: 'predict';
  values: Float32Array;
}

export interface ExplainResult {
  kind: 'explain';
  /** [N, L, 4] row-major attributions (A, C, G, T). */
  attributions: Float32Array;
  /** [N, outputs] predictions of the sequences as explained. */
  predictions: Float32Array;
  /** The sequences as explained (cropped / padded to the model's input length). */
  sequences: string[];
  /** Profile models: predicted profiles, [N, outputs, positions] expected counts. */
  profiles?: { positions: number; values: Float32Array };
}

export interface ScoreVariantResult {
  kind: 'score-variant';
  outputs: string[];
  /** Score names, e.g. ref, alt, diff. */
  scores: string[];
  /** [outputs, scores] row-major. */
  values: number[];
  /** With leftAlign, the allele as scored when it differs from the one asked for (1-based pos). */
  leftAligned?: { pos: number; ref: string; alt: string };
  /** Attributions (saliency; ISM for a model gradients do not reach) of the output with the largest |diff| on the REF and ALT windows around the allele. */
  tracks?: { output: string } & VariantAttribution;
}

export interface DesignJobResult {
  kind: 'design';
  objective: string;
  result: DesignResult;
  violations: string[];
  /** Attributions of the objective's first output for the start and the designed sequence. */
  logos: DesignLogos;
}

export type JobResult = PredictResult | ExplainResult | ScoreVariantResult | DesignJobResult;

/** The result type of a job kind. */
export type ResultOf<J extends Job> = Extract<JobResult, { kind: J['kind'] }>;

export interface GenomeSummary {
  /** File name (no folder). */
  name: string;
  chromosomes: number;
}

export type ToWorker = { type: 'job'; id: number; job: Job } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; model: ModelDescription; genome: GenomeSummary | null }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'error'; id: number; status: number; message: string };
