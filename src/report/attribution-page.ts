/**
 * The HTML page of `strand explain`: one attribution logo track per sequence, its predictions, and
 * a header naming the method and task. Self-contained: inline SVG and CSS, no scripts or network.
 *
 * Layout of a track: a sequence up to `fullLengthLimit` bp (default 1000) is drawn in full, wrapped
 * into rows of `rowLength` bp (default 100). A longer sequence gets a full-length importance line
 * chart (per-position sum of the attributions, binned to at most 2000 points by the value of
 * largest magnitude) and logo rows of the `windowLength` bp window (default 200) with the largest
 * total |importance|. All rows of one track share one y domain, so heights compare across rows.
 */
import { writeFileAtomic } from '../io/atomic-write.js';
import { attributionExtent, attributionLogo, logoGlyphDefs, type LogoMatrix } from './logo.js';
import { formatValue, htmlPage } from './page.js';
import { escapeHtml, lineChart } from './svg.js';

export type AttributionMethod = 'saliency' | 'ig' | 'deeplift' | 'ism';

export interface AttributionTrack {
  id: string;
  /** The sequence as letters (length L). */
  sequence: string;
  /** [L][4] contributions in A, C, G, T order. */
  attributions: LogoMatrix;
  /** Prediction per task name. */
  predictions: Readonly<Record<string, number>>;
  /** The output this track explains, when tracks explain different outputs (default: the page's task). */
  task?: string;
}

export interface AttributionPageInput {
  /** Page title (default "Attributions"). */
  title?: string;
  method: AttributionMethod;
  /** The explained task (output) name. */
  task: string;
  /** Optional description of the model (e.g. its folder). */
  model?: string;
  /** Optional description of the baseline / references (IG, DeepLIFT). */
  baseline?: string;
  /** Profile models: the head explained. */
  head?: 'counts' | 'profile';
  sequences: readonly AttributionTrack[];
  /** Positions per logo row (default 100). */
  rowLength?: number;
  /** Longest sequence drawn in full (default 1000); longer ones show a window. */
  fullLengthLimit?: number;
  /** Window shown for longer sequences (default 200). */
  windowLength?: number;
  /** Tracks drawn at most (default 200); the page says how many were left out. */
  maxSequences?: number;
  /** Sequences explained in all, when `sequences` holds only the first of them (default: sequences.length). */
  totalSequences?: number;
}

export const METHOD_NAMES: Readonly<Record<AttributionMethod, string>> = {
  saliency: 'Saliency (gradient × input)',
  ig: 'Integrated gradients',
  deeplift: 'DeepLIFT / DeepSHAP (rescale rule)',
  ism: 'In-silico mutagenesis',
};

/** Start of the `window`-long stretch with the largest sum of |per-position importance|. */
export function topWindowStart(importance: readonly number[], window: number): number {
  const L = importance.length;
  if (window >= L) return 0;
  let sum = 0;
  for (let i = 0; i < window; i++) sum += Math.abs(importance[i]!);
  let best = sum;
  let start = 0;
  for (let i = window; i < L; i++) {
    sum += Math.abs(importance[i]!) - Math.abs(importance[i - window]!);
    if (sum > best + 1e-12) {
      best = sum;
      start = i - window + 1;
    }
  }
  return start;
}

function importanceChart(importance: readonly number[], start: number, window: number): string {
  const L = importance.length;
  const bins = Math.min(L, 2000);
  const points: [number, number][] = [];
  for (let b = 0; b < bins; b++) {
    const lo = Math.floor((b * L) / bins);
    const hi = Math.max(lo + 1, Math.floor(((b + 1) * L) / bins));
    let v = 0;
    for (let i = lo; i < hi; i++) if (Math.abs(importance[i]!) > Math.abs(v)) v = importance[i]!;
    points.push([lo + 1, v]);
  }
  const chart = lineChart([{ name: 'importance', points }], { xLabel: 'position', yLabel: 'sum of attributions', width: 1000, height: 200, xDomain: [1, L] });
  return `${chart}<p class="muted">Logo rows show positions ${start + 1}–${start + window} of ${L}, the ${window} bp window with the largest total |importance|.</p>`;
}

