/**
 * SVG sequence logos from plain arrays (no tensors): information-content logos of a PWM and
 * attribution logos of a [L][4] contribution matrix. Columns are always A, C, G, T.
 *
 * Letters are four filled glyph paths defined once as <symbol>s (viewBox 0 0 100 100,
 * preserveAspectRatio none) and placed with <use x y width height>, so a letter's drawn height
 * is exactly its `height` attribute. Each position is a <g class="col" data-pos="i"> (i is the
 * 1-based position shown on the axis).
 */
import { escapeHtml } from './svg.js';

/** A matrix as rows of numbers: rows = positions, columns = A, C, G, T. */
export type LogoMatrix = readonly (readonly number[])[];

export const BASES = ['A', 'C', 'G', 'T'] as const;
/** The usual logo colours: A green, C blue, G orange, T red. */
export const BASE_COLORS: Readonly<Record<(typeof BASES)[number], string>> = { A: '#109648', C: '#255c99', G: '#f7a41d', T: '#d62839' };

const GLYPH_PREFIX = 'strand-glyph-';

/** Glyph shapes in a 100 x 100 box, touching its top (y = 0) and bottom (y = 100). */
const GLYPHS: Readonly<Record<(typeof BASES)[number], string>> = {
  A: '<path fill-rule="evenodd" d="M0,100L38,0H62L100,100H78L69,74H31L22,100ZM37,57H63L50,21Z"/>',
  C: '<path d="M88.3,17.9A50,50 0 1 0 88.3,82.1L73,70.6A30,32 0 1 1 73,29.4Z"/>',
  G: '<path d="M88.3,17.9A50,50 0 1 0 99.8,54.4L79.9,52.8A30,32 0 1 1 73,29.4Z"/><path d="M54,46H99V60H54Z"/>',
  T: '<path d="M0,0H100V18H60V100H40V18H0Z"/>',
};

/** The <symbol> elements of the four glyphs (for an inline <defs>). */
export function logoGlyphSymbols(): string {
  return BASES.map((b) => `<symbol id="${GLYPH_PREFIX}${b}" viewBox="0 0 100 100" preserveAspectRatio="none">${GLYPHS[b]}</symbol>`).join('');
}

/**
 * A zero-size SVG holding the glyph definitions, for an HTML page that shows many logos rendered
 * with `includeDefs: false` (ids are document-wide, so one definition serves every logo).
 */
export function logoGlyphDefs(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" style="position:absolute" aria-hidden="true"><defs>${logoGlyphSymbols()}</defs></svg>`;
}

export interface LogoOptions {
  /** Pixels per position (default 16). */
  widthPerPosition?: number;
  /** Height of the plotting area in pixels (default 100). */
  height?: number;
  title?: string;
  /** Draw the reverse complement (positions reversed, A<->T and C<->G). Default false. */
  reverseComplement?: boolean;
  /** Label of the first drawn position (default 1). */
  firstPosition?: number;
  /** Position tick spacing (default: every position up to 30 positions, then 10). */
  tickEvery?: number;
  /** Empty columns before / after the letters (for aligning two logos). Default 0. */
  padLeft?: number;
  padRight?: number;
  /** Include the glyph <defs> (default true); pages with many logos emit `logoGlyphDefs()` once instead. */
  includeDefs?: boolean;
  /** Smallest SVG width in pixels (e.g. to give two aligned logos one width). The SVG also widens to fit its title. */
  minWidth?: number;
  /** Y axis label (default "bits" or "contribution"). */
  yLabel?: string;
}

export interface InformationLogoOptions extends LogoOptions {
  /**
   * Number of sites the PWM was counted from; when given, the small-sample correction
   * e(n) = 3 / (2 ln 2 n) (Schneider et al. 1986) is subtracted from each column's information.
   */
  sites?: number;
  /** Upper end of the bits axis (default 2). */
  maxBits?: number;
}

export interface AttributionLogoOptions extends LogoOptions {
  /** Y domain [lo, hi] (default: from the data, always including 0). Shared domains make rows comparable. */
  yDomain?: [number, number];
}

