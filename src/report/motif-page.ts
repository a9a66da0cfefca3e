/**
 * The HTML page of `strand motifs`: each motif's information-content logo beside the logo of its
 * best database match, aligned by offset and strand, and a table of its matches. Self-contained:
 * inline SVG and CSS, no scripts or network.
 *
 * Alignment convention (as Tomtom's "optimal offset"): with the target reverse-complemented when
 * `strand` is '-', query column i is aligned with target column i + offset (offset may be negative).
 */
import { writeFileAtomic } from '../io/atomic-write.js';
import { BASES, informationLogo, titleWidth, logoGlyphDefs, type LogoMatrix } from './logo.js';
import { htmlPage } from './page.js';
import { escapeHtml } from './svg.js';

export interface MotifMatchRecord {
  targetName: string;
  targetId: string;
  pValue: number;
  qValue: number;
  /** Query column i aligns with target column i + offset (after orienting the target by strand). */
  offset: number;
  /** '-' : the query matches the reverse complement of the target. */
  strand: '+' | '-';
  /** Optional similarity score and overlapping columns of the alignment (shown when given). */
  score?: number;
  overlap?: number;
  /** The target's [L][4] probabilities (A, C, G, T), as stored in the database. */
  targetPwm: LogoMatrix;
}

export interface MotifRecord {
  name: string;
  /** [L][4] probabilities (A, C, G, T). */
  pwm: LogoMatrix;
  /** Number of sites the PWM was built from (also used for the small-sample correction). */
  sites: number;
  matches: readonly MotifMatchRecord[];
}

export interface MotifPageInput {
  /** Page title (default "Motifs"). */
  title?: string;
  /** How the motifs were found, e.g. "first-layer filters" or "attribution seqlets". */
  source?: string;
  /** The motif database compared against, e.g. a file name. */
  database?: string;
  motifs: readonly MotifRecord[];
  /** Matches listed per motif (default 10). */
  maxMatches?: number;
  /** Matches with q below this are marked significant (default 0.05). */
  qThreshold?: number;
  /** Apply the small-sample correction to the query logos (default true). */
  smallSampleCorrection?: boolean;
}

/** The most probable base of each column (N where a row sums to 0). */
export function consensus(pwm: LogoMatrix): string {
  return pwm
    .map((row) => {
      let best = -1;
      for (let b = 0; b < 4; b++) if (row[b]! > 0 && (best < 0 || row[b]! > row[best]!)) best = b;
      return best < 0 ? 'N' : BASES[best]!;
    })
    .join('');
}

function fmtP(v: number): string {
  return Number.isFinite(v) ? (v === 0 ? '0' : v < 1e-3 ? v.toExponential(2) : v.toPrecision(3)) : '–';
}

/** Column padding that places the query and the target on one axis: [query left, query right, target left, target right]. */
export function alignmentPadding(queryLength: number, targetLength: number, offset: number): [number, number, number, number] {
  const start = Math.min(0, offset);
  const end = Math.max(targetLength, offset + queryLength);
  return [offset - start, end - (offset + queryLength), 0 - start || 0, end - targetLength];
}

function byP(matches: readonly MotifMatchRecord[]): MotifMatchRecord[] {
  return [...matches].sort((a, b) => a.pValue - b.pValue || a.qValue - b.qValue);
}

