/**
 * report.html of an output folder, built only from the files in it (io/run-folder.ts), so that
 * `strand report DIR` rebuilds the page a command wrote at its end (the footer's time aside).
 * Sections, in order: a training run (learning curves, test set, validation set), an evaluation
 * (test set), an explanation (attribution tracks), motifs (logos beside their database matches),
 * then the same for each subfolder that holds them (e.g. examples/, explain/, motifs/).
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ExplainOutput } from '../io/explain-output.js';
import type { MotifsOutput } from '../io/motifs-output.js';
import { readRunFolder, type EvaluationOutput, type RunFolder, type SplitMetrics, type TrainingRunOutput } from '../io/run-folder.js';
import { METHOD_NAMES, renderAttributionSection, type AttributionTrack } from './attribution-page.js';
import { logoGlyphDefs } from './logo.js';
import { renderMotifSection, type MotifRecord } from './motif-page.js';
import { htmlPage } from './page.js';
import { metricsTable, splitResultsSection, type SplitResults } from './split-results.js';
import { escapeHtml } from './svg.js';
import { learningCurves, trainingSummary } from './training-report.js';

export const REPORT_FILE = 'report.html';

interface Section {
  id: string;
  heading: string;
  body: string;
}

interface Part {
  title: string;
  sections: Section[];
  logos: boolean;
}

/** Attribution tracks drawn for the folder's own explanation, and for one in a subfolder. */
const OWN_TRACKS = 200;
const SUBFOLDER_TRACKS = 20;

function dataLabel(run: TrainingRunOutput): string {
  if (run.data === undefined) return 'its data';
  return run.data.kind === 'planted' ? 'planted-motif data' : run.data.file ?? `${run.data.kind} data`;
}

function splitResults(kind: TrainingRunOutput['task']['kind'], outputs: readonly string[], metrics: SplitMetrics, table: TrainingRunOutput['testPredictions']): SplitResults {
  return { kind, outputs, predictions: table.predictions, targets: table.targets, report: metrics, loss: metrics.loss };
}

function trainingPart(run: TrainingRunOutput, prefix: string): Part {
  const summary = `<p>${trainingSummary(run.task.kind, run.task.outputs.length, run.monitor, run.bestEpoch, run.history.length)}</p>`;
  return {
    title: `${run.architecture} on ${dataLabel(run)}`,
    logos: false,
    sections: [
      { id: `${prefix}learning-curves`, heading: 'Learning curves', body: `${summary}<div class="charts">${learningCurves(run.history, run.monitor)}</div>` },
      { id: `${prefix}test`, heading: 'Test set', body: splitResultsSection(splitResults(run.task.kind, run.task.outputs, run.test, run.testPredictions), 'test') },
      { id: `${prefix}validation`, heading: 'Validation set', body: metricsTable(run.validation, run.validation.loss) },
    ],
  };
}

function evaluationPart(e: EvaluationOutput, prefix: string): Part {
  const examples = e.test.examples ?? e.testPredictions.targets.length / e.testPredictions.targetNames.length;
  const intro = `<p>Model ${escapeHtml(e.model)} on the test split of ${escapeHtml(e.config)}: ${examples} examples, task ${escapeHtml(e.task.kind)}.</p>`;
  return {
    title: `Evaluation of ${e.model}`,
    logos: false,
    sections: [{ id: `${prefix}evaluation`, heading: 'Test set (evaluation)', body: intro + splitResultsSection(splitResults(e.task.kind, e.task.outputs, e.test, e.testPredictions), 'test') }],
  };
}

function attributionTracks(e: ExplainOutput, max: number): AttributionTrack[] {
  const L = e.length;
  const T = e.outputs.length;
  const perTrackTask = new Set(e.tasks).size > 1;
  return e.ids.slice(0, max).map((id, i) => ({
    id,
    sequence: e.sequences[i]!,
    attributions: Array.from({ length: L }, (_, p) => Array.from(e.attributions.subarray((i * L + p) * 4, (i * L + p) * 4 + 4))),
    predictions: Object.fromEntries(e.outputs.map((name, t) => [name, e.predictions[i * T + t]!])),
    ...(perTrackTask ? { task: e.tasks[i]! } : {}),
  }));
}

