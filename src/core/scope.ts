/**
 * Deterministic tensor lifetime. Every tensor made inside `tidy(fn)` is disposed when fn
 * returns, except the tensors it returns (which move to the enclosing scope) and tensors
 * passed to `keep()`. Outside any scope, tensors live until disposed (or, as a backstop,
 * until the GC finalizer frees them).
 */

export interface Disposable {
  dispose(): void;
}

interface Trackable extends Disposable {
  kept: boolean;
}

const scopes: Set<Trackable>[] = [];

/** Registers a new tensor with the innermost open scope. */
export function track(t: Trackable): void {
  const scope = scopes[scopes.length - 1];
  if (scope !== undefined && !t.kept) scope.add(t);
}

/** Exempts `t` from every enclosing `tidy` (parameters, optimizer state, caches). */
export function keep<T extends Trackable>(t: T): T {
  t.kept = true;
  for (const scope of scopes) scope.delete(t);
  return t;
}

/** Tensors reachable from a result: the value itself, array elements, object fields. */
function collect(value: unknown, into: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  into.add(value);
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    const values = value instanceof Map ? [...value.values()] : Object.values(value);
    for (const v of values) collect(v, into, depth + 1);
  }
}

/** Runs fn, then disposes every tensor it created that is not part of its result. Synchronous fn only. */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Trackable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new TypeError('tidy() takes a synchronous function; await outside it');
  }
  const survivors = new Set<unknown>();
  collect(result, survivors);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Number of open scopes (for tests and assertions). */
export function scopeDepth(): number {
  return scopes.length;
}