function motifSection(motif: MotifRecord, id: string, input: MotifPageInput): string {
  const threshold = input.qThreshold ?? 0.05;
  const matches = byP(motif.matches);
  const best = matches[0];
  const sites = (input.smallSampleCorrection ?? true) && motif.sites > 0 ? motif.sites : undefined;
  const common = { includeDefs: false, widthPerPosition: 18, height: 80 };
  let logos: string;
  if (best) {
    const [ql, qr, tl, tr] = alignmentPadding(motif.pwm.length, best.targetPwm.length, best.offset);
    const queryTitle = `${motif.name} (${motif.sites} sites)`;
    const targetTitle = `${best.targetName} ${best.targetId}${best.strand === '-' ? ' (reverse complement)' : ''}, q = ${fmtP(best.qValue)}`;
    const minWidth = titleWidth(Math.max(queryTitle.length, targetTitle.length)); // equal widths keep the two logos aligned
    logos =
      informationLogo(motif.pwm, { ...common, sites, padLeft: ql, padRight: qr, title: queryTitle, minWidth }) +
      informationLogo(best.targetPwm, { ...common, padLeft: tl, padRight: tr, reverseComplement: best.strand === '-', title: targetTitle, minWidth });
  } else {
    logos = informationLogo(motif.pwm, { ...common, sites, title: `${motif.name} (${motif.sites} sites)` });
  }
  const shown = matches.slice(0, input.maxMatches ?? 10);
  const hasScore = shown.some((m) => m.score !== undefined);
  const hasOverlap = shown.some((m) => m.overlap !== undefined);
  const rows = shown
    .map(
      (m, k) =>
        `<tr${m.qValue < threshold ? ' class="highlight"' : ''}><td>${k + 1}</td><td>${escapeHtml(m.targetId)}</td><td>${escapeHtml(m.targetName)}</td><td>${m.strand === '-' ? '−' : '+'}</td><td>${m.offset}</td>` +
        `${hasOverlap ? `<td>${m.overlap ?? '–'}</td>` : ''}${hasScore ? `<td>${m.score === undefined ? '–' : m.score.toFixed(3)}</td>` : ''}<td>${fmtP(m.pValue)}</td><td>${fmtP(m.qValue)}</td></tr>`,
    )
    .join('');
  const head = `<tr><th>rank</th><th>target id</th><th>target name</th><th>strand</th><th>offset</th>${hasOverlap ? '<th>overlap</th>' : ''}${hasScore ? '<th>score</th>' : ''}<th>p-value</th><th>q-value</th></tr>`;
  const table = shown.length
    ? `<table class="matches">${head}${rows}</table>${matches.length > shown.length ? `<p class="muted">Best ${shown.length} of ${matches.length} matches.</p>` : ''}`
    : '<p class="muted">No database matches.</p>';
  return `<section class="motif" id="${id}"><h3>${escapeHtml(motif.name)}</h3>
<p class="muted">Consensus ${consensus(motif.pwm)}, ${motif.pwm.length} positions, ${motif.sites} sites.</p>
<div class="logos">${logos}</div>
${table}</section>`;
}

function overview(input: MotifPageInput, idPrefix: string): string {
  const threshold = input.qThreshold ?? 0.05;
  const rows = input.motifs
    .map((m, i) => {
      const best = byP(m.matches)[0];
      const match = best ? `<td>${escapeHtml(best.targetName)} ${escapeHtml(best.targetId)}</td><td>${fmtP(best.qValue)}</td>` : '<td>–</td><td>–</td>';
      return `<tr${best && best.qValue < threshold ? ' class="highlight"' : ''}><td><a href="#${idPrefix}motif-${i}">${escapeHtml(m.name)}</a></td><td>${consensus(m.pwm)}</td><td>${m.sites}</td>${match}</tr>`;
    })
    .join('');
  return `<table class="overview"><tr><th>motif</th><th>consensus</th><th>sites</th><th>best match</th><th>q-value</th></tr>${rows}</table>`;
}

/**
 * The header line, the overview table and one section per motif, without the page around them
 * (motif ids `${idPrefix}motif-<i>`). Logos refer to the glyphs of `logoGlyphDefs()`, which the
 * page must hold once.
 */
export function renderMotifSection(input: MotifPageInput, idPrefix = ''): string {
  const threshold = input.qThreshold ?? 0.05;
  const significant = input.motifs.filter((m) => m.matches.some((x) => x.qValue < threshold)).length;
  const facts = [
    `${input.motifs.length} motif${input.motifs.length === 1 ? '' : 's'}`,
    ...(input.source ? [`from ${escapeHtml(input.source)}`] : []),
    ...(input.database ? [`compared with ${escapeHtml(input.database)}: ${significant} with a match at q &lt; ${threshold}`] : []),
  ];
  return `<p class="header">${facts.join(', ')}.</p>
<p class="muted">Logos in bits (information content); each motif is drawn above its best match, aligned by offset and strand. Highlighted rows have q &lt; ${threshold}.</p>
${overview(input, idPrefix)}
${input.motifs.map((m, i) => motifSection(m, `${idPrefix}motif-${i}`, input)).join('\n')}`;
}

/** The motif page as an HTML string. */
export function renderMotifPage(input: MotifPageInput): string {
  const title = input.title ?? 'Motifs';
  return htmlPage(title, `${logoGlyphDefs()}\n<h1>${escapeHtml(title)}</h1>\n${renderMotifSection(input)}`);
}

export function writeMotifPage(path: string, input: MotifPageInput): void {
  writeFileAtomic(path, renderMotifPage(input));
}