function checkMatrix(m: LogoMatrix, what: string): void {
  if (!Array.isArray(m)) throw new TypeError(`expected ${what} as an array of [A, C, G, T] rows, got ${typeof m}`);
  m.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== 4) throw new RangeError(`expected ${what} row ${i} to have 4 columns (A, C, G, T), got ${Array.isArray(row) ? row.length : typeof row}`);
    for (const v of row) if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`expected finite numbers in ${what} row ${i}, got ${String(v)}`);
  });
}

/** Reverse complement of a [L][4] matrix in A, C, G, T order: rows reversed, columns reversed. */
export function reverseComplementMatrix(m: LogoMatrix): number[][] {
  return m.map((row) => [...row].reverse()).reverse();
}

/**
 * Information content of one probability row (bits): 2 - H - e(n), floored at 0. The row is
 * normalised to sum 1 first. `sites` enables the small-sample correction e(n) = 3 / (2 ln 2 n).
 */
export function informationContent(row: readonly number[], sites?: number): number {
  const total = row.reduce((s, v) => s + v, 0);
  if (!(total > 0)) return 0;
  let entropy = 0;
  for (const v of row) {
    const p = v / total;
    if (p > 0) entropy -= p * Math.log2(p);
  }
  const correction = sites !== undefined && sites > 0 ? 3 / (2 * Math.LN2 * sites) : 0;
  return Math.max(0, 2 - entropy - correction);
}

/**
 * Letter heights (bits) of an information-content logo: heights[i][b] = p[i][b] * IC[i].
 * pwm: [L][4] probabilities (rows are normalised; negative entries are an error).
 */
export function informationHeights(pwm: LogoMatrix, sites?: number): number[][] {
  checkMatrix(pwm, 'pwm');
  pwm.forEach((row, i) => {
    if (row.some((v) => v < 0)) throw new RangeError(`expected probabilities >= 0 in pwm row ${i}, got [${row.join(', ')}]`);
  });
  return pwm.map((row) => {
    const total = row.reduce((s, v) => s + v, 0);
    const ic = informationContent(row, sites);
    return row.map((v) => (total > 0 ? (v / total) * ic : 0));
  });
}

/** Width in pixels an SVG needs for a title of `chars` characters (13 px font, after the y axis). */
export function titleWidth(chars: number): number {
  return 44 + Math.ceil(chars * 7.5);
}

function num(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

interface Layout {
  width: number;
  height: number;
  left: number;
  top: number;
  plotH: number;
  perPos: number;
  /** Pixel y of a data value. */
  sy: (v: number) => number;
}

function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(10)));
  return out;
}

