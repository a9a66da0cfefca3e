/**
 * Matrix Market coordinate files and 10x Genomics matrix folders
 * (`matrix.mtx[.gz]` + `features.tsv[.gz]` (or v2 `genes.tsv[.gz]`) + `barcodes.tsv[.gz]`).
 *
 * Matrix Market indices are 1-based in the file; everything returned is 0-based. The header
 * must be `%%MatrixMarket matrix coordinate <integer|real|pattern> <general|symmetric>`;
 * then `%` comment lines, the size line `rows cols entries`, and one `row col [value]` line
 * per entry. Every index is range-checked and every value parsed; problems raise
 * `FormatError(file, line, field)` with field `header`, `size`, `entry`, `row`, `column` or
 * `value`. Duplicate entries are summed (as scipy does); `pattern` entries are 1;
 * `symmetric` entries are mirrored.
 *
 * A 10x matrix is features x barcodes (genes x cells) in the file; `transpose: true` gives
 * barcodes x features (cells as rows), the usual layout for training.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, InputError } from '../core/errors.js';
import { parseDecimal, parseInteger, quote } from './fields.js';
import type { Matrix } from './matrix.js';
import { fileOpenError, readTextLineBatches, readTextLines } from './text-lines.js';

/** A compressed-sparse-row matrix: row `r` holds columns `indices[indptr[r] .. indptr[r+1])` (ascending, unique) with `data` values. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** Int32Array(rows + 1). */
  indptr: Int32Array;
  /** 0-based column of each stored value. */
  indices: Int32Array;
  data: Float32Array;
}

export interface ReadMatrixMarketOptions {
  /** Return the transpose (file columns become rows). Default false. */
  transpose?: boolean;
}

/** Reads a Matrix Market coordinate file into CSR. See the module comment for the checks. */
export async function readMatrixMarket(path: string, options: ReadMatrixMarketOptions = {}): Promise<CsrMatrix> {
  let field: 'integer' | 'real' | 'pattern' | undefined;
  let symmetric = false;
  let rows = -1, cols = -1, declared = -1;
  let sizeLine = 0;
  let rowIdx = new Int32Array(0), colIdx = new Int32Array(0), vals = new Float32Array(0);
  let n = 0; // stored entries (mirrored ones included)
  let entries = 0; // entry lines read
  let lastLine = 0;

  for await (const batch of readTextLineBatches(path)) {
    for (let k = 0; k < batch.lines.length; k++) {
      const text = batch.lines[k]!;
      const line = batch.firstLine + k;
      lastLine = line;
      if (field === undefined) {
        const m = /^%%MatrixMarket\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/i.exec(text);
        if (m === null) throw new FormatError(path, line, 'header', `expected '%%MatrixMarket matrix coordinate <field> <symmetry>', got ${quote(text)}`);
        const [object, format, f, symmetry] = m.slice(1).map((s) => s!.toLowerCase()) as [string, string, string, string];
        if (object !== 'matrix') throw new FormatError(path, line, 'header', `expected object 'matrix', got ${quote(object)}`);
        if (format !== 'coordinate') throw new FormatError(path, line, 'header', `expected the 'coordinate' format, got ${quote(format)} (dense 'array' files are not supported)`);
        if (f !== 'integer' && f !== 'real' && f !== 'pattern') throw new FormatError(path, line, 'header', `expected field integer, real or pattern, got ${quote(f)}`);
        if (symmetry !== 'general' && symmetry !== 'symmetric') throw new FormatError(path, line, 'header', `expected symmetry general or symmetric, got ${quote(symmetry)}`);
        field = f;
        symmetric = symmetry === 'symmetric';
        continue;
      }
      if (text.startsWith('%') || text.trim().length === 0) continue;
      const tokens = splitTokens(text);
      if (rows < 0) {
        const numbers = tokens.map((t) => parseInteger(t));
        if (tokens.length !== 3 || numbers.some((v) => v === undefined || v < 0)) {
          throw new FormatError(path, line, 'size', `expected 'rows columns entries' as three non-negative integers, got ${quote(text)}`);
        }
        [rows, cols, declared] = numbers as [number, number, number];
        if (symmetric && rows !== cols) throw new FormatError(path, line, 'size', `a symmetric matrix must be square, got ${rows} x ${cols}`);
        sizeLine = line;
        const capacity = symmetric ? 2 * declared : declared;
        rowIdx = new Int32Array(capacity);
        colIdx = new Int32Array(capacity);
        vals = new Float32Array(capacity);
        continue;
      }
      const width = field === 'pattern' ? 2 : 3;
      if (tokens.length !== width) {
        throw new FormatError(path, line, 'entry', `expected ${width === 2 ? "'row column'" : "'row column value'"}, got ${quote(text)}`);
      }
      if (entries === declared) throw new FormatError(path, line, 'entry', `more entries than the ${declared} declared on the size line (line ${sizeLine})`);
      const i = parseInteger(tokens[0]!);
      if (i === undefined || i < 1 || i > rows) throw new FormatError(path, line, 'row', `expected a 1-based row index in [1, ${rows}], got ${quote(tokens[0]!)}`);
      const j = parseInteger(tokens[1]!);
      if (j === undefined || j < 1 || j > cols) throw new FormatError(path, line, 'column', `expected a 1-based column index in [1, ${cols}], got ${quote(tokens[1]!)}`);
      let v = 1;
      if (field !== 'pattern') {
        const parsed = field === 'integer' ? parseInteger(tokens[2]!) : parseDecimal(tokens[2]!);
        if (parsed === undefined) throw new FormatError(path, line, 'value', `expected ${field === 'integer' ? 'an integer' : 'a number'}, got ${quote(tokens[2]!)}`);
        v = parsed;
      }
      rowIdx[n] = i - 1; colIdx[n] = j - 1; vals[n] = v; n++;
      if (symmetric && i !== j) {
        rowIdx[n] = j - 1; colIdx[n] = i - 1; vals[n] = v; n++;
      }
      entries++;
    }
  }
  if (lastLine === 0) throw new FormatError(path, undefined, undefined, 'empty file, expected a Matrix Market header');
  if (rows < 0) throw new FormatError(path, lastLine, 'size', 'the file ends before the size line');
  if (entries !== declared) {
    throw new FormatError(path, sizeLine, 'size', `declares ${declared} entries, the file has ${entries} (truncated?)`);
  }
  return options.transpose
    ? cooToCsr(cols, rows, colIdx.subarray(0, n), rowIdx.subarray(0, n), vals.subarray(0, n))
    : cooToCsr(rows, cols, rowIdx.subarray(0, n), colIdx.subarray(0, n), vals.subarray(0, n));
}

