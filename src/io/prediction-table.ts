/**
 * Predictions of a data split beside their targets, as TSV (`test-predictions.tsv` of
 * `strand train` and `strand evaluate --out`): a header of `target:<name>` columns then
 * `prediction:<name>` columns, and one row per example in split order. Numbers are written with
 * the fewest digits that read back as the same float32 (`NaN` marks a missing target), so the
 * arrays read back equal the arrays written.
 *
 * Targets are what the predictions are scored against: 0/1 labels (binary), class indices
 * (multiclass: one `target:class` column beside one prediction column per class) or values.
 */
import { FormatError, InputError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { parseDecimal, quote } from './fields.js';
import { readTextLines } from './text-lines.js';

export interface PredictionTable {
  /** Target column names: tasks, or `class` for multiclass. */
  targetNames: string[];
  /** Prediction column names: tasks, or classes for multiclass. */
  outputNames: string[];
  /** [N, targetNames.length] row-major. */
  targets: Float32Array;
  /** [N, outputNames.length] row-major. */
  predictions: Float32Array;
}

const TARGET = 'target:';
const PREDICTION = 'prediction:';

/** The shortest decimal text that reads back as the float32 nearest to `value`. */
export function formatFloat32(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const f = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(f.toPrecision(digits)));
    if (Math.fround(Number(text)) === f) return text;
  }
  return String(Number(f.toPrecision(9)));
}

function checkTable(table: PredictionTable): number {
  const { targetNames, outputNames, targets, predictions } = table;
  if (targetNames.length === 0 || outputNames.length === 0) throw new InputError('expected at least one target and one prediction column');
  for (const name of [...targetNames, ...outputNames]) {
    if (/[\t\r\n]/.test(name)) throw new InputError(`expected column names without tabs or line breaks, got ${JSON.stringify(name)}`);
  }
  const rows = targets.length / targetNames.length;
  if (!Number.isInteger(rows) || predictions.length !== rows * outputNames.length) {
    throw new InputError(`expected targets [N, ${targetNames.length}] and predictions [N, ${outputNames.length}], got ${targets.length} and ${predictions.length} values`);
  }
  return rows;
}

/** The table as TSV text. */
export function formatPredictionTable(table: PredictionTable): string {
  const rows = checkTable(table);
  const T = table.targetNames.length;
  const P = table.outputNames.length;
  const lines = [[...table.targetNames.map((n) => TARGET + n), ...table.outputNames.map((n) => PREDICTION + n)].join('\t')];
  const cells = new Array<string>(T + P);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < T; t++) cells[t] = formatFloat32(table.targets[i * T + t]!);
    for (let p = 0; p < P; p++) cells[T + p] = formatFloat32(table.predictions[i * P + p]!);
    lines.push(cells.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the table atomically. */
export function writePredictionTable(path: string, table: PredictionTable): void {
  writeFileAtomic(path, formatPredictionTable(table));
}

function parseCell(text: string, file: string, line: number, field: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity' || text === '-Infinity') return text === 'Infinity' ? Infinity : -Infinity;
  const value = parseDecimal(text);
  if (value === undefined) throw new FormatError(file, line, field, `expected a number, got ${quote(text)}`);
  return value;
}

/** Reads a table written by `writePredictionTable` (plain or gzip). */
export async function readPredictionTable(path: string): Promise<PredictionTable> {
  let header: string[] | undefined;
  let T = 0;
  const targets: number[] = [];
  const predictions: number[] = [];
  for await (const { text, line } of readTextLines(path)) {
    if (header === undefined) {
      header = text.split('\t');
      T = header.findIndex((h) => !h.startsWith(TARGET));
      if (T <= 0 || T === header.length || header.slice(T).some((h) => !h.startsWith(PREDICTION))) {
        throw new FormatError(path, line, undefined, `expected a header of target:<name> columns then prediction:<name> columns, got ${quote(text)}`);
      }
      continue;
    }
    if (text === '') continue;
    const cells = text.split('\t');
    if (cells.length !== header.length) throw new FormatError(path, line, undefined, `expected ${header.length} columns, got ${cells.length}`);
    for (let c = 0; c < cells.length; c++) (c < T ? targets : predictions).push(parseCell(cells[c]!, path, line, header[c]!));
  }
  if (header === undefined) throw new FormatError(path, undefined, undefined, 'empty file, expected a header line');
  return {
    targetNames: header.slice(0, T).map((h) => h.slice(TARGET.length)),
    outputNames: header.slice(T).map((h) => h.slice(PREDICTION.length)),
    targets: Float32Array.from(targets),
    predictions: Float32Array.from(predictions),
  };
}
