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

/** A value as a message shows it: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The field path and the problem of a zod issue; an unknown key is named in the path. */
function describeIssue(issue: z.core.$ZodIssue): { field: string; problem: string } {
  const keys = issue.path.map((p) => String(p));
  if (issue.code === 'unrecognized_keys') return { field: [...keys, issue.keys[0]!].join('.'), problem: 'unknown field' };
  const field = keys.join('.');
  if (issue.code === 'invalid_type' && issue.input === undefined) return { field, problem: `missing (expected ${issue.expected})` };
  if (issue.code === 'invalid_type') return { field, problem: `expected ${issue.expected}, got ${shown(issue.input)}` };
  return { field, problem: issue.message };
}

function checked<S extends z.ZodType>(schema: S, data: unknown, file: string, line: number | undefined): z.infer<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  // A misspelt key also makes its correct spelling "missing": report the unknown key first.
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
  const { field, problem } = describeIssue(issue);
  throw new FormatError(file, line, field || undefined, problem);
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
