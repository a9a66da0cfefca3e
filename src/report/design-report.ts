/**
 * report.html of `strand design`: the objective per round of every design, before / after
 * predictions per output, each designed sequence with its edits marked against the start, and
 * attribution logos of the start and the designed sequence on one scale. Offline, no scripts.
 */
import { attributionLogo, type LogoMatrix } from './logo.js';
import { formatValue, htmlPage } from './page.js';
import { escapeHtml, lineChart } from './svg.js';

export interface DesignReportItem {
  id: string;
  start: string;
  sequence: string;
  startObjective: number;
  objective: number;
  startPredictions: readonly number[];
  predictions: readonly number[];
  objectivePerRound: readonly number[];
  stopped: string;
  violations: readonly string[];
  /** [L][4] attributions of the start and of the designed sequence, when drawn. */
  logos?: { start: LogoMatrix; designed: LogoMatrix; what: string };
}

export interface DesignReportInput {
  model: string;
  method: string;
  objective: string;
  constraints: string;
  outputs: readonly string[];
  designs: readonly DesignReportItem[];
  interrupted: boolean;
}

/** The designed sequence, edited bases marked (the start's base in the title). */
function markedSequence(start: string, designed: string): string {
  let html = '';
  for (let i = 0; i < designed.length; i++) {
    const c = escapeHtml(designed[i]!);
    html += designed[i] === start[i] ? c : `<mark title="${i + 1}: ${escapeHtml(start[i] ?? '')} to ${c}" data-position="${i + 1}">${c}</mark>`;
    if ((i + 1) % 100 === 0) html += '\n';
  }
  return `<pre class="designed">${html}</pre>`;
}

export function designReportHtml(r: DesignReportInput): string {
  const shown = r.designs.slice(0, 20);
  const curves = lineChart(
    shown.map((d) => ({ name: d.id, points: d.objectivePerRound.map((v, i): [number, number] => [i, v]) })),
    { title: 'Objective per round', xLabel: 'round', yLabel: 'objective', width: 640, height: 300, chartKind: 'design-objective' },
  );
  const head = `<tr><th>design</th><th>edits</th><th>objective</th>${r.outputs.map((o) => `<th>${escapeHtml(o)}</th>`).join('')}<th>stopped</th><th>constraints</th></tr>`;
  const edits = (d: DesignReportItem) => [...d.sequence].filter((c, i) => c !== d.start[i]).length;
  const rows = r.designs
    .map(
      (d) =>
        `<tr data-design="${escapeHtml(d.id)}"><td>${escapeHtml(d.id)}</td><td>${edits(d)}</td><td>${formatValue(d.startObjective)} → ${formatValue(d.objective)}</td>` +
        r.outputs.map((_, t) => `<td>${formatValue(d.startPredictions[t])} → ${formatValue(d.predictions[t])}</td>`).join('') +
        `<td>${escapeHtml(d.stopped)}</td><td>${d.violations.length === 0 ? 'all met' : escapeHtml(d.violations.join('; '))}</td></tr>`,
    )
    .join('\n');
  const details = shown
    .map((d) => {
      const logos =
        d.logos === undefined
          ? ''
          : (() => {
              const all = [...d.logos.start, ...d.logos.designed].flat();
              const domain: [number, number] = [Math.min(0, ...all), Math.max(0, ...all)];
              return `<p class="muted">${escapeHtml(d.logos.what)}, start above designed, one scale</p>
<div class="logos">${attributionLogo(d.logos.start, { title: `${d.id}: start`, yDomain: domain, widthPerPosition: 8, height: 70 })}${attributionLogo(d.logos.designed, { title: `${d.id}: designed`, yDomain: domain, widthPerPosition: 8, height: 70 })}</div>`;
            })();
      return `<h3>${escapeHtml(d.id)}: ${edits(d)} edit${edits(d) === 1 ? '' : 's'}, objective ${formatValue(d.startObjective)} → ${formatValue(d.objective)}</h3>
${markedSequence(d.start, d.sequence)}
<div class="track">${logos}</div>`;
    })
    .join('\n');
  const body = `<style>mark{background:#ffd54f;font-weight:700}pre.designed{font:12px/1.5 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}</style>
<h1>Sequence design</h1>
${r.interrupted ? '<p class="note">Interrupted: the designs below are the best found before the stop.</p>' : ''}
<table>
<tr><td>model</td><td>${escapeHtml(r.model)}</td></tr>
<tr><td>method</td><td>${escapeHtml(r.method)}</td></tr>
<tr><td>objective</td><td>${escapeHtml(r.objective)}</td></tr>
<tr><td>constraints</td><td>${escapeHtml(r.constraints)}</td></tr>
<tr><td>designs</td><td>${r.designs.length}</td></tr>
</table>
<h2>Objective per round</h2>
${curves}${r.designs.length > shown.length ? `<p class="muted">The first ${shown.length} of ${r.designs.length} designs.</p>` : ''}
<h2>Predictions before → after</h2>
<table class="design-table">${head}
${rows}</table>
<h2>Designed sequences</h2>
<p class="muted">Edited bases are marked; hover for the position and the start's base.</p>
${details}`;
  return htmlPage('Strand sequence design', body);
}
