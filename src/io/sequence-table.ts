/**
 * Labelled sequences in a delimited text table (CSV, TSV, plain or gzip): one row a
 * sequence, one or more label columns. Covers headed tables (`seq,label` or DeepBind's
 * `FoldID EventID seq Bound`) and headerless ones addressed by column number (the UCI
 * splice file: `class, id, sequence`).
 */
import { FormatError, InputError } from '../core/errors.js';
import { quote } from './fields.js';
import { readFastaRecords } from './fasta-records.js';
import { readTextLines } from './text-lines.js';

/** A column by header name, or by 0-based number (required without a header). */
export type ColumnRef = string | number;

export interface SequenceTableOptions {
  /** Field separator. Default: tab when the first line has a tab, else comma. */
  delimiter?: ',' | '\t';
  /** The first line names the columns. Default true. */
  header?: boolean;
  sequenceColumn: ColumnRef;
  labelColumns: readonly ColumnRef[];
  idColumn?: ColumnRef;
  /** Numeric side-information columns (a second model input, e.g. chromatin or expression features). */
  featureColumns?: readonly ColumnRef[];
  /** A column naming each row's split: `train`, `validation` or `test`. */
  splitColumn?: ColumnRef;
}

/** The values a split column may hold. */
export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SequenceTable {
  ids: string[];
  sequences: string[];
  /** labels[i][j]: the raw text of label column j in row i (trimmed). */
  labels: string[][];
  /** features[i][k]: the raw text of feature column k in row i (when featureColumns were given). */
  features?: string[][];
  featureNames?: string[];
  /** splits[i]: the split of row i (when splitColumn was given). */
  splits?: SplitName[];
  /** Names of the label columns (header names, or `column <n>`). */
  labelNames: string[];
  /** 1-based line of each row in the (decompressed) file, for error messages. */
  lines: number[];
  path: string;
}

function resolveColumn(ref: ColumnRef, names: readonly string[] | null, path: string, what: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0) throw new InputError(`${what}: expected a column name or a 0-based column number, got ${ref}`);
    return ref;
  }
  if (names === null) throw new InputError(`${what}: '${ref}' names a column, but ${path} is read without a header; give a column number`);
  const i = names.indexOf(ref);
  if (i < 0) {
    throw new FormatError(path, 1, what, `no column named ${quote(ref)}; columns are ${names.map(quote).join(', ')}`);
  }
  return i;
}

/** Reads every row of a sequence table; a short row or empty sequence is a FormatError naming file, line and column. */
export async function readSequenceTable(path: string, options: SequenceTableOptions): Promise<SequenceTable> {
  const { header = true } = options;
  if (options.labelColumns.length === 0) throw new InputError('expected at least one label column');
  const table: SequenceTable = { ids: [], sequences: [], labels: [], labelNames: [], lines: [], path };
  let delimiter = options.delimiter;
  let names: string[] | null = null;
  let seqCol = -1;
  let labelCols: number[] = [];
  let featureCols: number[] = [];
  let idCol = -1;
  let splitCol = -1;
  let width = 0;
  for await (const { text, line } of readTextLines(path)) {
    if (text.trim() === '') continue;
    delimiter ??= text.includes('\t') ? '\t' : ',';
    const fields = text.split(delimiter).map((f) => f.trim());
    if (seqCol < 0) {
      names = header ? fields : null;
      seqCol = resolveColumn(options.sequenceColumn, names, path, 'sequenceColumn');
      labelCols = options.labelColumns.map((c, j) => resolveColumn(c, names, path, `labelColumns.${j}`));
      idCol = options.idColumn === undefined ? -1 : resolveColumn(options.idColumn, names, path, 'idColumn');
      featureCols = (options.featureColumns ?? []).map((c, j) => resolveColumn(c, names, path, `featureColumns.${j}`));
      splitCol = options.splitColumn === undefined ? -1 : resolveColumn(options.splitColumn, names, path, 'splitColumn');
      if (splitCol >= 0) table.splits = [];
      width = Math.max(seqCol, idCol, splitCol, ...labelCols, ...featureCols) + 1;
      table.labelNames = labelCols.map((c) => names?.[c] ?? `column ${c}`);
      if (featureCols.length > 0) {
        table.features = [];
        table.featureNames = featureCols.map((c) => names?.[c] ?? `column ${c}`);
      }
      if (header) continue;
    }
    if (fields.length < width) {
      throw new FormatError(path, line, undefined, `expected at least ${width} ${delimiter === '\t' ? 'tab' : 'comma'}-separated fields, got ${fields.length}`);
    }
    const sequence = fields[seqCol]!;
    if (sequence === '') throw new FormatError(path, line, names?.[seqCol] ?? `column ${seqCol}`, 'empty sequence');
    table.sequences.push(sequence);
    table.ids.push(idCol >= 0 ? fields[idCol]! : `row${table.ids.length + 1}`);
    table.labels.push(labelCols.map((c) => fields[c]!));
    table.features?.push(featureCols.map((c) => fields[c]!));
    if (table.splits !== undefined) {
      const split = fields[splitCol]!;
      if (!(SPLIT_NAMES as readonly string[]).includes(split)) {
        throw new FormatError(path, line, names?.[splitCol] ?? `column ${splitCol}`, `expected ${SPLIT_NAMES.join(', ')}, got ${quote(split)}`);
      }
      table.splits.push(split as SplitName);
    }
    table.lines.push(line);
  }
  if (table.sequences.length === 0) throw new FormatError(path, undefined, undefined, 'no sequences found');
  return table;
}

