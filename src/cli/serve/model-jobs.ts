/**
 * The model work of `strand serve`, run on the worker thread only (the addon's tensor table is
 * not thread-safe): the saved model and the genome, and one method per job kind.
 */
import { basename } from 'node:path';
import { InputError, setNumThreads } from '../../core/index.js';
import { explainSequences } from '../../interpret/explain.js';
import { predictProfiles, predictSequences, sequenceModelLength } from '../../interpret/predict.js';
import { variantAttributions } from '../../interpret/variant-attributions.js';
import { leftAlignAlleles, scoreVariantAlleles } from '../../interpret/variant-effect.js';
import { openGenome, type Genome } from '../../io/genome.js';
import { explainLanguageModel, PSEUDO_LOG_LIKELIHOOD } from '../../interpret/lm-explain.js';
import { isLanguageModel } from '../../models/language-model.js';
import { loadModel, type ModelDescription, type SavedModel } from '../../models/saved-model.js';
import { ConstraintChecker } from '../../design/constraints.js';
import { designLogos } from '../../design/design-logos.js';
import { designModel } from '../../design/design-model.js';
import { buildObjective, parseObjective } from '../../design/objective.js';
import { greedyEvolution } from '../../design/search.js';
import type { ForwardModel } from '../../interpret/target.js';
import { HttpError } from './http-error.js';
import type { DesignJob, DesignJobResult, ExplainJob, ExplainResult, GenomeSummary, ModelWorkerData, ScoreVariantJob, ScoreVariantResult } from './protocol.js';

/** A design request stops with its best so far after this long (the worker serves one job at a time). */
export const DESIGN_TIME_LIMIT_MS = 30_000;

export class ModelJobs {
  private constructor(
    readonly saved: SavedModel,
    readonly genome: Genome | null,
  ) {}

  /** Loads the model (it must read DNA sequences, or be a language model over them) and opens the genome, if any. */
  static async open(data: ModelWorkerData): Promise<ModelJobs> {
    if (data.threads !== undefined) setNumThreads(data.threads);
    const saved = loadModel(data.modelDir);
    try {
      if (!isLanguageModel(saved.model)) sequenceModelLength(saved);
      else if (saved.description.input.length === undefined) throw new InputError('this language model records no window length (input.length)');
      const genome = data.genomePath === undefined ? null : await openGenome(data.genomePath, { writeIndex: false });
      return new ModelJobs(saved, genome);
    } catch (err) {
      saved.model.dispose();
      throw err;
    }
  }

  /**
   * The description the server works from: a masked language model's one output is the
   * pseudo-log-likelihood of a sequence, and its explanation the masked-LM ISM (lm-explain.ts).
   */
  servedDescription(): ModelDescription {
    const { description } = this.saved;
    if (!isLanguageModel(this.saved.model)) return description;
    return { ...description, task: { ...description.task, outputs: [PSEUDO_LOG_LIKELIHOOD] } };
  }

  genomeSummary(): GenomeSummary | null {
    return this.genome === null ? null : { name: basename(this.genome.path), chromosomes: this.genome.chromosomes().size };
  }

  /** Predictions of several jobs' sequences in one model call: one [N_i, outputs] array per job. */
  predict(jobs: readonly (readonly string[])[]): Float32Array[] {
    const { values, outputs } = isLanguageModel(this.saved.model)
      ? { values: explainLanguageModel(this.saved, jobs.flat()).predictions, outputs: [PSEUDO_LOG_LIKELIHOOD] }
      : predictSequences(this.saved, jobs.flat());
    const T = outputs.length;
    let start = 0;
    return jobs.map((sequences) => {
      const part = values.slice(start * T, (start + sequences.length) * T);
      start += sequences.length;
      return part;
    });
  }

