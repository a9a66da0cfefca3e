/** The JSON bodies of the API's answers, built from the worker's plain results. */
import { attributionLogo, informationLogo } from '../../report/logo.js';
import { lineChart } from '../../report/svg.js';
import { alleleLogos, TRACK_METHOD_TEXT } from '../../report/variant-report.js';
import type { ModelServerInfo } from './model-client.js';
import type { DesignJobResult, ExplainResult, ScoreVariantResult } from './protocol.js';
import type { DesignRequest, ExplainRequest, SequenceInputs, ServeLimits, VariantRequest } from './requests.js';

/** What a prediction value is, by task kind. */
function valueMeaning(taskKind: string): string {
  if (taskKind === 'binary') return 'probability (sigmoid of the output)';
  if (taskKind === 'multiclass') return 'class probability (softmax over the outputs)';
  if (taskKind === 'profile') return 'predicted log total counts (the counts head)';
  if (taskKind === 'masked-lm') return 'pseudo-log-likelihood: mean log2 P(base) with each base masked in turn, both strands';
  return 'model output';
}

export function modelBody(info: ModelServerInfo, limits: ServeLimits) {
  const { model, genome } = info;
  return {
    architecture: model.architecture,
    input: model.input,
    task: model.task,
    values: valueMeaning(model.task.kind),
    metrics: model.metrics ?? null,
    versions: model.versions,
    created: model.created,
    genome,
    variantScoring: genome !== null,
    explainMethods: isLmTask(model.task.kind) ? ['ism'] : ['saliency', 'ig', 'deeplift', 'ism'],
    design: !isLmTask(model.task.kind),
    limits,
  };
}

/** How a sequence of `given` bases was fitted to the model's `length`, or undefined when it fits. */
export function lengthNote(given: number, length: number): string | undefined {
  if (given > length) return `centre-cropped from ${given} bp to the model's input length of ${length} bp`;
  if (given < length) return `padded with N from ${given} bp to the model's input length of ${length} bp`;
  return undefined;
}

function sequenceFacts(inputs: SequenceInputs, i: number, length: number) {
  const note = lengthNote(inputs.sequences[i]!.length, length);
  return { id: inputs.ids[i]!, length: inputs.sequences[i]!.length, ...(note === undefined ? {} : { lengthNote: note }) };
}

function rowValues(outputs: readonly string[], values: Float32Array, row: number): Record<string, number> {
  const T = outputs.length;
  return Object.fromEntries(outputs.map((name, t) => [name, values[row * T + t]!]));
}

export function predictBody(info: ModelServerInfo, inputs: SequenceInputs, values: Float32Array) {
  const { outputs } = info.model.task;
  const length = info.model.input.length!;
  return {
    outputs,
    inputLength: length,
    values: valueMeaning(info.model.task.kind),
    predictions: inputs.ids.map((_, i) => ({ ...sequenceFacts(inputs, i, length), values: rowValues(outputs, values, i) })),
  };
}

/**
 * Sequence i's predicted profiles: per output the expected counts at each position of the
 * profile (window bases `first` .. `first + positions - 1`, 1-based), and a line chart of them.
 */
function predictedProfile(id: string, outputs: readonly string[], length: number, profiles: { positions: number; values: Float32Array }, i: number) {
  const P = profiles.positions;
  const first = (length - P) / 2 + 1;
  const tracks = Object.fromEntries(outputs.map((name, t) => [name, Array.from(profiles.values.subarray((i * outputs.length + t) * P, (i * outputs.length + t + 1) * P))]));
  const series = outputs.map((name) => ({ name, points: tracks[name]!.map((v, p): [number, number] => [first + p, v]) }));
  return {
    profile: { first, tracks },
    profileSvg: lineChart(series, { title: `${id}: predicted profile`, xLabel: 'position in the window (bp)', yLabel: 'expected counts', width: Math.min(1000, Math.max(420, P * 2)), height: 220, chartKind: 'profile' }),
  };
}

