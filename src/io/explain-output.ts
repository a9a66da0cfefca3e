/**
 * The folder of an explanation (`strand explain --out DIR`, and `examples/` of a training run):
 *   attributions.npy   [N, L, 4] float32 attributions (A, C, G, T), numpy-readable
 *   predictions.tsv    `id`, then one column per model output
 *   sequences.fa       the sequences as explained (fitted to the model's input length)
 *   explain.json       { method, tasks (the output explained for each sequence), title?, model?, baseline?, head? }
 * Each file is written atomically; reading checks that the four agree.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FormatError, InputError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { readJsonFile } from './json-file.js';
import { readNpy, writeNpy } from './npy.js';
import { formatFloat32 } from './prediction-table.js';
import { parseDecimal, quote } from './fields.js';
import { readFastaRecords } from './fasta-records.js';
import { readTextLines } from './text-lines.js';

export const EXPLAIN_FILES = { attributions: 'attributions.npy', predictions: 'predictions.tsv', sequences: 'sequences.fa', description: 'explain.json' } as const;

const descriptionSchema = z.object({
  method: z.enum(['saliency', 'ig', 'deeplift', 'ism']),
  tasks: z.array(z.string()),
  title: z.string().optional(),
  model: z.string().optional(),
  baseline: z.string().optional(),
  /** Profile models: the head explained. */
  head: z.enum(['counts', 'profile']).optional(),
});

export type ExplainDescription = z.infer<typeof descriptionSchema>;

export interface ExplainOutput extends ExplainDescription {
  /** Sequence names (N). */
  ids: string[];
  /** The sequences as explained, each `length` long. */
  sequences: string[];
  length: number;
  /** [N, L, 4] row-major. */
  attributions: Float32Array;
  /** Model output names. */
  outputs: string[];
  /** [N, outputs] row-major. */
  predictions: Float32Array;
}

function check(output: ExplainOutput): void {
  const N = output.ids.length;
  const { length: L, outputs } = output;
  if (output.sequences.length !== N || output.tasks.length !== N) throw new InputError(`expected ${N} sequences and tasks (one per id), got ${output.sequences.length} and ${output.tasks.length}`);
  if (output.attributions.length !== N * L * 4) throw new InputError(`expected ${N} x ${L} x 4 attributions, got ${output.attributions.length} values`);
  if (output.predictions.length !== N * outputs.length) throw new InputError(`expected ${N} x ${outputs.length} predictions, got ${output.predictions.length} values`);
  for (const id of output.ids) if (!/^\S+$/.test(id)) throw new InputError(`expected sequence names without spaces, got ${JSON.stringify(id)}`);
  for (const s of output.sequences) if (s.length !== L) throw new InputError(`expected sequences of ${L} bp, got one of ${s.length}`);
}

/** Writes the four files into `dir` (created when missing). */
export function writeExplainOutput(dir: string, output: ExplainOutput): void {
  check(output);
  mkdirSync(dir, { recursive: true });
  const { ids, outputs } = output;
  const T = outputs.length;
  writeNpy(join(dir, EXPLAIN_FILES.attributions), { data: output.attributions, shape: [ids.length, output.length, 4] });
  const rows = ids.map((id, i) => [id, ...Array.from(output.predictions.subarray(i * T, (i + 1) * T), formatFloat32)].join('\t'));
  writeFileAtomic(join(dir, EXPLAIN_FILES.predictions), `${[['id', ...outputs].join('\t'), ...rows].join('\n')}\n`);
  writeFileAtomic(join(dir, EXPLAIN_FILES.sequences), ids.map((id, i) => `>${id}\n${output.sequences[i]}\n`).join(''));
  const description: ExplainDescription = {
    method: output.method,
    tasks: output.tasks,
    ...(output.title !== undefined ? { title: output.title } : {}),
    ...(output.model !== undefined ? { model: output.model } : {}),
    ...(output.baseline !== undefined ? { baseline: output.baseline } : {}),
    ...(output.head !== undefined ? { head: output.head } : {}),
  };
  writeFileAtomic(join(dir, EXPLAIN_FILES.description), `${JSON.stringify(description, null, 2)}\n`);
}

async function readPredictions(path: string): Promise<{ ids: string[]; outputs: string[]; values: Float32Array }> {
  let outputs: string[] | undefined;
  const ids: string[] = [];
  const values: number[] = [];
  for await (const { text, line } of readTextLines(path)) {
    const cells = text.split('\t');
    if (outputs === undefined) {
      if (cells[0] !== 'id' || cells.length < 2) throw new FormatError(path, line, undefined, `expected a header 'id' then output names, got ${quote(text)}`);
      outputs = cells.slice(1);
      continue;
    }
    if (text === '') continue;
    if (cells.length !== outputs.length + 1) throw new FormatError(path, line, undefined, `expected ${outputs.length + 1} columns, got ${cells.length}`);
    ids.push(cells[0]!);
    cells.slice(1).forEach((cell, c) => {
      const v = cell === 'NaN' ? Number.NaN : parseDecimal(cell);
      if (v === undefined) throw new FormatError(path, line, outputs![c], `expected a number, got ${quote(cell)}`);
      values.push(v);
    });
  }
  if (outputs === undefined) throw new FormatError(path, undefined, undefined, 'empty file, expected a header line');
  return { ids, outputs, values: Float32Array.from(values) };
}

/** Reads the folder written by `writeExplainOutput`; a missing file or a disagreement names the file. */
export async function readExplainOutput(dir: string): Promise<ExplainOutput> {
  const path = (name: string) => join(dir, name);
  const description = readJsonFile(path(EXPLAIN_FILES.description), descriptionSchema);
  const predictions = await readPredictions(path(EXPLAIN_FILES.predictions));
  const fasta = await readFastaRecords(path(EXPLAIN_FILES.sequences));
  const npy = readNpy(path(EXPLAIN_FILES.attributions));
  const N = predictions.ids.length;
  const [n, L, four] = npy.shape;
  if (npy.shape.length !== 3 || n !== N || four !== 4) {
    throw new FormatError(path(EXPLAIN_FILES.attributions), undefined, 'shape', `expected (${N}, L, 4) for the ${N} rows of ${EXPLAIN_FILES.predictions}, got (${npy.shape.join(', ')})`);
  }
  if (fasta.ids.join('\t') !== predictions.ids.join('\t')) {
    throw new FormatError(path(EXPLAIN_FILES.sequences), undefined, undefined, `expected the sequences named in ${EXPLAIN_FILES.predictions} (${predictions.ids.slice(0, 3).join(', ')}...), in that order`);
  }
  const short = fasta.sequences.findIndex((s) => s.length !== L);
  if (short >= 0) throw new FormatError(path(EXPLAIN_FILES.sequences), undefined, fasta.ids[short], `expected ${L} bp (the attributions' length), got ${fasta.sequences[short]!.length}`);
  if (description.tasks.length !== N) throw new FormatError(path(EXPLAIN_FILES.description), undefined, 'tasks', `expected ${N} tasks (one per sequence), got ${description.tasks.length}`);
  const unknown = description.tasks.find((t) => !predictions.outputs.includes(t));
  if (unknown !== undefined) throw new FormatError(path(EXPLAIN_FILES.description), undefined, 'tasks', `'${unknown}' is not an output in ${EXPLAIN_FILES.predictions} (${predictions.outputs.join(', ')})`);
  return {
    ...description,
    ids: predictions.ids,
    sequences: fasta.sequences,
    length: L!,
    attributions: Float32Array.from(npy.data),
    outputs: predictions.outputs,
    predictions: predictions.values,
  };
}