function predictionsTable(predictions: Readonly<Record<string, number>>, task: string): string {
  const entries = Object.entries(predictions);
  if (entries.length === 0) return '';
  const shown = entries.slice(0, 50);
  const rows = shown.map(([name, v]) => `<tr${name === task ? ' class="highlight"' : ''}><td>${escapeHtml(name)}</td><td>${formatValue(v)}</td></tr>`).join('');
  const more = entries.length > shown.length ? `<p class="muted">First ${shown.length} of ${entries.length} tasks.</p>` : '';
  return `<table class="predictions"><tr><th>task</th><th>prediction</th></tr>${rows}</table>${more}`;
}

function track(seq: AttributionTrack, id: string, input: AttributionPageInput): string {
  const L = seq.sequence.length;
  if (seq.attributions.length !== L) throw new RangeError(`expected attributions of sequence ${JSON.stringify(seq.id)} to have ${L} rows (its length), got ${seq.attributions.length}`);
  const rowLength = input.rowLength ?? 100;
  const limit = input.fullLengthLimit ?? 1000;
  const window = Math.min(L, input.windowLength ?? 200);
  if (!(rowLength >= 1) || !(window >= 1 || L === 0)) throw new RangeError(`expected rowLength and windowLength >= 1, got ${rowLength} and ${window}`);
  const importance = seq.attributions.map((row) => row.reduce((s, v) => s + v, 0));
  const full = L <= limit;
  const start = full ? 0 : topWindowStart(importance, window);
  const end = full ? L : start + window;
  const shown = seq.attributions.slice(start, end);
  const yDomain = attributionExtent(shown);
  const rows: string[] = [];
  for (let r = start; r < end; r += rowLength) {
    const part = seq.attributions.slice(r, Math.min(end, r + rowLength));
    rows.push(attributionLogo(part, { includeDefs: false, widthPerPosition: 10, height: 80, firstPosition: r + 1, tickEvery: 10, yDomain }));
  }
  const sumNote = `sum of attributions ${formatValue(importance.reduce((s, v) => s + v, 0))}`;
  const explained = seq.task === undefined ? '' : `explains ${escapeHtml(seq.task)}; `;
  return `<section class="sequence" id="${id}"><h3>${escapeHtml(seq.id)}</h3>
<p class="muted">${L} bp; ${explained}${sumNote}${full ? '' : `; window ${start + 1}–${end}`}.</p>
${predictionsTable(seq.predictions, seq.task ?? input.task)}
${full ? '' : importanceChart(importance, start, window)}
<div class="track">${rows.join('\n')}</div></section>`;
}

/**
 * The header line and the tracks, without the page around them (track ids `${idPrefix}seq-<i>`).
 * Logos refer to the glyphs of `logoGlyphDefs()`, which the page must hold once.
 */
export function renderAttributionSection(input: AttributionPageInput, idPrefix = ''): string {
  if (!(input.method in METHOD_NAMES)) throw new RangeError(`expected method saliency, ig, deeplift or ism, got ${JSON.stringify(input.method)}`);
  const max = input.maxSequences ?? 200;
  const shown = input.sequences.slice(0, max);
  const total = Math.max(input.totalSequences ?? 0, input.sequences.length);
  const facts = [
    `Method: <strong>${escapeHtml(METHOD_NAMES[input.method])}</strong>`,
    `task: <strong>${escapeHtml(input.task)}</strong>`,
    ...(input.head ? [`head: <strong>${input.head === 'counts' ? 'counts (predicted log total counts)' : 'profile (softmax-weighted profile logits)'}</strong>`] : []),
    ...(input.model ? [`model: ${escapeHtml(input.model)}`] : []),
    ...(input.baseline ? [`baseline: ${escapeHtml(input.baseline)}`] : []),
    `${total} sequence${total === 1 ? '' : 's'}`,
  ];
  const more = total > shown.length ? `<p class="muted">Tracks of the first ${shown.length} of ${total} sequences.</p>` : '';
  return `<p class="header">${facts.join(', ')}.</p>
<p class="muted">Letter height is the contribution of that base to the prediction of the task: above the axis it raises the prediction, below it lowers it.</p>
${more}${shown.map((s, i) => track(s, `${idPrefix}seq-${i}`, input)).join('\n')}`;
}

/** The attribution page as an HTML string. */
export function renderAttributionPage(input: AttributionPageInput): string {
  const title = input.title ?? 'Attributions';
  return htmlPage(title, `${logoGlyphDefs()}\n<h1>${escapeHtml(title)}</h1>\n${renderAttributionSection(input)}`);
}

export function writeAttributionPage(path: string, input: AttributionPageInput): void {
  writeFileAtomic(path, renderAttributionPage(input));
}
