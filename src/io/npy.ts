/** NumPy .npy v1.0 files: float32 / float64, little-endian, C order. Writes are atomic. */
import { readFileSync } from 'node:fs';
import { FormatError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { fileOpenError } from './text-lines.js';

export interface NpyArray {
  data: Float32Array | Float64Array;
  shape: number[];
}

/** Encodes `array` as .npy bytes (header padded with spaces to a multiple of 64, ending in a newline). */
export function encodeNpy({ data, shape }: NpyArray): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`expected ${count} values for shape (${shape.join(', ')}), got ${data.length}`);
  const descr = data instanceof Float64Array ? '<f8' : '<f4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

export function writeNpy(path: string, array: NpyArray): void {
  writeFileAtomic(path, encodeNpy(array));
}

/** Reads a float32 / float64 little-endian C-order .npy file (v1.0 or v2.0 header). */
export function readNpy(path: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw fileOpenError(path, cause);
  }
  if (bytes.length < 10 || bytes[0] !== 0x93 || bytes.subarray(1, 6).toString('latin1') !== 'NUMPY') throw new FormatError(path, undefined, undefined, `not a .npy file`);
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.subarray(start, start + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new FormatError(path, undefined, undefined, `malformed .npy header`);
  if (fortran === 'True') throw new FormatError(path, undefined, undefined, `expected C order, got Fortran order`);
  if (descr !== '<f4' && descr !== '<f8') throw new FormatError(path, undefined, undefined, `expected dtype <f4 or <f8, got ${descr}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const body = bytes.subarray(start + headerLength);
  const copy = new Uint8Array(body); // aligned copy
  const data = descr === '<f8' ? new Float64Array(copy.buffer, 0, copy.byteLength / 8) : new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new FormatError(path, undefined, undefined, `expected ${shape.join('x')} values, got ${data.length}`);
  return { data, shape };
}