/** Row-major dense copy of a CSR matrix: Float32Array(rows * cols). */
export function csrToDense(m: CsrMatrix): Float32Array {
  const out = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) out[r * m.cols + m.indices[k]!] = m.data[k]!;
  }
  return out;
}

/** One row of `features.tsv` (v3: id, name, type) or `genes.tsv` (v2: id, name). */
export interface TenxFeature {
  id: string;
  name: string;
  /** e.g. `Gene Expression`; undefined for v2 `genes.tsv`. */
  type?: string;
}

/** A 10x matrix with its features and barcodes. */
export interface TenxMatrix {
  features: TenxFeature[];
  barcodes: string[];
  /** features x barcodes, or barcodes x features with `transpose`. */
  matrix: CsrMatrix;
  /** Names of the matrix rows (feature ids or names, or barcodes when transposed). */
  rowNames: string[];
  /** Names of the matrix columns. */
  colNames: string[];
}

/** Explicit file paths of a 10x matrix. */
export interface TenxPaths {
  matrix: string;
  features: string;
  barcodes: string;
}

export interface Read10xOptions {
  /** Barcodes (cells) as rows. Default false: features as rows, as in the file. */
  transpose?: boolean;
  /** Name features by `id` (unique, e.g. Ensembl ids) or `name` (gene symbols, may repeat). Default `id`. */
  featureNames?: 'id' | 'name';
}

/**
 * Reads a 10x Genomics matrix from a folder (finding `matrix.mtx[.gz]`, `features.tsv[.gz]`
 * or `genes.tsv[.gz]`, and `barcodes.tsv[.gz]`) or from explicit paths. The feature and
 * barcode counts must match the matrix's rows and columns.
 */
export async function read10x(source: string | TenxPaths, options: Read10xOptions = {}): Promise<TenxMatrix> {
  const paths = typeof source === 'string' ? await find10xFiles(source) : source;
  const matrix = await readMatrixMarket(paths.matrix, { transpose: options.transpose ?? false });
  const features = await readFeatures(paths.features);
  const barcodes = await readBarcodes(paths.barcodes);
  const [nFeatures, nBarcodes] = options.transpose ? [matrix.cols, matrix.rows] : [matrix.rows, matrix.cols];
  if (features.length !== nFeatures) {
    throw new FormatError(paths.features, undefined, undefined, `has ${features.length} features, ${paths.matrix} has ${nFeatures} rows`);
  }
  if (barcodes.length !== nBarcodes) {
    throw new FormatError(paths.barcodes, undefined, undefined, `has ${barcodes.length} barcodes, ${paths.matrix} has ${nBarcodes} columns`);
  }
  const featureNames = features.map((f) => (options.featureNames === 'name' ? f.name : f.id));
  return {
    features,
    barcodes,
    matrix,
    rowNames: options.transpose ? barcodes : featureNames,
    colNames: options.transpose ? featureNames : barcodes,
  };
}

