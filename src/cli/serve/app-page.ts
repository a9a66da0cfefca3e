/**
 * The page of `strand serve` (GET /): self-contained HTML with inline CSS and one inline script
 * (allowed by its hash in the Content-Security-Policy, which also forbids every other source).
 * It reads the model from /api/model, sends pasted or uploaded FASTA to /api/predict and
 * /api/explain (predictions table, one attribution logo per sequence, drawn by the server), and
 * variants to /api/score-variant, and one sequence to /api/design (greedy edits toward an
 * output, the edits marked, logos before and after). A masked language model is served the same way: its output is
 * a sequence's pseudo-log-likelihood, its logo the LM logo, its variant scores zero-shot. Elements carry data-testid attributes for the browser tests.
 */
import { createHash } from 'node:crypto';
import { METHOD_NAMES } from '../../report/attribution-page.js';
import { PAGE_STYLE } from '../../report/page.js';
import { logoGlyphDefs } from '../../report/logo.js';
import { escapeHtml } from '../../report/svg.js';

const STYLE = `${PAGE_STYLE}
form{margin:8px 0}textarea{width:100%;box-sizing:border-box;font:12px/1.4 ui-monospace,monospace}
.row{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0}
button{font:inherit;padding:4px 14px}button:disabled{opacity:.6}
.error{color:#a61b1b;background:#fdecec;border:1px solid #f3b9b9;padding:6px 10px;border-radius:4px;margin:8px 0}
.note{color:#6b5300;background:#fff8e1;border:1px solid #f0dc9a;padding:6px 10px;border-radius:4px}
#model-info td,#model-info th{text-align:left}.track h3{font-size:15px;margin:16px 0 2px}
mark{background:#ffd54f;font-weight:700}pre.designed{font:12px/1.5 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}`;

/** Runs in the browser: no imports, no network but this server's API. */
const SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
const MAX_FILE_BYTES = 1024 * 1024;
async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  let data;
  try { data = await res.json(); } catch { throw new Error('HTTP ' + res.status + ': the answer is not JSON'); }
  if (!res.ok) throw new Error(data && data.error ? data.error.message + ' (HTTP ' + res.status + ')' : 'HTTP ' + res.status);
  return data;
}
function showError(el, message) { el.textContent = message; el.hidden = false; }
function clearError(el) { el.textContent = ''; el.hidden = true; }
function fmt(v) {
  if (v === null || v === undefined) return '–';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}
function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}
function fillTable(table, head, rows) {
  table.replaceChildren();
  const tr = el('tr');
  for (const h of head) tr.append(el('th', h));
  table.append(tr, ...rows);
  table.hidden = false;
}
function svgNode(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = document.importNode(doc.documentElement, true);
  for (const defs of svg.querySelectorAll('defs')) defs.remove(); // the page defines the glyphs once
  return svg;
}

let model = null;
async function loadModel() {
  try {
    model = await api('/api/model');
  } catch (err) {
    showError($('model-error'), 'Could not read the model: ' + err.message);
    return;
  }
  const outputs = model.task.outputs;
  $('model-architecture').textContent = model.architecture.name;
  $('model-input-length').textContent = model.input.length + ' bp';
  $('model-task').textContent = model.task.kind + ' (' + model.values + ')';
  $('model-outputs').textContent = outputs.length + ': ' + outputs.join(', ');
  $('model-genome').textContent = model.genome ? model.genome.name + ' (' + model.genome.chromosomes + ' chromosomes)' : 'none';
  $('task-select').replaceChildren(...outputs.map((o) => el('option', o, { value: o })));
  $('head-label').hidden = model.task.kind !== 'profile';
  for (const option of $('method-select').options) option.disabled = !model.explainMethods.includes(option.value);
  if (!model.explainMethods.includes($('method-select').value)) $('method-select').value = model.explainMethods[0];
  $('design-output').replaceChildren(...outputs.map((o) => el('option', o, { value: o })));
  if (!model.design) {
    $('design-note').hidden = false;
    for (const e of $('design-form').elements) e.disabled = true;
  }
  if (!model.variantScoring) {
    $('genome-note').hidden = false;
    for (const e of $('variant-form').elements) e.disabled = true;
  }
  document.body.dataset.ready = 'true';
}

