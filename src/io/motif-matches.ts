/**
 * matches.tsv of `strand motifs`: one row per (query motif, database motif) match, columns
 * query, target, target_name, offset, strand, overlap, score, p_value, q_value (numbers with 6
 * significant digits).
 */
import { FormatError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { parseDecimal, parseInteger, quote } from './fields.js';
import { readTextLines } from './text-lines.js';

export interface MotifMatch {
  query: string;
  target: string;
  targetName: string;
  /** Query column i is aligned with column i + offset of the (strand-oriented) target. */
  offset: number;
  /** '+': the target as given; '-': its reverse complement. */
  strand: '+' | '-';
  /** Summed column Pearson correlation of the best alignment. */
  score: number;
  /** Columns overlapping in the best alignment. */
  overlap: number;
  pValue: number;
  qValue: number;
}

const HEADER = ['query', 'target', 'target_name', 'offset', 'strand', 'overlap', 'score', 'p_value', 'q_value'];

/** matches.tsv text: the header, then one row per match. */
export function formatMatchesTsv(matches: readonly MotifMatch[]): string {
  const g = (x: number) => Number(x.toPrecision(6)).toString();
  const lines = matches.map((m) => [m.query, m.target, m.targetName, m.offset, m.strand, m.overlap, g(m.score), g(m.pValue), g(m.qValue)].join('\t'));
  return [HEADER.join('\t'), ...lines].join('\n') + '\n';
}

/** Writes matches.tsv atomically. */
export function writeMatchesTsv(path: string, matches: readonly MotifMatch[]): void {
  writeFileAtomic(path, formatMatchesTsv(matches));
}

/** Reads a matches.tsv file (plain or gzip). */
export async function readMatchesTsv(path: string): Promise<MotifMatch[]> {
  const matches: MotifMatch[] = [];
  let sawHeader = false;
  for await (const { text, line } of readTextLines(path)) {
    if (!sawHeader) {
      if (text !== HEADER.join('\t')) throw new FormatError(path, line, undefined, `expected the header ${HEADER.join(' ')}, got ${quote(text)}`);
      sawHeader = true;
      continue;
    }
    if (text === '') continue;
    const cells = text.split('\t');
    if (cells.length !== HEADER.length) throw new FormatError(path, line, undefined, `expected ${HEADER.length} columns, got ${cells.length}`);
    const number = (column: number, parse: (t: string) => number | undefined): number => {
      const value = parse(cells[column]!);
      if (value === undefined) throw new FormatError(path, line, HEADER[column], `expected a number, got ${quote(cells[column]!)}`);
      return value;
    };
    const strand = cells[4]!;
    if (strand !== '+' && strand !== '-') throw new FormatError(path, line, 'strand', `expected + or -, got ${quote(strand)}`);
    matches.push({
      query: cells[0]!,
      target: cells[1]!,
      targetName: cells[2]!,
      offset: number(3, parseInteger),
      strand,
      overlap: number(5, parseInteger),
      score: number(6, parseDecimal),
      pValue: number(7, parseDecimal),
      qValue: number(8, parseDecimal),
    });
  }
  if (!sawHeader) throw new FormatError(path, undefined, undefined, 'empty file, expected a header line');
  return matches;
}
