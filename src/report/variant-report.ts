/**
 * report.html of `strand score-variants`: how many alleles were scored or skipped (and why),
 * the distribution of effects per output, and the alleles with the largest effects.
 */
import { writeFileAtomic } from '../io/atomic-write.js';
import { formatValue, htmlPage } from './page.js';
import { attributionExtent, attributionLogo, logoGlyphDefs } from './logo.js';
import { escapeHtml, lineChart } from './svg.js';

/** The bases around an allele and their attributions ([positions][A, C, G, T]). */
export interface AlleleTrackRecord {
  sequence: string;
  attributions: readonly (readonly number[])[];
  /** 1-based genome position of the first base. */
  firstPosition: number;
}

export interface VariantExampleRecord {
  output: string;
  /** e.g. `chr1:1234 rs5 A>G`. */
  label: string;
  /** The effect shown in the caption (the summary's score). */
  effect: number;
  ref: AlleleTrackRecord;
  alt: AlleleTrackRecord;
  /** How the tracks were computed. Default 'saliency'. */
  method?: 'saliency' | 'ism';
}

/** What a track's letter heights are, by method. */
export const TRACK_METHOD_TEXT = {
  saliency: 'Saliency (gradient × input)',
  ism: 'ISM (the change of the prediction when that base is put at the position; 0 for the base already there)',
} as const;

export interface VariantReportInput {
  model: string;
  vcf: string;
  genome: string;
  bothStrands: boolean;
  /** Alleles skipped, by reason. */
  skipped: readonly { kind: string; count: number }[];
  /** Attribution logos of the REF and ALT windows of some of the largest effects. */
  examples?: readonly VariantExampleRecord[];
  summary: {
    score: string;
    scores: readonly string[];
    scored: number;
    outputs: readonly {
      output: string;
      top: readonly { chrom: string; pos: number; id: string; ref: string; alt: string; values: readonly number[] }[];
      sample: readonly number[];
      meanAbsolute: number;
    }[];
  };
}

const MAX_OUTPUTS = 12;
const BINS = 41;

/** Counts of `values` in `BINS` equal bins over [-m, m], m the largest |value|, as a step line. */
function histogramPoints(values: readonly number[]): [number, number][] {
  const m = values.reduce((a, v) => Math.max(a, Math.abs(v)), 0) || 1;
  const width = (2 * m) / BINS;
  const counts = new Array<number>(BINS).fill(0);
  for (const v of values) counts[Math.min(BINS - 1, Math.floor((v + m) / width))]!++;
  const points: [number, number][] = [];
  counts.forEach((c, i) => {
    const y = Math.log10(c + 1);
    points.push([-m + i * width, y], [-m + (i + 1) * width, y]);
  });
  return points;
}

function allele(ref: string, alt: string): string {
  const short = (s: string) => (s.length > 12 ? `${s.slice(0, 10)}…(${s.length})` : s);
  return `${escapeHtml(short(ref))}&gt;${escapeHtml(short(alt))}`;
}

/** Attribution logos of an allele's REF and ALT windows, on one scale and one width. */
export function alleleLogos(ref: AlleleTrackRecord, alt: AlleleTrackRecord, titles: [string, string], { includeDefs = true } = {}): [string, string] {
  const [lo1, hi1] = attributionExtent(ref.attributions);
  const [lo2, hi2] = attributionExtent(alt.attributions);
  const yDomain: [number, number] = [Math.min(lo1, lo2), Math.max(hi1, hi2)];
  const minWidth = Math.max(ref.sequence.length, alt.sequence.length) * 14 + 60;
  const logo = (track: AlleleTrackRecord, title: string) =>
    attributionLogo(track.attributions, { title, yDomain, firstPosition: track.firstPosition, widthPerPosition: 14, height: 70, includeDefs, minWidth });
  return [logo(ref, titles[0]), logo(alt, titles[1])];
}

