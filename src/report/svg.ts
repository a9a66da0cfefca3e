/** Small, dependency-free SVG charts for offline HTML reports. */

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Draw markers instead of a line. */
  scatter?: boolean;
}

export interface ChartOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** A dashed reference line from (x0, y0) to (x1, y1), e.g. the ROC diagonal. */
  reference?: [number, number, number, number];
  /** Corner of the plot holding the legend (default top-right). */
  legend?: 'top-right' | 'bottom-right' | 'bottom-left';
  /** What the chart shows (e.g. roc, pr), written as the <svg>'s data-chart attribute. */
  chartKind?: string;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  return [lo, hi];
}

function formatTick(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

/** A line (or scatter) chart with axes, ticks, labels and a legend. */
export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 420;
  const height = options.height ?? 300;
  const margin = { left: 56, right: 12, top: options.title ? 28 : 12, bottom: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = options.xDomain ?? extent(xs, [0, 1]);
  const [y0, y1] = options.yDomain ?? extent(ys, [0, 1]);
  const sx = (x: number) => margin.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="chart"${options.chartKind ? ` data-chart="${escapeHtml(options.chartKind)}"` : ''} role="img">`];
  if (options.title) parts.push(`<text x="${width / 2}" y="16" text-anchor="middle" class="chart-title">${escapeHtml(options.title)}</text>`);
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`);
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 4}" stroke="#666"/>`);
    parts.push(`<text x="${sx(t)}" y="${margin.top + plotH + 16}" text-anchor="middle" class="tick">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${margin.left - 4}" x2="${margin.left + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${sy(t) + 4}" text-anchor="end" class="tick">${formatTick(t)}</text>`);
  }
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle" class="axis-label">${escapeHtml(options.xLabel)}</text>`);
  parts.push(`<text x="14" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${margin.top + plotH / 2})" class="axis-label">${escapeHtml(options.yLabel)}</text>`);
  if (options.reference) {
    const [a, b, c, d] = options.reference;
    parts.push(`<line x1="${sx(a)}" y1="${sy(b)}" x2="${sx(c)}" y2="${sy(d)}" stroke="#999" stroke-dasharray="4 3"/>`);
  }
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (s.scatter) {
      for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="1.8" fill="${color}" fill-opacity="0.5"/>`);
    } else if (pts.length > 0) {
      const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8" class="series" data-name="${escapeHtml(s.name)}"><title>${escapeHtml(s.name)}</title></path>`);
      if (pts.length <= 60) for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.2" fill="${color}"/>`);
    }
  });
  const legend = series.slice(0, 10);
  const corner = options.legend ?? 'top-right';
  const legendX = corner === 'bottom-left' ? margin.left + 10 : margin.left + plotW - 120;
  const legendTop = corner === 'top-right' ? margin.top + 12 : margin.top + plotH - 4 - (legend.length - 1) * 14;
  legend.forEach((s, i) => {
    const y = legendTop + i * 14;
    parts.push(`<rect x="${legendX}" y="${y - 8}" width="10" height="3" fill="${PALETTE[i % PALETTE.length]}"/>`);
    parts.push(`<text x="${legendX + 14}" y="${y - 3}" class="legend">${escapeHtml(s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
