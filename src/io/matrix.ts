/**
 * Expression matrices from delimited text (CSV or TSV, plain or gzip) with row and column
 * names, into a dense row-major Float32Array.
 *
 * The first line is the header. One column holds the row names (default the first); the
 * value columns are all the others, or those chosen by `columns`. A header one field shorter
 * than the data rows (R's `write.table` convention) names only the value columns, and the
 * first data column is then the row names. Quoted fields (`"a, b"`, `""` for a quote) are
 * understood; a quoted field cannot span lines.
 *
 * Errors: a value cell that is not a number (nor a `missing` token) raises
 * `FormatError(file, line, "column 'NAME'")`; a row with the wrong number of fields
 * `FormatError(file, line, 'columns')`.
 *
 * Example (Golub et al. ALL/AML, genes x samples with interleaved call columns):
 *
 *   readMatrix('data_set_ALL_AML_train.csv.gz', {
 *     rowNameColumn: 'Gene Accession Number',
 *     columns: /^\d+$/,      // the patient columns; skips the descriptions and "call" columns
 *     transpose: true,       // samples x genes
 *   })
 */
import { FormatError } from '../core/errors.js';
import { parseDecimal, quote } from './fields.js';
import { readTextLines } from './text-lines.js';

/** A dense named matrix. `values[r * cols + c]` is row `r`, column `c`. */
export interface Matrix {
  rowNames: string[];
  colNames: string[];
  /** Row-major, length `rows * cols`. */
  values: Float32Array;
  rows: number;
  cols: number;
}

export interface ReadMatrixOptions {
  /**
   * Field separator. Default: tab for `.tsv` / `.tab` / `.txt`, comma for `.csv` (with or
   * without `.gz`); otherwise tab if the header line has one, else comma.
   */
  delimiter?: ',' | '\t';
  /** The column holding the row names, by header name or 0-based index. Default 0. */
  rowNameColumn?: string | number;
  /**
   * The value columns: a RegExp tested on the header name, or a predicate on
   * (name, 0-based index). Default: every column except the row-name column.
   */
  columns?: RegExp | ((name: string, index: number) => boolean);
  /** Return the transpose (file rows become columns): e.g. genes x samples -> samples x genes. Default false. */
  transpose?: boolean;
  /** Cell texts read as NaN. Default `['', 'NA', 'NaN', 'nan', 'N/A']`. */
  missing?: readonly string[];
}

const DEFAULT_MISSING = ['', 'NA', 'NaN', 'nan', 'N/A'];

/** Reads a named numeric matrix; see the module comment. */
export async function readMatrix(path: string, options: ReadMatrixOptions = {}): Promise<Matrix> {
  const missing = new Set(options.missing ?? DEFAULT_MISSING);
  let delimiter = options.delimiter ?? delimiterFromName(path);
  let header: string[] | undefined;
  let headerLine = 0;
  let nameColumn = -1;
  let valueColumns: number[] = [];
  let colNames: string[] = [];
  const rowNames: string[] = [];
  let values = new Float32Array(1024);
  let count = 0;

  for await (const { text, line } of readTextLines(path)) {
    if (header === undefined) {
      if (text.trim().length === 0) continue;
      delimiter ??= text.includes('\t') ? '\t' : ',';
      header = splitFields(text, delimiter, path, line);
      headerLine = line;
      continue;
    }
    if (text.length === 0) continue;
    const fields = splitFields(text, delimiter!, path, line);
    if (nameColumn < 0) {
      if (fields.length === header.length + 1 && (options.rowNameColumn ?? 0) === 0) header = ['', ...header];
      nameColumn = findRowNameColumn(header, options.rowNameColumn ?? 0, path, headerLine);
      valueColumns = selectColumns(header, nameColumn, options.columns, path, headerLine);
      colNames = valueColumns.map((c) => header![c]!);
    }
    if (fields.length !== header.length) {
      throw new FormatError(path, line, 'columns', `expected ${header.length} fields (as in the header), got ${fields.length}`);
    }
    rowNames.push(fields[nameColumn]!);
    if (count + valueColumns.length > values.length) {
      const bigger = new Float32Array(Math.max(values.length * 2, count + valueColumns.length));
      bigger.set(values.subarray(0, count));
      values = bigger;
    }
    for (const c of valueColumns) {
      const cell = fields[c]!;
      const v = missing.has(cell) ? Number.NaN : parseDecimal(cell.trim());
      if (v === undefined) {
        throw new FormatError(path, line, `column '${header[c]}'`, `expected a number, got ${quote(cell)}`);
      }
      values[count++] = v;
    }
  }
  if (header === undefined) throw new FormatError(path, undefined, undefined, 'empty file, expected a header line');
  if (nameColumn < 0) {
    // header only: no rows, but the columns are still checked and named
    nameColumn = findRowNameColumn(header, options.rowNameColumn ?? 0, path, headerLine);
    valueColumns = selectColumns(header, nameColumn, options.columns, path, headerLine);
    colNames = valueColumns.map((c) => header![c]!);
  }
  const matrix: Matrix = { rowNames, colNames, values: values.slice(0, count), rows: rowNames.length, cols: colNames.length };
  return options.transpose ? transposeMatrix(matrix) : matrix;
}

/** The transpose of a matrix: rows and columns (and their names) swapped. */
export function transposeMatrix(m: Matrix): Matrix {
  const values = new Float32Array(m.values.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) values[c * m.rows + r] = m.values[r * m.cols + c]!;
  }
  return { rowNames: m.colNames, colNames: m.rowNames, values, rows: m.cols, cols: m.rows };
}

function delimiterFromName(path: string): ',' | '\t' | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (/\.(tsv|tab|txt)$/.test(name)) return '\t';
  if (name.endsWith('.csv')) return ',';
  return undefined;
}

function findRowNameColumn(header: string[], option: string | number, path: string, line: number): number {
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0 || option >= header.length) {
      throw new FormatError(path, line, 'header', `rowNameColumn ${option} does not exist (the header has ${header.length} columns)`);
    }
    return option;
  }
  const index = header.indexOf(option);
  if (index < 0) throw new FormatError(path, line, 'header', `no column named ${quote(option)} for rowNameColumn; the header starts ${quote(header.slice(0, 5).join(', '))}`);
  return index;
}

function selectColumns(header: string[], nameColumn: number, option: ReadMatrixOptions['columns'], path: string, line: number): number[] {
  const keep = option === undefined ? () => true
    : option instanceof RegExp ? (name: string) => option.test(name)
    : option;
  const columns = header.map((_, i) => i).filter((i) => i !== nameColumn && keep(header[i]!, i));
  if (columns.length === 0) throw new FormatError(path, line, 'header', 'no value columns selected');
  return columns;
}

/** Splits one line on `delimiter`, honouring double-quoted fields. */
function splitFields(text: string, delimiter: string, path: string, line: number): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new FormatError(path, line, `field ${fields.length + 1}`, 'unterminated quoted field (quoted fields cannot span lines)');
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      if (j < text.length && text[j] !== delimiter) {
        throw new FormatError(path, line, `field ${fields.length + 1}`, `unexpected text after a closing quote: ${quote(text.slice(j))}`);
      }
      fields.push(value);
      if (j >= text.length) return fields;
      i = j + 1;
    } else {
      const d = text.indexOf(delimiter, i);
      if (d < 0) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, d));
      i = d + 1;
    }
  }
}
