/**
 * MEME minimal motif format (https://meme-suite.org/meme/doc/meme-format.html): a reader
 * and a writer for DNA letter-probability matrices, e.g. the JASPAR databases.
 *
 * Reader: `MEME version` line first (blank lines and lines starting with '#' are skipped);
 * optional `ALPHABET= ACGT`, `strands:`, `Background letter frequencies` (next line
 * `A p C p G p T p`); then `MOTIF id [name]` blocks, each with a
 * `letter-probability matrix: alength= 4 w= W [nsites= n] [E= e]` header and W rows of four
 * probabilities (A, C, G, T); `URL` lines are kept. Log-odds matrices are skipped. Malformed
 * input raises `FormatError(file, line, field, problem)`.
 */
import { FormatError, InputError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { readTextLines } from './text-lines.js';

/** One row of a motif: probabilities of A, C, G, T at one position. */
export type BaseProbabilities = readonly [number, number, number, number];

export interface MemeMotif {
  /** The MOTIF line's first word, e.g. `MA0139.2`. */
  id: string;
  /** The MOTIF line's second word (the alternate name), e.g. `CTCF`; '' when absent. */
  name: string;
  /** rows = positions, columns A, C, G, T; each row sums to ~1. */
  pwm: BaseProbabilities[];
  nsites?: number;
  evalue?: number;
  url?: string;
}

export interface MemeFile {
  version: string;
  alphabet: string;
  strands: string;
  /** A, C, G, T background probabilities; uniform when the file gives none. */
  background: [number, number, number, number];
  motifs: MemeMotif[];
}

const ROW_TOLERANCE = 0.02;

/** Parses MEME minimal format text. `file` names the source in errors. */
export function parseMeme(text: string, file = '<string>'): MemeFile {
  return parseMemeLines(text.split(/\r?\n/).map((t, i) => ({ text: t, line: i + 1 })), file);
}

/** Reads a MEME minimal format file (plain or gzip). */
export async function readMeme(path: string): Promise<MemeFile> {
  const lines: { text: string; line: number }[] = [];
  for await (const l of readTextLines(path)) lines.push(l);
  return parseMemeLines(lines, path);
}

function parseNumber(raw: string | undefined, file: string, line: number, field: string): number {
  const value = raw === undefined ? NaN : Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value)) {
    throw new FormatError(file, line, field, `expected a number, got '${raw ?? ''}'`);
  }
  return value;
}

/** `key= value` pairs of a matrix header (`alength= 4 w= 19 nsites= 20 E= 0`). */
function headerFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const re = /(\w+)\s*=\s*(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) fields.set(m[1]!, m[2]!);
  return fields;
}