/** A 10x matrix as a dense named `Matrix` (mind the size: rows x cols float32). */
export function tenxToDense(m: TenxMatrix): Matrix {
  const size = m.matrix.rows * m.matrix.cols;
  if (size > 2 ** 30) throw new InputError(`a dense ${m.matrix.rows} x ${m.matrix.cols} matrix is too large (${size} values); use the CSR matrix`);
  return { rowNames: m.rowNames, colNames: m.colNames, values: csrToDense(m.matrix), rows: m.matrix.rows, cols: m.matrix.cols };
}

async function find10xFiles(dir: string): Promise<TenxPaths> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new InputError(`${dir}: expected a 10x matrix folder`);
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw fileOpenError(dir, cause);
  }
  const pick = async (names: string[]): Promise<string> => {
    for (const name of names) {
      const path = join(dir, name);
      if (await stat(path).then((s) => s.isFile(), () => false)) return path;
    }
    throw new InputError(`${dir}: no ${names.join(' or ')} in the folder`);
  };
  return {
    matrix: await pick(['matrix.mtx.gz', 'matrix.mtx']),
    features: await pick(['features.tsv.gz', 'features.tsv', 'genes.tsv.gz', 'genes.tsv']),
    barcodes: await pick(['barcodes.tsv.gz', 'barcodes.tsv']),
  };
}

async function readFeatures(path: string): Promise<TenxFeature[]> {
  const features: TenxFeature[] = [];
  for await (const { text, line } of readTextLines(path)) {
    if (text.length === 0) continue;
    const f = text.split('\t');
    if (f[0]!.length === 0) throw new FormatError(path, line, 'id', 'expected a feature id, got an empty field');
    if (f.length < 2) throw new FormatError(path, line, 'columns', `expected 'id<TAB>name[<TAB>type]', got ${quote(text)}`);
    features.push(f.length >= 3 ? { id: f[0]!, name: f[1]!, type: f[2]! } : { id: f[0]!, name: f[1]! });
  }
  return features;
}

async function readBarcodes(path: string): Promise<string[]> {
  const barcodes: string[] = [];
  for await (const { text, line } of readTextLines(path)) {
    if (text.length === 0) continue;
    if (/\s/.test(text)) throw new FormatError(path, line, 'barcode', `expected one barcode per line, got ${quote(text)}`);
    barcodes.push(text);
  }
  return barcodes;
}

function splitTokens(text: string): string[] {
  const simple = text.split(' ');
  if (simple.every((t) => t.length > 0)) return simple;
  return text.trim().split(/\s+/);
}

/** COO -> CSR with columns ascending in each row and duplicates summed (two stable counting sorts). */
function cooToCsr(rows: number, cols: number, r: Int32Array, c: Int32Array, v: Float32Array): CsrMatrix {
  const n = r.length;
  // sort by column
  const colStart = new Int32Array(cols + 1);
  for (let k = 0; k < n; k++) colStart[c[k]! + 1]!++;
  for (let j = 0; j < cols; j++) colStart[j + 1]! += colStart[j]!;
  const byCol = new Int32Array(n);
  const fill = colStart.slice(0, cols);
  for (let k = 0; k < n; k++) byCol[fill[c[k]!]!++] = k;
  // stable sort by row
  const indptr = new Int32Array(rows + 1);
  for (let k = 0; k < n; k++) indptr[r[k]! + 1]!++;
  for (let i = 0; i < rows; i++) indptr[i + 1]! += indptr[i]!;
  const next = indptr.slice(0, rows);
  const indices = new Int32Array(n);
  const data = new Float32Array(n);
  for (const k of byCol) {
    const at = next[r[k]!]!++;
    indices[at] = c[k]!;
    data[at] = v[k]!;
  }
  // merge duplicates (adjacent now)
  let out = 0;
  const merged = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) {
      if (out > merged[i]! && indices[out - 1] === indices[k]) {
        data[out - 1]! += data[k]!;
      } else {
        indices[out] = indices[k]!;
        data[out] = data[k]!;
        out++;
      }
    }
    merged[i + 1] = out;
  }
  return { rows, cols, indptr: merged, indices: indices.slice(0, out), data: data.slice(0, out) };
}
