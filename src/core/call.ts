/**
 * The bridge every generated op wrapper goes through: resolves the operator once, turns
 * Tensors into native handles, calls libtorch, and wraps returned handles as Tensors.
 */
import { native, type NativeHandle, type NativeValue } from './binding.js';
import { Tensor } from './tensor.js';

/**
 * What each return of an operator is, one letter per return: 'T' a tensor (or null),
 * 'L' a list of tensors, 'v' a plain value (number, boolean, string, list of numbers).
 */
export type ReturnKinds = string;

export interface OpRef {
  readonly name: string;
  readonly overload: string;
  readonly returns: ReturnKinds;
  id: number;
}

/** A lazily resolved reference to `name.overload`, e.g. opRef('aten::conv1d', '', 'T'). */
export function opRef(name: string, overload: string, returns: ReturnKinds): OpRef {
  return { name, overload, returns, id: -1 };
}

function toNative(value: unknown): NativeValue {
  if (value instanceof Tensor) return value.handle;
  if (Array.isArray(value)) return value.map(toNative);
  return value as NativeValue;
}

function wrap(handle: NativeValue, inputs: readonly unknown[]): Tensor | null {
  if (handle === null || handle === undefined) return null;
  for (const input of inputs) {
    // An in-place op hands back the slot it was given: return the caller's Tensor.
    if (input instanceof Tensor && input.handleOrNull === handle) return input;
  }
  return new Tensor(handle as NativeHandle);
}

function fromNative(value: NativeValue, kind: string, inputs: readonly unknown[]): unknown {
  if (kind === 'T') return wrap(value, inputs);
  if (kind === 'L') return (value as NativeValue[]).map((v) => wrap(v, inputs));
  return value;
}

/**
 * Calls operator `ref` with positional arguments in schema order (undefined = schema
 * default). One return comes back as itself, several as an array.
 */
export function callOp(ref: OpRef, args: readonly unknown[]): unknown {
  if (ref.id < 0) ref.id = native.opHandle(ref.name, ref.overload);
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const nativeArgs = new Array<NativeValue>(n);
  for (let i = 0; i < n; i++) nativeArgs[i] = toNative(args[i]);
  const result = native.callOp(ref.id, nativeArgs);
  const kinds = ref.returns;
  if (kinds.length === 0) return undefined;
  if (kinds.length === 1) return fromNative(result, kinds, args);
  return (result as NativeValue[]).map((v, i) => fromNative(v, kinds[i]!, args));
}