function parseMemeLines(lines: readonly { text: string; line: number }[], file: string): MemeFile {
  const result: MemeFile = { version: '', alphabet: 'ACGT', strands: '+ -', background: [0.25, 0.25, 0.25, 0.25], motifs: [] };
  let i = 0;
  const next = () => {
    while (i < lines.length) {
      const t = lines[i]!.text.trim();
      if (t !== '' && !t.startsWith('#')) return lines[i]!;
      i++;
    }
    return undefined;
  };
  const first = next();
  if (first === undefined) throw new FormatError(file, 1, 'version', 'expected a "MEME version" line, got an empty file');
  const version = /^MEME version\s+(\S+)/.exec(first.text.trim());
  if (!version) throw new FormatError(file, first.line, 'version', `expected "MEME version <n>", got '${first.text.slice(0, 40)}'`);
  result.version = version[1]!;
  i++;
  let current: MemeMotif | null = null;
  for (let l = next(); l !== undefined; l = next()) {
    const t = l.text.trim();
    i++;
    if (t.startsWith('ALPHABET')) {
      const alphabet = t.replace(/^ALPHABET\s*=\s*/, '').trim();
      if (alphabet !== 'ACGT') throw new FormatError(file, l.line, 'ALPHABET', `expected the DNA alphabet ACGT, got '${alphabet}'`);
      result.alphabet = alphabet;
    } else if (t.startsWith('strands:')) {
      result.strands = t.slice('strands:'.length).trim();
    } else if (t.startsWith('Background letter frequencies')) {
      const bl = next();
      if (bl === undefined) throw new FormatError(file, l.line, 'background', 'expected a line of background frequencies');
      i++;
      const words = bl.text.trim().split(/\s+/);
      const bg: number[] = [NaN, NaN, NaN, NaN];
      for (let w = 0; w + 1 < words.length; w += 2) {
        const k = 'ACGT'.indexOf(words[w]!);
        if (k < 0) throw new FormatError(file, bl.line, 'background', `expected letters A, C, G, T, got '${words[w]}'`);
        bg[k] = parseNumber(words[w + 1], file, bl.line, 'background');
      }
      if (bg.some((p) => Number.isNaN(p))) throw new FormatError(file, bl.line, 'background', 'expected frequencies for A, C, G and T');
      result.background = bg as [number, number, number, number];
    } else if (t.startsWith('MOTIF')) {
      const words = t.split(/\s+/);
      if (words.length < 2) throw new FormatError(file, l.line, 'MOTIF', 'expected a motif identifier after MOTIF');
      current = { id: words[1]!, name: words[2] ?? '', pwm: [] };
      result.motifs.push(current);
    } else if (t.startsWith('letter-probability matrix')) {
      if (current === null) throw new FormatError(file, l.line, 'letter-probability matrix', 'matrix before any MOTIF line');
      if (current.pwm.length > 0) throw new FormatError(file, l.line, 'letter-probability matrix', `second matrix for motif ${current.id}`);
      const fields = headerFields(t);
      const alength = fields.has('alength') ? parseNumber(fields.get('alength'), file, l.line, 'alength') : 4;
      if (alength !== 4) throw new FormatError(file, l.line, 'alength', `expected 4, got ${alength}`);
      const w = parseNumber(fields.get('w'), file, l.line, 'w');
      if (!Number.isInteger(w) || w < 1) throw new FormatError(file, l.line, 'w', `expected a positive integer, got ${w}`);
      if (fields.has('nsites')) current.nsites = parseNumber(fields.get('nsites'), file, l.line, 'nsites');
      if (fields.has('E')) current.evalue = parseNumber(fields.get('E'), file, l.line, 'E');
      for (let r = 0; r < w; r++) {
        const row = next();
        const words = row?.text.trim().split(/\s+/) ?? [];
        if (row === undefined || !/^[-+0-9.eE]/.test(words[0]!)) {
          throw new FormatError(file, row?.line ?? l.line, 'matrix', `motif ${current.id}: expected ${w} rows, got ${r}`);
        }
        i++;
        if (words.length !== 4) throw new FormatError(file, row.line, 'matrix', `motif ${current.id}: expected 4 columns, got ${words.length}`);
        const probs = words.map((x) => parseNumber(x, file, row.line, 'matrix'));
        if (probs.some((p) => p < 0)) throw new FormatError(file, row.line, 'matrix', `motif ${current.id}: negative probability`);
        const sum = probs.reduce((a, b) => a + b, 0);
        if (Math.abs(sum - 1) > ROW_TOLERANCE) {
          throw new FormatError(file, row.line, 'matrix', `motif ${current.id}: row sums to ${sum.toFixed(4)}, expected 1`);
        }
        current.pwm.push(probs as unknown as BaseProbabilities);
      }
    } else if (t.startsWith('URL')) {
      if (current !== null) current.url = t.slice(3).trim();
    } else if (t.startsWith('log-odds matrix')) {
      // A log-odds matrix: skip its rows.
      const w = Number(headerFields(t).get('w') ?? 0);
      for (let r = 0; r < w && next() !== undefined; r++) i++;
    } else if (/^[-+0-9.]/.test(t)) {
      throw new FormatError(file, l.line, 'matrix', 'matrix row outside a letter-probability matrix');
    }
    // Other lines (e.g. "Background letter frequencies (from ...)" notes) are ignored.
  }
  for (const m of result.motifs) {
    if (m.pwm.length === 0) throw new FormatError(file, undefined, 'MOTIF', `motif ${m.id} has no letter-probability matrix`);
  }
  return result;
}

export interface MemeWriteOptions {
  /** A, C, G, T background. Default uniform. */
  background?: readonly [number, number, number, number];
}

/** MEME minimal format text (version 4, ACGT, both strands) for motifs with probability matrices. */
export function formatMeme(motifs: readonly MemeMotif[], options: MemeWriteOptions = {}): string {
  const bg = options.background ?? [0.25, 0.25, 0.25, 0.25];
  const out = ['MEME version 4', '', 'ALPHABET= ACGT', '', 'strands: + -', '', 'Background letter frequencies'];
  out.push(`A ${bg[0]} C ${bg[1]} G ${bg[2]} T ${bg[3]}`, '');
  for (const m of motifs) {
    if (!/^\S+$/.test(m.id)) throw new InputError(`expected a motif id without spaces, got '${m.id}'`);
    if (m.pwm.length === 0) throw new InputError(`motif ${m.id} has an empty matrix`);
    out.push(m.name ? `MOTIF ${m.id} ${m.name.replace(/\s+/g, '_')}` : `MOTIF ${m.id}`);
    out.push(`letter-probability matrix: alength= 4 w= ${m.pwm.length} nsites= ${m.nsites ?? 20} E= ${m.evalue ?? 0}`);
    for (const row of m.pwm) out.push(row.map((p) => `  ${p.toFixed(6)}`).join(''));
    if (m.url) out.push(`URL ${m.url}`);
    out.push('');
  }
  return out.join('\n');
}

/** Writes motifs to `path` in MEME minimal format (atomically: temporary name, then rename). */
export function writeMeme(path: string, motifs: readonly MemeMotif[], options: MemeWriteOptions = {}): void {
  writeFileAtomic(path, formatMeme(motifs, options));
}