function explanationPart(e: ExplainOutput, prefix: string, maxTracks: number): Part {
  const title = e.title ?? `Attributions: ${METHOD_NAMES[e.method]}`;
  const body = renderAttributionSection(
    {
      method: e.method,
      task: [...new Set(e.tasks)].join(', '),
      ...(e.model !== undefined ? { model: e.model } : {}),
      ...(e.baseline !== undefined ? { baseline: e.baseline } : {}),
      ...(e.head !== undefined ? { head: e.head } : {}),
      sequences: attributionTracks(e, maxTracks),
      totalSequences: e.ids.length,
      maxSequences: maxTracks,
    },
    prefix,
  );
  return { title, logos: true, sections: [{ id: `${prefix}attributions`, heading: title, body }] };
}

function motifRecords(m: MotifsOutput): MotifRecord[] {
  const targets = new Map(m.databaseMotifs.map((d) => [d.id, d.pwm]));
  return m.motifs.map((motif) => ({
    name: motif.name ? `${motif.id} (${motif.name})` : motif.id,
    pwm: motif.pwm,
    sites: motif.nsites ?? 0,
    matches: m.matches
      .filter((x) => x.query === motif.id)
      .map((x) => ({ targetName: x.targetName, targetId: x.target, pValue: x.pValue, qValue: x.qValue, offset: x.offset, strand: x.strand, score: x.score, overlap: x.overlap, targetPwm: targets.get(x.target) ?? [] })),
  }));
}

function motifsPart(m: MotifsOutput, prefix: string): Part {
  const body = renderMotifSection({ source: m.source, ...(m.database !== undefined ? { database: m.database } : {}), motifs: motifRecords(m) }, prefix);
  return { title: 'Motifs', logos: true, sections: [{ id: `${prefix}motifs`, heading: 'Motifs', body }] };
}

/** The parts of one folder (not its subfolders); ids start with `prefix`. */
function folderParts(folder: RunFolder, prefix: string, maxTracks: number): Part[] {
  return [
    ...(folder.training ? [trainingPart(folder.training, prefix)] : []),
    ...(folder.evaluation ? [evaluationPart(folder.evaluation, prefix)] : []),
    ...(folder.explanation ? [explanationPart(folder.explanation, prefix, maxTracks)] : []),
    ...(folder.motifs ? [motifsPart(folder.motifs, prefix)] : []),
  ];
}

function renderSection(s: Section): string {
  return `<section class="part" id="${s.id}"><h2>${escapeHtml(s.heading)}</h2>\n${s.body}</section>`;
}

/** The report page of a folder read by `readRunFolder`. */
export function renderFolderReport(folder: RunFolder): string {
  const own = folderParts(folder, '', OWN_TRACKS);
  const inSubfolders = folder.subfolders.flatMap(({ name, folder: sub }) =>
    folderParts(sub, `${name.replace(/[^\w-]/g, '_')}-`, SUBFOLDER_TRACKS).map((part) => ({
      ...part,
      sections: part.sections.map((s) => ({ ...s, heading: `${s.heading} (${name}/)` })),
    })),
  );
  const parts = [...own, ...inSubfolders];
  const title = own[0]?.title ?? `Strand outputs in ${basename(resolve(folder.dir))}`;
  const sections = parts.flatMap((p) => p.sections);
  const nav = sections.length > 1 ? `<nav><ul>${sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.heading)}</a></li>`).join('')}</ul></nav>` : '';
  const defs = parts.some((p) => p.logos) ? `${logoGlyphDefs()}\n` : '';
  return htmlPage(title, `${defs}<h1>${escapeHtml(title)}</h1>\n${nav}\n${sections.map(renderSection).join('\n')}`);
}

/** The copy of report.html that explain and motifs folders also hold, for links to their older page name. */
export const INDEX_COPY = 'index.html';

/**
 * Reads `dir` and writes `dir/report.html` (atomically); returns its path. With `indexCopy`
 * (default: when `dir/index.html` exists) index.html gets the same page.
 */
export async function writeFolderReport(dir: string, { indexCopy = existsSync(join(dir, INDEX_COPY)) }: { indexCopy?: boolean } = {}): Promise<string> {
  const html = renderFolderReport(await readRunFolder(dir));
  const path = join(dir, REPORT_FILE);
  writeFileAtomic(path, html);
  if (indexCopy) writeFileAtomic(join(dir, INDEX_COPY), html);
  return path;
}
