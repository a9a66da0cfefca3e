/**
 * Checks, from its header alone, that a safetensors file holds exactly the tensors a model
 * has (same names, dtypes and shapes) before any weight is read: a file from someone else
 * that does not fit its declared architecture is one FormatError naming the tensor, what the
 * architecture expects and what the file holds.
 */
import { FormatError } from '../core/index.js';
import type { Module } from '../nn/index.js';
import { readSafetensorsHeader } from '../nn/safetensors.js';

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Every way the file's tensors differ from the model's, one phrase each, in the model's order. */
function mismatches(found: Map<string, { dtype: string; shape: number[] }>, model: Module, architecture: string): string[] {
  const problems: string[] = [];
  const expected = model.stateDict();
  for (const [name, t] of Object.entries(expected)) {
    const want = `${t.dtype} ${shapeText(t.shape)}`;
    const got = found.get(name);
    if (got === undefined) problems.push(`tensor '${name}': missing (the ${architecture} architecture needs ${want})`);
    else if (got.dtype !== t.dtype || shapeText(got.shape) !== shapeText(t.shape)) {
      problems.push(`tensor '${name}': expected ${want}, found ${got.dtype} ${shapeText(got.shape)}`);
    }
  }
  for (const name of found.keys()) {
    if (!(name in expected)) problems.push(`tensor '${name}': not part of the ${architecture} architecture`);
  }
  return problems;
}

/**
 * FormatError at `path` unless its tensors are exactly `model`'s state dict (names, dtypes,
 * shapes). `architecture` names the model in messages. The first problem is reported, with a
 * count of the others.
 */
export function checkWeightsFit(path: string, model: Module, architecture: string): void {
  const header = readSafetensorsHeader(path);
  const found = new Map(header.tensors.map((t) => [t.name, { dtype: t.dtype, shape: t.shape }]));
  const problems = mismatches(found, model, architecture);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  const [field, ...rest] = problems[0]!.split(': ');
  throw new FormatError(path, undefined, field, `${rest.join(': ')}${more}`);
}