function exampleSection(examples: readonly VariantExampleRecord[], score: string): string {
  if (examples.length === 0) return '';
  const figures = examples.map((e) => {
    const [ref, alt] = alleleLogos(e.ref, e.alt, ['REF', 'ALT'], { includeDefs: false });
    return `<figure class="variant-example"><h3>${escapeHtml(e.output)}: ${escapeHtml(e.label)} <span class="muted">(${escapeHtml(score)} ${formatValue(e.effect)})</span></h3>${ref}${alt}</figure>`;
  });
  return `<h2>Largest effects, base by base</h2><p class="muted">${TRACK_METHOD_TEXT[examples[0]!.method ?? 'saliency']} of the output on the REF and the ALT window around the allele; letters above the axis raise the prediction, below it lower it. Both rows share one scale.</p>${figures.join('')}`;
}

export function renderVariantReport(input: VariantReportInput): string {
  const { summary } = input;
  const skipped = input.skipped.reduce((a, s) => a + s.count, 0);
  const counts =
    `<table><tr><th>alleles</th><th>count</th></tr><tr><td>scored</td><td>${summary.scored}</td></tr>` +
    input.skipped.map((s) => `<tr><td>skipped: ${escapeHtml(s.kind)}</td><td>${s.count}</td></tr>`).join('') +
    `</table>`;
  const shown = summary.outputs.slice(0, MAX_OUTPUTS);
  const charts = shown
    .map((o) =>
      lineChart([{ name: `${o.sample.length} alleles`, points: histogramPoints(o.sample) }], {
        title: `${o.output}: ${summary.score}`,
        xLabel: summary.score,
        yLabel: 'log10(alleles + 1)',
        width: 340,
        height: 220,
        chartKind: 'effect-histogram',
      }),
    )
    .join('');
  const tables = shown
    .map((o) => {
      const head = `<tr><th>variant</th><th>allele</th>${summary.scores.map((s) => `<th>${escapeHtml(s)}</th>`).join('')}</tr>`;
      const rows = o.top
        .map((v) => `<tr><td>${escapeHtml(`${v.chrom}:${v.pos}`)}${v.id === '.' ? '' : ` ${escapeHtml(v.id)}`}</td><td>${allele(v.ref, v.alt)}</td>${v.values.map((x) => `<td>${formatValue(x)}</td>`).join('')}</tr>`)
        .join('');
      return `<h3>${escapeHtml(o.output)}</h3><p class="muted">mean |${escapeHtml(summary.score)}| ${formatValue(o.meanAbsolute)}</p><table class="top-variants">${head}${rows}</table>`;
    })
    .join('');
  const more = summary.outputs.length > MAX_OUTPUTS ? `<p class="muted">The first ${MAX_OUTPUTS} of ${summary.outputs.length} outputs; every output is in the TSV.</p>` : '';
  const body = `<h1>Variant effects</h1>
<p>Model <code>${escapeHtml(input.model)}</code>, variants <code>${escapeHtml(input.vcf)}</code>, genome <code>${escapeHtml(input.genome)}</code>${input.bothStrands ? ', predictions averaged over both strands' : ''}.</p>
<h2>Alleles</h2>${counts}${skipped > 0 ? '<p class="muted">Skipped alleles are listed with their reason in the .skipped.tsv file beside the scores.</p>' : ''}
<h2>Distribution of ${escapeHtml(summary.score)}</h2><div class="charts">${charts}</div>${more}
<p class="muted">${summary.outputs[0] !== undefined && summary.outputs[0].sample.length < summary.scored ? `A uniform sample of ${summary.outputs[0].sample.length} alleles. ` : ''}Counts on a log scale: most variants change little.</p>
<h2>Largest effects</h2>${tables}
${exampleSection(input.examples ?? [], summary.score)}`;
  return htmlPage('Strand: variant effects', `${input.examples && input.examples.length > 0 ? logoGlyphDefs() : ''}${body}`);
}

export function writeVariantReport(path: string, input: VariantReportInput): void {
  writeFileAtomic(path, renderVariantReport(input));
}
