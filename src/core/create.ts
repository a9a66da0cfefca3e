/** Tensors from JS data: typed arrays (copied) or nested number arrays. */
import { native } from './binding.js';
import { dtypeOfArray, type DType, type TensorData } from './dtype.js';
import { InputError } from './errors.js';
import { Tensor } from './tensor.js';

type Nested = number | boolean | readonly Nested[];

function shapeOf(value: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = (v as readonly Nested[])[0] as Nested;
  }
  return shape;
}

function flatten(value: Nested, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (Array.isArray(value)) throw new InputError('ragged nested array: deeper than its first element');
    out.push(Number(value));
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) {
    throw new InputError(`ragged nested array at depth ${depth}: expected length ${shape[depth]}`);
  }
  for (const v of value as readonly Nested[]) flatten(v, shape, depth + 1, out);
}

function typedArrayFor(values: ArrayLike<number>, dtype: DType): ArrayBufferView {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int64': return BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    case 'int32': return Int32Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'int8': return Int8Array.from(values);
    case 'uint8':
    case 'bool': return Uint8Array.from(values, (v) => (dtype === 'bool' ? (v ? 1 : 0) : v));
    default: throw new InputError(`cannot build a ${dtype} tensor from JS numbers; build float32 and convert`);
  }
}

/**
 * A tensor holding a copy of `data`.
 * - typed array: `shape` defaults to [data.length]; dtype follows the array (Uint8Array + 'bool' gives bool).
 * - nested arrays / a number: shape is inferred; dtype defaults to float32.
 */
export function tensor(data: TensorData | Nested, shape?: readonly number[], dtype?: DType): Tensor {
  if (ArrayBuffer.isView(data)) {
    const arrayDType = dtypeOfArray(data);
    const target = dtype ?? arrayDType;
    const size = shape ?? [data.length];
    if (target === arrayDType || (target === 'bool' && arrayDType === 'uint8')) {
      return new Tensor(native.fromBuffer(data, [...size], target));
    }
    const values = data instanceof BigInt64Array ? Array.from(data, Number) : (data as ArrayLike<number>);
    return new Tensor(native.fromBuffer(typedArrayFor(values, target), [...size], target));
  }
  const inferred = shapeOf(data);
  const values: number[] = [];
  flatten(data, inferred, 0, values);
  const size = shape ?? inferred;
  return new Tensor(native.fromBuffer(typedArrayFor(values, dtype ?? 'float32'), [...size], dtype ?? 'float32'));
}

/** A scalar (0-d) tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(native.fromBuffer(typedArrayFor([value], dtype), [], dtype));
}