/** The distribution over A, C, G, T whose log-ratios to the reference base are `scores`. */
function distributionOfScores(scores: readonly number[]): number[] {
  const top = Math.max(...scores);
  const e = scores.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

const isLmTask = (kind: string) => kind === 'masked-lm' || kind === 'causal-lm';

export function explainBody(info: ModelServerInfo, request: ExplainRequest, task: string, result: ExplainResult) {
  const { outputs } = info.model.task;
  const lm = isLmTask(info.model.task.kind);
  const L = info.model.input.length!;
  return {
    method: request.method,
    task,
    ...(info.model.task.kind === 'profile' ? { head: request.head ?? 'counts' } : {}),
    outputs,
    inputLength: L,
    ...(lm ? { caption: 'LM logo: at each position, masked, the predicted distribution over A, C, G, T (height: information in bits); attributions are log P(base) - log P(reference)' } : {}),
    explanations: request.ids.map((id, i) => {
      const attributions = Array.from({ length: L }, (_, p) => Array.from(result.attributions.subarray((i * L + p) * 4, (i * L + p) * 4 + 4)));
      return {
        ...sequenceFacts(request, i, L),
        sequence: result.sequences[i]!,
        predictions: rowValues(outputs, result.predictions, i),
        attributions,
        logoSvg: lm
          ? informationLogo(attributions.map(distributionOfScores), { widthPerPosition: 10, title: `${id}: LM logo` })
          : attributionLogo(attributions, { widthPerPosition: 10, height: 80, tickEvery: 10, title: `${id}: ${task}` }),
        ...(result.profiles ? predictedProfile(id, outputs, L, result.profiles, i) : {}),
      };
    }),
  };
}

export function variantBody({ variant, bothStrands, leftAlign }: VariantRequest, result: ScoreVariantResult) {
  const S = result.scores.length;
  return {
    variant: { ...variant, text: `${variant.chrom}:${variant.pos} ${variant.ref}>${variant.alt}` },
    bothStrands,
    leftAlign,
    ...(result.leftAligned ? { scoredAs: { chrom: variant.chrom, ...result.leftAligned, text: `${variant.chrom}:${result.leftAligned.pos} ${result.leftAligned.ref}>${result.leftAligned.alt}` } } : {}),
    outputs: result.outputs,
    scores: result.scores,
    effects: result.outputs.map((output, t) => ({
      output,
      // NaN (e.g. log2fc of a negative output) becomes null in JSON.
      values: Object.fromEntries(result.scores.map((score, k) => [score, result.values[t * S + k]!])),
    })),
    ...(result.tracks === undefined ? {} : { logos: variantLogos(result.tracks) }),
  };
}

/** REF and ALT attribution logos on one scale. */
function variantLogos(tracks: NonNullable<ScoreVariantResult['tracks']>) {
  const [refSvg, altSvg] = alleleLogos(tracks.ref, tracks.alt, [`REF: ${tracks.output}`, `ALT: ${tracks.output}`]);
  return { output: tracks.output, method: tracks.method, methodText: TRACK_METHOD_TEXT[tracks.method], refSvg, altSvg };
}

/** A design's answer: the start and the design, predictions before and after, every step, the objective curve and the two logos on one scale. */
export function designBody(info: ModelServerInfo, request: DesignRequest, job: DesignJobResult) {
  const { result, logos } = job;
  const { outputs } = info.model.task;
  const all = [...logos.start, ...logos.designed].flat();
  const yDomain: [number, number] = [Math.min(0, ...all), Math.max(0, ...all)];
  const logo = (rows: number[][], title: string) => attributionLogo(rows, { widthPerPosition: 8, height: 70, tickEvery: 10, title, yDomain });
  return {
    id: request.id,
    objective: job.objective,
    maxEdits: request.maxEdits,
    ...(request.given !== request.sequence.length ? { lengthNote: lengthNote(request.given, request.sequence.length) } : {}),
    start: result.start,
    sequence: result.sequence,
    edits: [...result.sequence].filter((c, i) => c !== result.start[i]).length,
    startObjective: result.startObjective,
    designedObjective: result.objective,
    outputs,
    before: Object.fromEntries(outputs.map((o, t) => [o, result.startPredictions[t]!])),
    after: Object.fromEntries(outputs.map((o, t) => [o, result.predictions[t]!])),
    steps: result.steps.map((s) => ({ round: s.round, position: s.position + 1, from: s.from, to: s.to, objective: s.objective })),
    stopped: result.stopped === 'interrupted' ? 'time limit' : result.stopped,
    violations: job.violations,
    chartSvg: lineChart([{ name: 'objective', points: result.objectivePerRound.map((v, i): [number, number] => [i, v]) }], {
      title: `${request.id}: objective per round`,
      xLabel: 'round',
      yLabel: 'objective',
      width: 420,
      height: 220,
      chartKind: 'design-objective',
    }),
    logosText: logos.what,
    startLogoSvg: logo(logos.start, `${request.id}: start`),
    designedLogoSvg: logo(logos.designed, `${request.id}: designed`),
  };
}
