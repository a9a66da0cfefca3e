/**
 * Argument checks shared by the optimizers and schedules. Messages follow PyTorch's
 * ("Invalid learning rate: ...") with what was expected and what came.
 */
import { InputError } from '../core/index.js';

/** Throws unless `value` is a number >= `min` (NaN fails). */
export function checkAtLeast(what: string, name: string, value: unknown, min = 0): void {
  if (typeof value !== 'number' || !(value >= min)) {
    throw new InputError(`Invalid ${what}: expected ${name} >= ${min}, got ${String(value)}`);
  }
}

/** Throws unless `value` is a number in [0, 1). */
export function checkUnitInterval(what: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new InputError(`Invalid ${what}: expected 0 <= ${name} < 1, got ${String(value)}`);
  }
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new InputError(`expected ${name} to be a boolean, got ${String(value)}`);
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInteger(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InputError(`expected ${name} to be an integer >= ${min}, got ${String(value)}`);
  }
}

/** `defaults` overridden by the fields of `options` that are not undefined. */
export function withDefaults<T extends object>(defaults: T, options: Partial<T>): T {
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