function renderPredictions(data) {
  const rows = data.predictions.map((p) => {
    const tr = el('tr', null, { 'data-testid': 'prediction-row', 'data-id': p.id });
    tr.append(el('td', p.id), el('td', p.length));
    for (const o of data.outputs) tr.append(el('td', fmt(p.values[o]), { 'data-output': o, 'data-value': p.values[o] }));
    return tr;
  });
  fillTable($('predictions-table'), ['sequence', 'length (bp)', ...data.outputs], rows);
  const notes = data.predictions.filter((p) => p.lengthNote).map((p) => el('li', p.id + ': ' + p.lengthNote));
  $('length-notes').replaceChildren(...notes);
}

function renderTracks(data) {
  const tracks = data.explanations.map((x) => {
    const div = el('div', null, { class: 'track', 'data-testid': 'logo-track', 'data-id': x.id });
    div.append(el('h3', x.id));
    if (x.profileSvg) div.append(svgNode(x.profileSvg));
    const caption = data.caption || data.method + ' attributions for ' + data.task + (data.head ? ' (' + data.head + ' head)' : '');
    div.append(el('p', caption + (x.lengthNote ? '; ' + x.lengthNote : ''), { class: 'muted' }), svgNode(x.logoSvg));
    return div;
  });
  $('logo-tracks').replaceChildren(...tracks);
}

$('fasta-file').addEventListener('change', async () => {
  const file = $('fasta-file').files[0];
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) return showError($('sequence-error'), file.name + ' is larger than 1 MiB; score it with strand predict instead');
  $('sequence-input').value = await file.text();
});

$('sequence-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('sequence-error');
  clearError(error);
  const fasta = $('sequence-input').value;
  if (fasta.trim() === '') return showError(error, 'Paste a FASTA record or a sequence, or choose a FASTA file.');
  const button = $('submit-sequences');
  button.disabled = true;
  $('sequence-status').textContent = 'working…';
  const [predicted, explained] = await Promise.allSettled([
    api('/api/predict', { fasta }),
    api('/api/explain', { fasta, method: $('method-select').value, task: $('task-select').value, ...($('head-label').hidden ? {} : { head: $('head-select').value }) }),
  ]);
  if (predicted.status === 'fulfilled') renderPredictions(predicted.value);
  if (explained.status === 'fulfilled') renderTracks(explained.value);
  const messages = [...new Set([predicted, explained].filter((r) => r.status === 'rejected').map((r) => r.reason.message))];
  if (messages.length > 0) showError(error, messages.join('; '));
  $('sequence-status').textContent = '';
  button.disabled = false;
});

$('variant-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('variant-error');
  clearError(error);
  const button = $('submit-variant');
  button.disabled = true;
  $('variant-status').textContent = 'working…';
  $('variant-logos').replaceChildren();
  try {
    const data = await api('/api/score-variant', { variant: $('variant-input').value, bothStrands: $('both-strands').checked, leftAlign: $('left-align').checked });
    const rows = data.effects.map((e) => {
      const tr = el('tr', null, { 'data-testid': 'effect-row', 'data-output': e.output });
      tr.append(el('td', e.output));
      for (const s of data.scores) tr.append(el('td', fmt(e.values[s]), { 'data-score': s, 'data-value': e.values[s] }));
      return tr;
    });
    fillTable($('variant-effects'), ['output', ...data.scores], rows);
    $('variant-caption').textContent = data.variant.text + (data.scoredAs ? ' (scored left-aligned as ' + data.scoredAs.text + ')' : '') + (data.bothStrands ? ', both strands averaged' : '');
    $('variant-logos').replaceChildren(...(data.logos ? [el('p', data.logos.methodText + ' of ' + data.logos.output + ' around the allele, REF above ALT, one scale', { class: 'muted' }), svgNode(data.logos.refSvg), svgNode(data.logos.altSvg)] : []));
  } catch (err) {
    showError(error, err.message);
  }
  $('variant-status').textContent = '';
  button.disabled = false;
});

