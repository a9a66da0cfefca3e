/**
 * report.html of a pretrained language model: learning curves, held-out cross-entropy (bits
 * per masked base, overall and on repeat / other bases) and accuracy, and the "LM logo" of a
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
  validation: { bitsPerBase: number; bitsPerBaseRepeat: number; bitsPerBaseNonRepeat: number; accuracy: number; tokens: number };
  /** A held-out stretch: where it is, its bases, and [L][4] predicted probabilities (each position masked). */
  logo?: { region: string; sequence: string; probabilities: number[][] };
}

const row = (name: string, value: string) => `<tr><td>${escapeHtml(name)}</td><td>${value}</td></tr>`;

export function lmReportHtml(r: LmReportInput): string {
  const epochs = r.history.map((h) => h.epoch ?? Number.NaN);
  const loss: Series[] = [{ name: 'train loss (nats per scored token)', points: r.history.map((h, i) => [epochs[i]!, h.train_loss ?? Number.NaN]) }];
  const bits: Series[] = [{ name: 'held-out bits per masked base', points: r.history.map((h, i) => [epochs[i]!, h.val_bits_per_base ?? Number.NaN]) }];
  const v = r.validation;
  const table = `<table>
${row('architecture', escapeHtml(r.architecture))}
${row('objective', escapeHtml(r.objective))}
${row('parameters', r.parameters.toLocaleString('en-US'))}
${row('training bases / held-out bases', `${r.trainBases.toLocaleString('en-US')} / ${r.validationBases.toLocaleString('en-US')}`)}
${row('best epoch', String(r.bestEpoch ?? '–'))}
${row('held-out bits per masked base', formatValue(v.bitsPerBase))}
${row('  on soft-masked (repeat) bases', formatValue(v.bitsPerBaseRepeat))}
${row('  on other bases', formatValue(v.bitsPerBaseNonRepeat))}
${row('masked-base accuracy', formatValue(v.accuracy))}
${row('scored held-out bases', v.tokens.toLocaleString('en-US'))}
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
${lineChart(bits, { title: 'Held-out bits per masked base', xLabel: 'epoch', yLabel: 'bits', chartKind: 'learning-curve' })}
${logo}`;
  return htmlPage('Strand language model', body);
}
