/**
 * report.html of a pretrained language model: learning curves, held-out cross-entropy (bits
 * per masked base, overall and by class: repeat / other bases and, with an annotation, CDS /
 * UTR / intron / intergenic) and accuracy, and the "LM logo" of a
 * held-out stretch: at each position the model's distribution over A, C, G, T with that base
 * masked, drawn as an information logo, above the true bases.
 */
import { informationLogo } from './logo.js';
import { formatValue, htmlPage } from './page.js';
import { escapeHtml, lineChart, type Series } from './svg.js';

export interface LmReportInput {
  architecture: string;
  objective: string;
  parameters: number;
  trainBases: number;
  validationBases: number;
  seconds: number;
  bestEpoch: number | null;
  history: readonly Readonly<Record<string, number>>[];
  /** The tokens, as the tokenizer describes itself (e.g. `kmer k=6`). */
  tokenizer: string;
  validation: {
    bitsPerBase: number;
    bitsPerToken: number;
    accuracy: number;
    tokens: number;
    bases: number;
    /** By class of the scored tokens (repeat / non-repeat, then annotation classes), bits per base (per token when bitsPerBase is NaN). */
    classes: Record<string, { bits: number; tokens: number }>;
  };
  /** A held-out stretch: where it is, its bases, and [L][4] predicted probabilities (each position masked). */
  logo?: { region: string; sequence: string; probabilities: number[][] };
}

const row = (name: string, value: string) => `<tr><td>${escapeHtml(name)}</td><td>${value}</td></tr>`;

export function lmReportHtml(r: LmReportInput): string {
  const epochs = r.history.map((h) => h.epoch ?? Number.NaN);
  const loss: Series[] = [{ name: 'train loss (nats per scored token)', points: r.history.map((h, i) => [epochs[i]!, h.train_loss ?? Number.NaN]) }];
  const v = r.validation;
  const perBase = Number.isFinite(v.bitsPerBase);
  const unit = perBase ? 'bits per masked base' : 'bits per masked token';
  const key = perBase ? 'val_bits_per_base' : 'val_bits_per_token';
  const bits: Series[] = [{ name: `held-out ${unit}`, points: r.history.map((h, i) => [epochs[i]!, h[key] ?? Number.NaN]) }];
  const classRows = Object.entries(v.classes)
    .filter(([, c]) => c.tokens > 0)
    .map(([name, c]) => row(`  ${name} (${c.tokens.toLocaleString('en-US')} tokens)`, formatValue(c.bits)))
    .join('\n');
  const table = `<table>
${row('architecture', escapeHtml(r.architecture))}
${row('objective', escapeHtml(r.objective))}
${row('parameters', r.parameters.toLocaleString('en-US'))}
${row('training bases / held-out bases', `${r.trainBases.toLocaleString('en-US')} / ${r.validationBases.toLocaleString('en-US')}`)}
${row('best epoch', String(r.bestEpoch ?? '–'))}
${row('tokens', escapeHtml(r.tokenizer))}
${row(`held-out ${unit}`, formatValue(perBase ? v.bitsPerBase : v.bitsPerToken))}
${classRows}
${perBase && v.tokens !== v.bases ? row('held-out bits per masked token', formatValue(v.bitsPerToken)) : ''}
${row('masked-token accuracy', formatValue(v.accuracy))}
${row('scored held-out tokens / bases', `${v.tokens.toLocaleString('en-US')} / ${v.bases.toLocaleString('en-US')}`)}
${row('time', `${r.seconds.toFixed(0)} s`)}
</table>`;
  const logo =
    r.logo === undefined
      ? ''
      : `<h2>LM logo: ${escapeHtml(r.logo.region)}</h2>
<p class="muted">Each position masked in turn; letters show the model's predicted distribution (height: information in bits). The true bases: <code>${escapeHtml(r.logo.sequence)}</code></p>
${informationLogo(r.logo.probabilities, { title: r.logo.region, widthPerPosition: 12 })}`;
  const body = `<h1>Language model pretraining</h1>
${table}
<h2>Learning curves</h2>
${lineChart(loss, { title: 'Training loss', xLabel: 'epoch', yLabel: 'nats', chartKind: 'learning-curve' })}
${lineChart(bits, { title: `Held-out ${unit}`, xLabel: 'epoch', yLabel: 'bits', chartKind: 'learning-curve' })}
${logo}`;
  return htmlPage('Strand language model', body);
}
