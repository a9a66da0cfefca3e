/**
 * zod building blocks for the model option schemas, and `parseOptions`, which turns the first
 * problem in a value into a ConfigError naming its field: `model.options.filters: expected a
 * positive integer, got 0`.
 */
import { z } from 'zod';
import { ConfigError } from '../core/index.js';

/** A value as it appears in a message: strings quoted, objects as JSON (shortened). */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const article = (noun: string): string => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

/** A schema whose every failure reads `expected <what>, got <value>`. */
function expecting(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `expected ${what}, got ${showValue(issue.input)}` };
}

/** Integer >= 1. */
export const positiveInt = (): z.ZodNumber => {
  const e = expecting('a positive integer');
  return z.number(e).int(e).positive(e);
};

/** Integer >= 0. */
export const nonNegativeInt = (): z.ZodNumber => {
  const e = expecting('a non-negative integer');
  return z.number(e).int(e).nonnegative(e);
};

/** A rate in [0, 1) (dropout). */
export const rate = (): z.ZodNumber => {
  const e = expecting('a number in [0, 1)');
  return z.number(e).min(0, e).lt(1, e);
};

/** Any integer. */
export const integer = (): z.ZodNumber => {
  const e = expecting('an integer');
  return z.number(e).int(e);
};

/** A finite number. */
export const finite = (): z.ZodNumber => z.number(expecting('a number'));

/** A positive number. */
export const positiveNumber = (): z.ZodNumber => {
  const e = expecting('a positive number');
  return z.number(e).positive(e);
};

/** One of the given strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, expecting(`one of ${values.map((v) => `'${v}'`).join(', ')}`)) as unknown as z.ZodEnum<{ [K in T[number]]: K }>;
}

/** A boolean. */
export const bool = (): z.ZodBoolean => z.boolean(expecting('true or false'));

/** A list of positive integers (possibly empty). */
export const positiveIntList = (): z.ZodArray<z.ZodNumber> => z.array(positiveInt(), expecting('a list of positive integers'));

/** A list of rates in [0, 1). */
export const rateList = (): z.ZodArray<z.ZodNumber> => z.array(rate(), expecting('a list of numbers in [0, 1)'));

/** [filters, kernel] pairs. */
export const convolutionList = () =>
  z.array(z.tuple([positiveInt(), positiveInt()], expecting('a [filters, kernel] pair')), expecting('a list of [filters, kernel] pairs'));

/** Conv padding: a non-negative integer, 'same' or 'valid'. */
export const padding = () =>
  z.union([nonNegativeInt(), z.literal('same'), z.literal('valid')], expecting("a non-negative integer, 'same' or 'valid'"));

/** An object with only the given fields (unknown fields are errors: typos must not pass silently). */
export function options<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape, expecting('an object of options'));
}

/** Message for issues the schemas above do not word themselves. */
function fallbackMessage(issue: z.core.$ZodRawIssue): string {
  const got = showValue(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${article(String(issue.expected))}, got ${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => showValue(v)).join(', ')}, got ${got}`;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${String(issue.minimum)} items, got ${got}` : `expected at least ${String(issue.minimum)}, got ${got}`;
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${String(issue.maximum)} items, got ${got}` : `expected at most ${String(issue.maximum)}, got ${got}`;
    case 'invalid_union':
      return `expected one of the allowed forms, got ${got}`;
    default:
      return `invalid value ${got}`;
  }
}

/** Dotted path: base, then the issue's keys ('model.options' + ['layers', 3, 'kernel']). */
export function joinPath(base: string, keys: readonly PropertyKey[]): string {
  return [base, ...keys.map(String)].filter((p) => p !== '').join('.');
}

/**
 * `value` parsed by `schema`, or a ConfigError at `path` (plus the field's path inside the
 * value) describing the first problem. Unknown fields are reported as `path.field: unknown
 * field (expected one of ...)` when the object's fields are known.
 */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value, { reportInput: true, error: fallbackMessage });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema, issue.path);
    const hint = known === null ? '' : ` (expected one of ${known.join(', ')})`;
    throw new ConfigError(joinPath(path, [...issue.path, issue.keys[0]!]), `unknown field${hint}`);
  }
  throw new ConfigError(joinPath(path, issue.path), issue.message);
}

/** The field names of the object schema at `keys` inside `schema`, when it can be found. */
function knownKeys(schema: z.ZodType, keys: readonly PropertyKey[]): string[] | null {
  let s: z.ZodType | undefined = schema;
  for (const key of keys) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(key)];
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else return null;
    if (s === undefined) return null;
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape as object) : null;
}

function unwrap(s: z.ZodType): z.ZodType {
  let t = s;
  while (t instanceof z.ZodOptional || t instanceof z.ZodDefault || t instanceof z.ZodNullable) t = t.unwrap() as z.ZodType;
  return t;
}
