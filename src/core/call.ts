/**
 * The bridge every generated op wrapper goes through: resolves the operator once, turns
 * Tensors into native handles, calls libtorch, and wraps returned handles as Tensors.
 */
import { native, type NativeHandle, type NativeValue } from './binding.js';
import { Tensor } from './tensor.js';

export interface OpRef {
  readonly name: string;
  readonly overload: string;
  id: number;
}

/** A lazily resolved reference to `name.overload`, e.g. opRef('aten::conv1d', ''). */
export function opRef(name: string, overload: string): OpRef {
  return { name, overload, id: -1 };
}

function toNative(value: unknown): NativeValue {
  if (value instanceof Tensor) return value.handle;
  if (Array.isArray(value)) return value.map(toNative);
  return value as NativeValue;
}

function fromNative(value: NativeValue, inputs: readonly unknown[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => fromNative(v, inputs));
  for (const input of inputs) {
    // An in-place op hands back the very handle it was given: return the caller's Tensor.
    if (input instanceof Tensor && input.handleOrNull === value) return input;
  }
  return new Tensor(value as NativeHandle);
}

/** Calls operator `ref` with positional arguments in schema order (undefined = schema default). */
export function callOp(ref: OpRef, args: readonly unknown[]): unknown {
  if (ref.id < 0) ref.id = native.opHandle(ref.name, ref.overload);
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const nativeArgs = new Array<NativeValue>(n);
  for (let i = 0; i < n; i++) nativeArgs[i] = toNative(args[i]);
  return fromNative(native.callOp(ref.id, nativeArgs), args);
}