function markedSequence(start, designed) {
  const pre = el('pre', null, { class: 'designed', 'data-testid': 'designed-sequence' });
  for (let i = 0; i < designed.length; i++) {
    if (designed[i] === start[i]) pre.append(designed[i]);
    else pre.append(el('mark', designed[i], { title: (i + 1) + ': ' + start[i] + ' to ' + designed[i], 'data-position': i + 1 }));
  }
  return pre;
}

$('design-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('design-error');
  clearError(error);
  const text = $('design-input').value;
  if (text.trim() === '') return showError(error, 'Paste a sequence (or one FASTA record) to design from.');
  const button = $('submit-design');
  button.disabled = true;
  $('design-status').textContent = 'designing…';
  $('design-result').replaceChildren();
  try {
    const body = /^\s*>/.test(text) ? { fasta: text } : { sequence: text };
    const data = await api('/api/design', { ...body, output: $('design-output').value, direction: $('design-direction').value, maxEdits: Number($('design-max-edits').value) });
    const rows = data.outputs.map((o) => {
      const tr = el('tr', null, { 'data-testid': 'design-row', 'data-output': o });
      tr.append(el('td', o), el('td', fmt(data.before[o]), { 'data-before': data.before[o] }), el('td', fmt(data.after[o]), { 'data-after': data.after[o] }));
      return tr;
    });
    const table = el('table', null, { 'data-testid': 'design-table' });
    fillTable(table, ['output', 'before', 'after'], rows);
    const caption = el('p', data.objective + ': ' + fmt(data.startObjective) + ' → ' + fmt(data.designedObjective) + ' with ' + data.edits + ' edit' + (data.edits === 1 ? '' : 's') + ' (stopped: ' + data.stopped + ')' + (data.lengthNote ? '; ' + data.lengthNote : ''), { 'data-testid': 'design-caption' });
    $('design-result').append(caption, svgNode(data.chartSvg), table, markedSequence(data.start, data.sequence), el('p', data.logosText + ', start above designed, one scale', { class: 'muted' }), svgNode(data.startLogoSvg), svgNode(data.designedLogoSvg));
  } catch (err) {
    showError(error, err.message);
  }
  $('design-status').textContent = '';
  button.disabled = false;
});

