/**
 * JSON files Strand writes (metrics.json, model.json, explain.json, log.jsonl records), read back
 * and checked against a zod schema. A missing file is an `InputError` naming it; bad JSON or a
 * wrong field is one `FormatError` naming the file (and line, for JSON lines) and the field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FormatError } from '../core/errors.js';
import { fileOpenError, readTextLines } from './text-lines.js';

/** A number that JSON.stringify wrote as null because it was NaN (an undefined metric). */
export const jsonNumber = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

function checked<S extends z.ZodType>(schema: S, data: unknown, file: string, line: number | undefined): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map((p) => String(p)).join('.');
  throw new FormatError(file, line, field || undefined, issue.message);
}

function parsed(text: string, file: string, line: number | undefined): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FormatError(file, line, undefined, `not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/** The JSON document in `path`, validated by `schema`. */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw fileOpenError(path, cause);
  }
  return checked(schema, parsed(text, path, undefined), path, undefined);
}

/** The records of a JSON-lines file (blank lines skipped), each validated by `schema`. */
export async function readJsonLines<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>[]> {
  const records: z.infer<S>[] = [];
  for await (const { text, line } of readTextLines(path)) {
    if (text.trim() === '') continue;
    records.push(checked(schema, parsed(text, path, line), path, line));
  }
  return records;
}