/** Draws the frame, axes and letters; `columns[i]` lists the letters of position i as [base, lo, hi] in data units. */
function drawLogo(columns: readonly (readonly [number, number, number])[][], domain: [number, number], options: LogoOptions, defaultYLabel: string, className: string): string {
  const perPos = options.widthPerPosition ?? 16;
  const plotH = options.height ?? 100;
  if (!(perPos > 0) || !(plotH > 0)) throw new RangeError(`expected widthPerPosition and height > 0, got ${perPos} and ${plotH}`);
  const padLeft = options.padLeft ?? 0;
  const padRight = options.padRight ?? 0;
  const first = options.firstPosition ?? 1;
  const L = columns.length;
  const total = padLeft + L + padRight;
  const left = 44;
  const top = options.title ? 22 : 8;
  const bottom = 22;
  const width = Math.max(left + total * perPos + 8, options.title ? titleWidth(options.title.length) : 0, options.minWidth ?? 0);
  const height = top + plotH + bottom;
  const [lo, hi] = domain;
  const sy = (v: number) => top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
  const layout: Layout = { width, height, left, top, plotH, perPos, sy };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="logo ${className}" role="img">`,
  ];
  if (options.includeDefs ?? true) parts.push(`<defs>${logoGlyphSymbols()}</defs>`);
  if (options.title) parts.push(`<text x="${left}" y="15" class="logo-title" font-size="13" font-weight="600">${escapeHtml(options.title)}</text>`);
  // y axis
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#666"/>`);
  for (const t of ticks(lo, hi)) {
    const y = num(sy(t));
    parts.push(`<line x1="${left - 4}" x2="${left}" y1="${y}" y2="${y}" stroke="#666"/><text x="${left - 6}" y="${num(sy(t) + 4)}" text-anchor="end" font-size="10">${num(t)}</text>`);
  }
  const yMid = top + plotH / 2;
  parts.push(`<text x="11" y="${num(yMid)}" text-anchor="middle" font-size="11" transform="rotate(-90 11 ${num(yMid)})">${escapeHtml(options.yLabel ?? defaultYLabel)}</text>`);
  // baseline (0) and position ticks
  const x0 = left + padLeft * perPos;
  parts.push(`<line x1="${x0}" x2="${num(x0 + L * perPos)}" y1="${num(sy(0))}" y2="${num(sy(0))}" stroke="#999" class="axis-zero"/>`);
  const every = options.tickEvery ?? (L <= 30 ? 1 : 10);
  for (let i = 0; i < L; i++) {
    const pos = first + i;
    if (every > 1 && pos % every !== 0 && i !== 0) continue;
    const x = num(x0 + (i + 0.5) * perPos);
    parts.push(`<text x="${x}" y="${num(top + plotH + 14)}" text-anchor="middle" font-size="10">${pos}</text>`);
  }
  // letters
  columns.forEach((letters, i) => {
    const x = num(x0 + i * perPos);
    const uses = letters
      .filter(([, a, b]) => Math.abs(b - a) > 1e-12)
      .map(([base, a, b]) => {
        const name = BASES[base]!;
        const yTop = layout.sy(Math.max(a, b));
        const h = layout.sy(Math.min(a, b)) - yTop;
        return `<use href="#${GLYPH_PREFIX}${name}" x="${x}" y="${num(yTop)}" width="${num(perPos)}" height="${num(h)}" fill="${BASE_COLORS[name]}"${b < 0 || a < 0 ? ' class="neg"' : ''}/>`;
      });
    parts.push(`<g class="col" data-pos="${first + i}">${uses.join('')}</g>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Information-content logo of a PWM. pwm: [L][4] probabilities (A, C, G, T). Letter height =
 * p * IC in bits, letters stacked with the smallest at the bottom; the y axis runs 0 .. maxBits
 * (default 2). Returns an SVG string.
 */
export function informationLogo(pwm: LogoMatrix, options: InformationLogoOptions = {}): string {
  const heights = informationHeights(options.reverseComplement ? reverseComplementMatrix(pwm) : pwm, options.sites);
  const columns = heights.map((row) => {
    const order = [0, 1, 2, 3].sort((a, b) => row[a]! - row[b]!);
    let y = 0;
    return order.map((b) => {
      const lo = y;
      y += row[b]!;
      return [b, lo, y] as [number, number, number];
    });
  });
  return drawLogo(columns, [0, options.maxBits ?? 2], options, 'bits', 'logo-ic');
}

/** The [lo, hi] extent of the stacked positive and negative parts of an attribution matrix (always includes 0). */
export function attributionExtent(values: LogoMatrix): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const row of values) {
    let pos = 0;
    let neg = 0;
    for (const v of row) if (v > 0) pos += v;
    else neg += v;
    hi = Math.max(hi, pos);
    lo = Math.min(lo, neg);
  }
  return [lo, hi];
}

/**
 * Attribution logo: values [L][4] (A, C, G, T contributions). Letter height = |value|; positive
 * letters stack upward from the zero axis and negative ones downward, smallest magnitude nearest
 * the axis. Returns an SVG string.
 */
export function attributionLogo(values: LogoMatrix, options: AttributionLogoOptions = {}): string {
  checkMatrix(values, 'attributions');
  const m = options.reverseComplement ? reverseComplementMatrix(values) : values;
  let domain = options.yDomain ?? attributionExtent(m);
  if (!(domain[1] > domain[0])) domain = [domain[0] - 1, domain[1] + 1];
  const columns = m.map((row) => {
    const order = [0, 1, 2, 3].sort((a, b) => Math.abs(row[a]!) - Math.abs(row[b]!));
    let up = 0;
    let down = 0;
    const letters: [number, number, number][] = [];
    for (const b of order) {
      const v = row[b]!;
      if (v > 0) {
        letters.push([b, up, up + v]);
        up += v;
      } else if (v < 0) {
        letters.push([b, down + v, down]);
        down += v;
      }
    }
    return letters;
  });
  return drawLogo(columns, domain, options, 'contribution', 'logo-attr');
}
