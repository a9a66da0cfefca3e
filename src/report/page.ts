/** The frame every Strand HTML page shares: one inline style sheet, a title, a footer. No scripts or network. */
import { escapeHtml } from './svg.js';

export const PAGE_STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:20px 0 4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart text{font-size:11px;fill:#333}.chart .chart-title{font-size:13px;font-weight:600}.muted{color:#777}
.logo text{fill:#333;font-family:system-ui,sans-serif}.track{overflow-x:auto}.logo{display:block;margin:2px 0}
tr.highlight td{font-weight:600;background:#fffbe6}nav ul{margin:4px 0;padding-left:20px}figure{margin:0}
.logos{display:flex;flex-direction:column;overflow-x:auto}`;

/** The footer line; the only part of a page that changes when the same inputs are rendered again. */
export const FOOTER_PATTERN = /<p class="muted footer">Written by Strand on [^<]*<\/p>/;

/** A number for a table cell: 4 decimals, exponent form for very large or small values, '–' for NaN / missing. */
export function formatValue(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}

/** A complete HTML document: `body` under the shared style, then the footer. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body>
${body}
<p class="muted footer">Written by Strand on ${new Date().toISOString()}</p>
</body></html>
`;
}