/**
 * Labelled sequences from a FASTA file and a label table (CSV/TSV with a header) whose
 * `idColumn` holds the FASTA record names. Every record needs a label row (a FormatError
 * names the first record without one); label rows without a record are ignored.
 */
export async function readFastaWithLabels(
  fastaPath: string,
  labelsPath: string,
  idColumn: ColumnRef,
  labelColumns: readonly ColumnRef[],
): Promise<SequenceTable> {
  const rows = new Map<string, { labels: string[]; line: number }>();
  let delimiter: ',' | '\t' | undefined;
  let names: string[] | null = null;
  let idCol = -1;
  let labelCols: number[] = [];
  for await (const { text, line } of readTextLines(labelsPath)) {
    if (text.trim() === '') continue;
    delimiter ??= text.includes('\t') ? '\t' : ',';
    const fields = text.split(delimiter).map((f) => f.trim());
    if (names === null) {
      names = fields;
      idCol = resolveColumn(idColumn, names, labelsPath, 'idColumn');
      labelCols = labelColumns.map((c, j) => resolveColumn(c, names, labelsPath, `labelColumns.${j}`));
      continue;
    }
    const width = Math.max(idCol, ...labelCols) + 1;
    if (fields.length < width) throw new FormatError(labelsPath, line, undefined, `expected at least ${width} fields, got ${fields.length}`);
    const id = fields[idCol]!;
    if (rows.has(id)) throw new FormatError(labelsPath, line, names[idCol], `record '${id}' is labelled twice (first on line ${rows.get(id)!.line})`);
    rows.set(id, { labels: labelCols.map((c) => fields[c]!), line });
  }
  if (names === null) throw new FormatError(labelsPath, undefined, undefined, 'no header line');
  const table: SequenceTable = { ids: [], sequences: [], labels: [], labelNames: labelCols.map((c) => names![c]!), lines: [], path: labelsPath };
  const records = await readFastaRecords(fastaPath);
  records.ids.forEach((id, i) => {
    const row = rows.get(id);
    if (row === undefined) throw new FormatError(labelsPath, undefined, names![idCol], `no label row for FASTA record '${id}' of ${fastaPath}`);
    table.ids.push(id);
    table.sequences.push(records.sequences[i]!);
    table.labels.push(row.labels);
    table.lines.push(row.line);
  });
  if (table.sequences.length === 0) throw new FormatError(fastaPath, undefined, undefined, 'no sequences found');
  return table;
}
