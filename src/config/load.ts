/**
 * Reads a YAML config and validates it against a zod schema. Every problem is one
 * ConfigError naming the file, the line and the field: `run.yaml: line 12: train.lr: ...`.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** Dotted path of a zod issue, with the offending key appended for unknown keys. */
function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0]!);
  return path;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}`;
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `missing (expected ${issue.expected})`;
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray((issue as { options?: unknown[] }).options)) {
    return `expected one of ${((issue as { options: unknown[] }).options).map((o) => JSON.stringify(o)).join(', ')}`;
  }
  return issue.message;
}

/**
 * A check of a config that passed its schema, for what the schema cannot see (a model's own
 * options, files that must exist). It throws a ConfigError whose `path` is the dotted field
 * (`model.options.filters`); the loader adds the file and the field's line.
 */
export type ConfigCheck<T> = (config: T) => void;

/** The keys of a dotted path; numeric segments index lists (`data.tasks.0.peaks`). */
function pathKeys(path: string): (string | number)[] {
  return path === '' ? [] : path.split('.').map((key) => (/^(0|[1-9]\d*)$/.test(key) ? Number(key) : key));
}

/** Validates plain data (already parsed) against `schema`, then runs `check`; `file` only labels messages. */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file?: string,
  lineOf?: (path: (string | number)[]) => number | undefined,
  check?: ConfigCheck<z.infer<S>>,
): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    // A misspelt key also makes its correct spelling "missing": report the unknown key first.
    const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
    const path = issuePath(issue);
    throw new ConfigError(path.join('.'), issueMessage(issue), { file, line: lineOf?.(path) });
  }
  try {
    check?.(result.data);
  } catch (err) {
    if (!(err instanceof ConfigError) || err.file !== undefined) throw err;
    throw new ConfigError(err.path, err.problem, { file, line: lineOf?.(pathKeys(err.path)), cause: err.cause ?? err });
  }
  return result.data;
}

/**
 * Parses YAML text, validates it against `schema` and runs `check` on the result; errors name
 * `file` and the line of the offending field.
 */
export function parseConfig<S extends z.ZodType>(schema: S, text: string, file = '<config>', check?: ConfigCheck<z.infer<S>>): z.infer<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError('', `invalid YAML: ${e.message.split('\n')[0]}`, { file, line: lineCounter.linePos(e.pos[0]).line });
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return validateConfig(schema, doc.toJS() ?? {}, file, lineOf, check);
}

/** Reads and validates a YAML config file (and runs `check` on it, as `parseConfig`). */
export function loadConfig<S extends z.ZodType>(schema: S, path: string, check?: ConfigCheck<z.infer<S>>): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('', `cannot read config file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file: path, cause: err });
  }
  return parseConfig(schema, text, path, check);
}
