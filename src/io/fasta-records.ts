/**
 * FASTA files as records (name, sequence), streamed: for sequence sets of any size (predict,
 * explain), unlike `openGenome`, which indexes a genome for random access. Plain or gzip/bgzip.
 * Names are the header's first word; white space inside sequence lines is removed. A sequence
 * line before the first header, an empty or duplicate name is a FormatError naming the line.
 */
import { FormatError } from '../core/errors.js';
import { countLinesStartingWith, readTextLineBatches } from './text-lines.js';

export interface FastaRecord {
  id: string;
  sequence: string;
  /** 1-based line of the header. */
  line: number;
}

/** Builds records from lines pushed in order; `end()` returns the last record. */
export class FastaRecordParser {
  readonly #source: string;
  readonly #seen = new Set<string>();
  #current: { id: string; line: number; parts: string[] } | undefined;

  /** `source` names the text in errors (a path, or e.g. 'pasted text'). */
  constructor(source: string) {
    this.#source = source;
  }

  /** Takes line number `line` (1-based); returns the record it completes, if any. */
  push(raw: string, line: number): FastaRecord | undefined {
    const text = raw.trim();
    if (text === '') return undefined;
    if (text.startsWith('>')) {
      const id = text.slice(1).trim().split(/\s/, 1)[0]!;
      if (id === '') throw new FormatError(this.#source, line, 'name', 'empty sequence name after ">"');
      if (this.#seen.has(id)) throw new FormatError(this.#source, line, 'name', `duplicate sequence name '${id}'`);
      this.#seen.add(id);
      const done = this.end();
      this.#current = { id, line, parts: [] };
      return done;
    }
    if (this.#current === undefined) throw new FormatError(this.#source, line, undefined, "expected a '>' header line before sequence lines");
    this.#current.parts.push(text.replace(/\s+/g, ''));
    return undefined;
  }

  /** The record in progress (call once the lines are exhausted). */
  end(): FastaRecord | undefined {
    const c = this.#current;
    this.#current = undefined;
    return c === undefined ? undefined : { id: c.id, sequence: c.parts.join(''), line: c.line };
  }
}

/** The records of a FASTA file in file order, streamed. */
export async function* iterateFastaRecords(path: string): AsyncGenerator<FastaRecord> {
  const parser = new FastaRecordParser(path);
  for await (const batch of readTextLineBatches(path)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const record = parser.push(batch.lines[i]!, batch.firstLine + i);
      if (record !== undefined) yield record;
    }
  }
  const last = parser.end();
  if (last !== undefined) yield last;
}

/** Every record of a FASTA file (names and sequences), in file order. */
export async function readFastaRecords(path: string): Promise<{ ids: string[]; sequences: string[] }> {
  const ids: string[] = [];
  const sequences: string[] = [];
  for await (const r of iterateFastaRecords(path)) {
    ids.push(r.id);
    sequences.push(r.sequence);
  }
  return { ids, sequences };
}

/** The records of FASTA text held in memory (e.g. pasted into a form); `source` names it in errors. */
export function parseFastaText(text: string, source = '<FASTA text>'): { ids: string[]; sequences: string[] } {
  const parser = new FastaRecordParser(source);
  const ids: string[] = [];
  const sequences: string[] = [];
  const take = (r: FastaRecord | undefined): void => {
    if (r === undefined) return;
    ids.push(r.id);
    sequences.push(r.sequence);
  };
  text.split(/\r?\n|\r/).forEach((raw, i) => take(parser.push(raw, i + 1)));
  take(parser.end());
  return { ids, sequences };
}

/** How many records a FASTA file holds (header lines), by a fast pass over its bytes. */
export function countFastaRecords(path: string): Promise<number> {
  return countLinesStartingWith(path, (byte) => byte === 62 /* > */);
}