loadModel();
`;

function methodOptions(): string {
  return Object.entries(METHOD_NAMES)
    .map(([value, name]) => `<option value="${value}">${escapeHtml(name)}</option>`)
    .join('');
}

export interface AppPage {
  html: string;
  /** The header that lets the page run its own script and reach this server only. */
  contentSecurityPolicy: string;
}

export function renderAppPage(): AppPage {
  const hash = createHash('sha256').update(SCRIPT).digest('base64');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Strand</title><link rel="icon" href="data:,"><style>${STYLE}</style></head><body>
${logoGlyphDefs()}
<h1>Strand</h1>
<div id="model-error" class="error" data-testid="model-error" role="alert" hidden></div>
<section id="model-info" data-testid="model-info"><h2>Model</h2><table>
<tr><th>architecture</th><td id="model-architecture" data-testid="model-architecture"></td></tr>
<tr><th>input length</th><td id="model-input-length" data-testid="model-input-length"></td></tr>
<tr><th>task</th><td id="model-task" data-testid="model-task"></td></tr>
<tr><th>outputs</th><td id="model-outputs" data-testid="model-outputs"></td></tr>
<tr><th>genome</th><td id="model-genome" data-testid="model-genome"></td></tr>
</table></section>
<section id="sequences"><h2>Predict and explain sequences</h2>
<form id="sequence-form" data-testid="sequence-form">
<label for="sequence-input">FASTA records, or one bare sequence (A, C, G, T, N; centre-cropped or N-padded to the model's input length)</label>
<textarea id="sequence-input" data-testid="sequence-input" rows="8" spellcheck="false" placeholder="&gt;seq1&#10;ACGT..."></textarea>
<div class="row">
<label>or a FASTA file <input type="file" id="fasta-file" data-testid="fasta-file" accept=".fa,.fasta,.fna,.txt"></label>
<label>attributions <select id="method-select" data-testid="method-select">${methodOptions()}</select></label>
<label>task <select id="task-select" data-testid="task-select"></select></label>
<label id="head-label" hidden>head <select id="head-select" data-testid="head-select"><option value="counts">counts</option><option value="profile">profile</option></select></label>
<button type="submit" id="submit-sequences" data-testid="submit-sequences">Predict and explain</button>
<span id="sequence-status" class="muted" data-testid="sequence-status"></span>
</div></form>
<div id="sequence-error" class="error" data-testid="sequence-error" role="alert" hidden></div>
<table id="predictions-table" class="predictions" data-testid="predictions-table" hidden></table>
<ul id="length-notes" class="muted" data-testid="length-notes"></ul>
<div id="logo-tracks" data-testid="logo-tracks"></div>
</section>
<section id="design"><h2>Design</h2>
<p id="design-note" class="note" data-testid="design-note" hidden>Design needs a sequence model; a language model cannot design.</p>
<form id="design-form" data-testid="design-form">
<label for="design-input">One sequence (A, C, G, T; at least the model's input length, longer ones centre-cropped): greedy single-base edits, each the best of all</label>
<textarea id="design-input" data-testid="design-input" rows="3" spellcheck="false"></textarea>
<div class="row">
<label><select id="design-direction" data-testid="design-direction"><option value="max">raise</option><option value="min">lower</option></select></label>
<label>output <select id="design-output" data-testid="design-output"></select></label>
<label>with at most <input id="design-max-edits" data-testid="design-max-edits" type="number" min="1" max="20" value="5" size="3"> edits</label>
<button type="submit" id="submit-design" data-testid="submit-design">Design</button>
<span id="design-status" class="muted" data-testid="design-status"></span>
</div></form>
<div id="design-error" class="error" data-testid="design-error" role="alert" hidden></div>
<div id="design-result" class="track" data-testid="design-result"></div>
</section>
<section id="variants"><h2>Variant effect</h2>
<p id="genome-note" class="note" data-testid="genome-note" hidden>Variant scoring needs a reference genome: restart with <code>strand serve --model DIR --genome FILE</code>.</p>
<form id="variant-form" data-testid="variant-form"><div class="row">
<label>variant <input id="variant-input" data-testid="variant-input" placeholder="chr1:12345 A&gt;G" size="32" spellcheck="false"></label>
<label><input type="checkbox" id="both-strands" data-testid="both-strands"> average both strands</label>
<label><input type="checkbox" id="left-align" data-testid="left-align"> left-align indels</label>
<button type="submit" id="submit-variant" data-testid="submit-variant">Score variant</button>
<span id="variant-status" class="muted" data-testid="variant-status"></span>
</div><p class="muted">Position 1-based, as in VCF; REF must match the genome.</p></form>
<div id="variant-error" class="error" data-testid="variant-error" role="alert" hidden></div>
<p id="variant-caption" data-testid="variant-caption"></p>
<table id="variant-effects" data-testid="variant-effects" hidden></table>
<div id="variant-logos" class="track" data-testid="variant-logos"></div>
</section>
<script>${SCRIPT}</script>
</body></html>
`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
