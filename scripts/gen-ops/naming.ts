/** The one naming rule: `aten::log_softmax.int` -> `logSoftmax`; other overloads suffixed. */
import { PRIMARY_OVERLOADS, RENAMES } from './rules.js';

const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof',
  'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void',
  'while', 'with', 'options', 'let', 'static', 'yield', 'await', 'implements', 'interface', 'package',
  'private', 'protected', 'public',
]);

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** snake_case -> camelCase, keeping one leading underscore (private ops) and a trailing one (in-place). */
export function camelCase(snake: string): string {
  const lead = snake.startsWith('_') ? '_' : '';
  const trail = snake.endsWith('_') ? '_' : '';
  const parts = snake.split('_').filter((p) => p.length > 0);
  const body = parts.map((p, i) => (i === 0 ? p : capitalize(p))).join('');
  return lead + body + trail;
}

/** A safe JS identifier for a schema argument name. */
export function argumentName(name: string): string {
  const n = camelCase(name).replace(/_+$/, '') || 'arg';
  return RESERVED.has(n) ? `${n}_` : n;
}

/** The overload of `overloads` that gets the bare name. */
export function primaryOverload(overloads: readonly string[]): string {
  for (const p of PRIMARY_OVERLOADS) if (overloads.includes(p)) return p;
  return [...overloads].sort()[0]!;
}

/** TS function name of `aten::base.overload`. */
export function functionName(qualified: string, base: string, overload: string, primary: boolean): string {
  const renamed = RENAMES[overload ? `${qualified}.${overload}` : qualified];
  if (renamed !== undefined) return renamed;
  const name = camelCase(base);
  const suffix = primary ? '' : overload.split('_').filter(Boolean).map(capitalize).join('');
  const result = name.endsWith('_') ? `${name.slice(0, -1)}${suffix}_` : `${name}${suffix}`;
  if (RESERVED.has(result)) throw new Error(`${qualified}.${overload} would be named '${result}', a reserved word: add it to RENAMES`);
  return result;
}