  explain(job: ExplainJob): ExplainResult {
    if (isLanguageModel(this.saved.model)) {
      const e = explainLanguageModel(this.saved, job.sequences);
      return { kind: 'explain', attributions: e.attributions, predictions: e.predictions, sequences: e.sequences };
    }
    const e = explainSequences(this.saved, job.sequences, {
      method: job.method,
      task: job.task,
      ...(job.head !== undefined ? { head: job.head } : {}),
      steps: job.steps,
      shuffles: job.shuffles,
    });
    const profiles = this.saved.description.task.kind === 'profile' ? predictProfiles(this.saved, e.sequences) : undefined;
    return {
      kind: 'explain',
      attributions: e.attributions,
      predictions: e.predictions,
      sequences: e.sequences,
      ...(profiles ? { profiles: { positions: profiles.positions, values: profiles.values } } : {}),
    };
  }

  /** Effect scores of one variant; a variant that does not fit the genome is a 422. */
  async scoreVariant({ variant, bothStrands, leftAlign }: Omit<ScoreVariantJob, 'kind'>): Promise<ScoreVariantResult> {
    const genome = this.genome;
    if (genome === null) throw new HttpError(501, 'variant scoring needs a reference genome: start strand serve with --genome FILE');
    const { chrom, pos, ref, alt } = variant;
    const size = genome.chromosomes().get(chrom);
    if (size === undefined) {
      const names = [...genome.chromosomes().keys()];
      const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? `, ... (${names.length} in all)` : '');
      throw new HttpError(422, `chromosome '${chrom}' is not in the genome ${basename(genome.path)}; its chromosomes are ${shown}`);
    }
    if (pos > size) throw new HttpError(422, `position ${pos} is outside ${chrom}, which has ${size} bases (positions are 1-based)`);
    if (pos + ref.length - 1 > size) throw new HttpError(422, `REF '${ref}' at ${chrom}:${pos} runs past the end of ${chrom} (${size} bases)`);
    const written = { chrom, start: pos - 1, ref, alt };
    // Left-aligned once here, so the scores and the logos use the same windows.
    const [allele] = leftAlign ? await leftAlignAlleles(genome, [written]) : [written];
    const result = await scoreVariantAlleles(this.saved, genome, [allele!], { bothStrands });
    const effect = result.effects[0]!;
    if (effect.problem !== undefined || effect.values === undefined) throw new HttpError(422, effect.problem?.message ?? `variant ${chrom}:${pos} could not be scored`);
    const values = Array.from(effect.values);
    const diff = result.scores.indexOf('diff');
    const scored = { kind: 'score-variant' as const, outputs: result.outputs, scores: result.scores, values, ...(allele !== written ? { leftAligned: { pos: allele!.start + 1, ref: allele!.ref, alt: allele!.alt } } : {}) };
    if (diff < 0) return scored;
    const S = result.scores.length;
    const largest = result.outputs.reduce((best, _, t) => (Math.abs(values[t * S + diff]!) > Math.abs(values[best * S + diff]!) ? t : best), 0);
    const [tracks] = await variantAttributions(this.saved, genome, [allele!], result.outputs[largest]!, { flank: 20 });
    return { ...scored, tracks: { output: result.outputs[largest]!, ...tracks! } };
  }

  /** Greedy evolution of one sequence (a language model cannot design: 422). */
  async design(job: DesignJob): Promise<DesignJobResult> {
    const { saved } = this;
    if (isLanguageModel(saved.model)) throw new InputError('design needs a sequence model; this is a language model');
    const { task } = saved.description;
    const model = designModel(saved.model as unknown as ForwardModel, task.kind, task.outputs, sequenceModelLength(saved));
    const objective = buildObjective(parseObjective(job.objective), task.outputs);
    const checker = new ConstraintChecker(job.sequence, { maxEdits: job.maxEdits, ...(job.editable ? { editable: job.editable } : {}), ...(job.forbidden ? { forbidden: job.forbidden } : {}) });
    const started = Date.now();
    const result = await greedyEvolution(model, objective, checker, { rounds: job.maxEdits, shouldStop: () => Date.now() - started > DESIGN_TIME_LIMIT_MS });
    const first = objective.terms[0]!;
    const output = first.kind === 'specific' ? first.on[0]! : first.output;
    return { kind: 'design', objective: objective.text, result, violations: checker.violations(result.sequence), logos: designLogos(saved, output, result.start, result.sequence) };
  }

  async close(): Promise<void> {
    this.saved.model.dispose();
    await this.genome?.close();
  }
}
