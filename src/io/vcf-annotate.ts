/**
 * Writing a VCF back with added INFO fields: header declarations (so bcftools, htslib,
 * igv.js and @gmod/vcf type them) and per-record values appended to the INFO column.
 */
import { InputError } from '../core/errors.js';

export interface InfoDeclaration {
  /** A valid INFO key: `[A-Za-z_][0-9A-Za-z_.]*`. */
  id: string;
  /** `A` (one per ALT), `R`, `G`, `.`, or a count. */
  number: string;
  type: 'Integer' | 'Float' | 'Flag' | 'Character' | 'String';
  description: string;
}

const INFO_KEY = /^[A-Za-z_][0-9A-Za-z_.]*$/;

/** `##INFO=<ID=…,Number=…,Type=…,Description="…">` with `\` and `"` escaped. */
export function infoHeaderLine({ id, number, type, description }: InfoDeclaration): string {
  if (!INFO_KEY.test(id)) throw new InputError(`'${id}' is not a valid VCF INFO key (expected [A-Za-z_][0-9A-Za-z_.]*)`);
  return `##INFO=<ID=${id},Number=${number},Type=${type},Description="${description.replace(/[\\"]/g, (c) => `\\${c}`)}">`;
}

/** Turns any text into a valid INFO key fragment: characters outside [0-9A-Za-z_.] become `_`. */
export function infoKeyPart(text: string): string {
  return text.replace(/[^0-9A-Za-z_.]/g, '_');
}

/** The header text (lines joined by `\n`, ending with the `#CHROM` line) with `lines` inserted before `#CHROM`. */
export function insertHeaderLines(headerText: string, lines: readonly string[]): string {
  const all = headerText.split('\n');
  const chrom = all.findIndex((l) => l.startsWith('#CHROM'));
  if (chrom < 0) throw new InputError("the VCF header has no '#CHROM' line");
  return [...all.slice(0, chrom), ...lines, ...all.slice(chrom)].join('\n');
}

/**
 * A data line with `entries` (`KEY=value`, or `KEY` for flags) appended to its INFO column
 * (column 8), replacing a `.` INFO.
 */
export function appendInfo(line: string, entries: readonly string[]): string {
  if (entries.length === 0) return line;
  let tab = -1;
  for (let column = 0; column < 7; column++) {
    tab = line.indexOf('\t', tab + 1);
    if (tab < 0) throw new InputError(`expected at least 8 tab-separated columns in a VCF data line, got ${column + 1}`);
  }
  const end = line.indexOf('\t', tab + 1);
  const info = end < 0 ? line.slice(tab + 1) : line.slice(tab + 1, end);
  const merged = info === '.' || info === '' ? entries.join(';') : `${info};${entries.join(';')}`;
  return line.slice(0, tab + 1) + merged + (end < 0 ? '' : line.slice(end));
}
