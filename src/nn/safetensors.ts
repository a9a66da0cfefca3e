/**
 * safetensors: read and write the weight format of Hugging Face's `safetensors`
 * (https://github.com/huggingface/safetensors), readable by PyTorch, NumPy, JAX and Rust
 * users, and safe to open (loading never runs code).
 *
 * Layout of a file:
 * - 8 bytes: N, a little-endian u64, the length of the header;
 * - N bytes: a UTF-8 JSON object `{ "<name>": { "dtype": "F32", "shape": [2, 3],
 *   "data_offsets": [begin, end] }, ..., "__metadata__": { "<key>": "<value>" } }`, the
 *   offsets counted from the first byte after the header;
 * - the tensors' bytes, little-endian and row-major, back to back without gaps.
 *
 * The writer produces the same bytes as the reference Rust writer (`safetensors.serialize`,
 * used by the Python package): tensors ordered by dtype (the reference `Dtype` enum order,
 * descending: I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL) then by name (code points);
 * the header as compact JSON with `__metadata__` first, then each tensor as
 * `{"dtype":..,"shape":[..],"data_offsets":[b,e]}`; the header padded with spaces to a
 * multiple of 8 bytes. One difference: the reference writes metadata keys in hash-map
 * (random) order, this writer in code-point order, so files with two or more metadata keys
 * hold the same entries but may differ in byte order.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FormatError, InputError, Tensor, tensor, tidy, type DType } from '../core/index.js';
import * as ops from '../ops/index.js';
import type { LoadStateDictResult, Module } from './module.js';

/** Tensors and free-form string metadata, as read from a safetensors file. */
export interface SafetensorsContent {
  /** Tensors by name, in the file's data order. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` entries; empty when the file has none. */
  metadata: Record<string, string>;
}

/** The largest header accepted (the reference implementation's limit, 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const LENGTH_BYTES = 8;

interface DTypeInfo {
  code: string;
  dtype: DType;
  itemSize: number;
  /** Position in the reference `Dtype` enum; the writer orders tensors by it, descending. */
  rank: number;
}

/** The dtypes Strand reads and writes, with their rank in the reference enum. */
const DTYPES: readonly DTypeInfo[] = [
  { code: 'BOOL', dtype: 'bool', itemSize: 1, rank: 0 },
  { code: 'U8', dtype: 'uint8', itemSize: 1, rank: 4 },
  { code: 'I8', dtype: 'int8', itemSize: 1, rank: 5 },
  { code: 'I16', dtype: 'int16', itemSize: 2, rank: 11 },
  { code: 'F16', dtype: 'float16', itemSize: 2, rank: 13 },
  { code: 'BF16', dtype: 'bfloat16', itemSize: 2, rank: 14 },
  { code: 'I32', dtype: 'int32', itemSize: 4, rank: 15 },
  { code: 'F32', dtype: 'float32', itemSize: 4, rank: 17 },
  { code: 'F64', dtype: 'float64', itemSize: 8, rank: 19 },
  { code: 'I64', dtype: 'int64', itemSize: 8, rank: 20 },
];
const BY_CODE = new Map(DTYPES.map((d) => [d.code, d]));
const BY_DTYPE = new Map(DTYPES.map((d) => [d.dtype, d]));
/** Valid safetensors dtypes that have no Strand (libtorch 1.13) counterpart. */
const UNSUPPORTED_CODES = new Set([
  'U16', 'U32', 'U64', 'C64', 'F4', 'F6_E2M3', 'F6_E3M2',
  'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ',
]);

const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------

/** Adds `key: value` as an own enumerable property (safe for names like `__proto__`). */
function defineEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reverses each `itemSize`-byte group in place (little-endian <-> host order on big-endian hosts). */
function swapBytes(bytes: Uint8Array, itemSize: number): void {
  if (itemSize === 1) return;
  for (let i = 0; i + itemSize <= bytes.length; i += itemSize) bytes.subarray(i, i + itemSize).reverse();
}

/** True when `s` holds an unpaired UTF-16 surrogate (not representable in UTF-8). */
function hasLoneSurrogate(s: string): boolean {
  return /\p{Cs}/u.test(s);
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

interface PlannedTensor {
  name: string;
  tensor: Tensor;
  info: DTypeInfo;
  byteLength: number;
}

interface WritePlan {
  /** The 8-byte length followed by the padded header. */
  head: Uint8Array;
  tensors: PlannedTensor[];
  dataBytes: number;
}

/** Code-point order (= UTF-8 byte order), the order of Rust's `str::cmp`. */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Checks the tensors and puts them in the reference order: dtype rank descending, then name. */
function planTensors(tensors: Record<string, Tensor>): PlannedTensor[] {
  if (tensors === null || typeof tensors !== 'object') {
    throw new InputError('expected an object mapping tensor names to tensors');
  }
  const planned: PlannedTensor[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name === METADATA_KEY) throw new InputError(`"${METADATA_KEY}" is reserved and cannot name a tensor`);
    if (hasLoneSurrogate(name)) throw new InputError(`tensor name ${JSON.stringify(name)} is not valid Unicode`);
    if (!(t instanceof Tensor)) throw new InputError(`tensor "${name}": expected a Tensor, got ${typeof t}`);
    if (t.isDisposed) throw new InputError(`tensor "${name}" was already disposed`);
    const info = BY_DTYPE.get(t.dtype);
    if (info === undefined) throw new InputError(`tensor "${name}": dtype ${t.dtype} has no safetensors code`);
    planned.push({ name, tensor: t, info, byteLength: t.numel * info.itemSize });
  }
  return planned.sort((a, b) => b.info.rank - a.info.rank || byCodePoint(a.name, b.name));
}

function checkMetadata(metadata: Record<string, string> | undefined): void {
  if (metadata === undefined) return;
  if (metadata === null || typeof metadata !== 'object') throw new InputError('metadata must map strings to strings');
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new InputError(`metadata "${key}": expected a string value, got ${typeof value}`);
    if (hasLoneSurrogate(key) || hasLoneSurrogate(value)) throw new InputError(`metadata "${key}" is not valid Unicode`);
  }
}

/** Checks the arguments and lays out the file: header bytes (serde_json compact layout) and tensor order. */
function planWrite(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined): WritePlan {
  const planned = planTensors(tensors);
  checkMetadata(metadata);
  const parts: string[] = [];
  if (metadata !== undefined) {
    const entries = Object.keys(metadata).sort(byCodePoint).map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`);
    parts.push(`"${METADATA_KEY}":{${entries.join(',')}}`);
  }
  let offset = 0;
  for (const p of planned) {
    const shape = p.tensor.shape.join(',');
    parts.push(`${JSON.stringify(p.name)}:{"dtype":"${p.info.code}","shape":[${shape}],"data_offsets":[${offset},${offset + p.byteLength}]}`);
    offset += p.byteLength;
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / LENGTH_BYTES) * LENGTH_BYTES;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new InputError(`the safetensors header would take ${headerLength} bytes, over the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const head = new Uint8Array(LENGTH_BYTES + headerLength).fill(0x20);
  new DataView(head.buffer).setBigUint64(0, BigInt(headerLength), true);
  head.set(json, LENGTH_BYTES);
  return { head, tensors: planned, dataBytes: offset };
}

/** The little-endian, row-major bytes of one tensor (copied to the CPU). */
function tensorBytes(p: PlannedTensor): Uint8Array {
  const bytes = tidy(() => {
    const isHalf = p.info.dtype === 'float16' || p.info.dtype === 'bfloat16';
    // .data() widens half floats to float32; reinterpret the bits as int16 to get them raw.
    const source = isHalf ? ops.viewDtype(p.tensor.detach(), 'int16') : p.tensor;
    const data = source.data();
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  });
  if (bytes.length !== p.byteLength) {
    throw new InputError(`tensor "${p.name}": expected ${p.byteLength} bytes of data, got ${bytes.length}`);
  }
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, p.info.itemSize);
  return bytes;
}

/**
 * Serialises tensors (any device; copied to the CPU) to safetensors bytes.
 * @param tensors name -> tensor; dtypes float32/64, float16, bfloat16, int64/32/16/8, uint8, bool.
 *   The name `__metadata__` is reserved.
 * @param metadata optional string -> string map, stored as `__metadata__` (written, even
 *   when empty, whenever it is given, as the reference writer does).
 * @returns the whole file, byte-identical to the reference writer's for the same input
 *   (metadata keys aside: see the module comment).
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const plan = planWrite(tensors, metadata);
  const out = new Uint8Array(plan.head.length + plan.dataBytes);
  out.set(plan.head, 0);
  let at = plan.head.length;
  for (const p of plan.tensors) {
    out.set(tensorBytes(p), at);
    at += p.byteLength;
  }
  return out;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Writes tensors to `path` as a safetensors file, atomically: the bytes go to a temporary
 * file in the same folder, which is flushed to disk and then renamed over `path`. An
 * interrupted or failed write never leaves a partial file under `path` (an existing file
 * stays as it was), and a failed write removes its temporary file. Tensors are copied out
 * one at a time, so memory use stays near the size of the largest tensor.
 * @param path the target file; its folder must exist.
 * @param tensors, metadata as for `encodeSafetensors`.
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  if (typeof path !== 'string' || path === '') throw new InputError('expected a file path to save safetensors to');
  const plan = planWrite(tensors, metadata);
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined = openSync(temporary, 'wx');
  try {
    writeAll(fd, plan.head);
    for (const p of plan.tensors) writeAll(fd, tensorBytes(p));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // already gone
    }
    throw err;
  }
  syncFolder(folder);
}

/** Flushes a folder entry (makes a rename durable); best effort, not every platform allows it. */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported here (e.g. Windows); the rename itself is still atomic
  }
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

interface TensorEntry {
  name: string;
  info: DTypeInfo;
  shape: number[];
  begin: number;
  end: number;
}

interface ParsedHeader {
  /** Bytes before the data: 8 + header length. */
  dataStart: number;
  /** Entries sorted by their data offsets. */
  entries: TensorEntry[];
  metadata: Record<string, string>;
}

/** Reads the header length from the first 8 bytes and checks it against the file size. */
function readHeaderLength(first8: Uint8Array, fileSize: number, source: string): number {
  if (fileSize < LENGTH_BYTES) {
    throw new FormatError(source, undefined, 'header length', `file is ${fileSize} bytes, shorter than the 8-byte header length`);
  }
  const n = new DataView(first8.buffer, first8.byteOffset, LENGTH_BYTES).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new FormatError(source, undefined, 'header length', `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (Number(n) > fileSize - LENGTH_BYTES) {
    throw new FormatError(source, undefined, 'header length', `header length ${n} runs past the end of the ${fileSize}-byte file`);
  }
  return Number(n);
}

function parseMetadata(value: unknown, source: string): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (value === null) return metadata; // the reference reader accepts `"__metadata__": null`
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError(source, undefined, METADATA_KEY, 'expected an object mapping strings to strings');
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      throw new FormatError(source, undefined, `${METADATA_KEY}.${key}`, `expected a string value, got ${JSON.stringify(v)}`);
    }
    defineEntry(metadata, key, v);
  }
  return metadata;
}

function parseEntry(name: string, value: unknown, dataBytes: number, source: string): TensorEntry {
  const field = (f?: string): string => `tensor "${name}"${f === undefined ? '' : `.${f}`}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError(source, undefined, field(), 'expected an object with dtype, shape and data_offsets');
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') throw new FormatError(source, undefined, field('dtype'), `expected a dtype string, got ${JSON.stringify(dtype)}`);
  const info = BY_CODE.get(dtype);
  if (info === undefined) {
    const supported = DTYPES.map((d) => d.code).join(', ');
    const problem = UNSUPPORTED_CODES.has(dtype) ? `dtype ${dtype} is not supported` : `unknown dtype ${JSON.stringify(dtype)}`;
    throw new FormatError(source, undefined, field('dtype'), `${problem} (supported: ${supported})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new FormatError(source, undefined, field('shape'), `expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    throw new FormatError(source, undefined, field('data_offsets'), `expected [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new FormatError(source, undefined, field('data_offsets'), `end ${end} is before begin ${begin}`);
  if (end > dataBytes) {
    throw new FormatError(source, undefined, field('data_offsets'), `[${begin}, ${end}] is out of range: it reaches past the end of the file (${dataBytes.toLocaleString('en-US')} bytes of data)`);
  }
  // BigInt: a hostile shape must not overflow into a matching byte count.
  const expected = (shape as number[]).reduce((a, d) => a * BigInt(d), 1n) * BigInt(info.itemSize);
  if (BigInt(end - begin) !== expected) {
    throw new FormatError(
      source, undefined, field('data_offsets'),
      `[${begin}, ${end}] spans ${end - begin} bytes, but ${dtype} shape [${shape.join(', ')}] needs ${expected}`,
    );
  }
  return { name, info, shape: shape as number[], begin, end };
}

/** Checks that the entries tile the data section exactly: from 0, no overlap, no gap, to the end. */
function checkLayout(entries: TensorEntry[], dataBytes: number, source: string): void {
  let position = 0;
  let previous: TensorEntry | undefined;
  for (const e of entries) {
    const field = `tensor "${e.name}".data_offsets`;
    if (e.begin < position) {
      throw new FormatError(source, undefined, field, `[${e.begin}, ${e.end}] overlaps tensor "${previous?.name}" (ends at ${position})`);
    }
    if (e.begin > position) {
      const after = previous === undefined ? 'the start of the data' : `tensor "${previous.name}"`;
      throw new FormatError(source, undefined, field, `[${e.begin}, ${e.end}] leaves a gap of ${e.begin - position} bytes after ${after}`);
    }
    position = e.end;
    previous = e;
  }
  if (position !== dataBytes) {
    throw new FormatError(source, undefined, 'data', `${dataBytes - position} bytes after the last tensor belong to none`);
  }
}

/**
 * The first key that the top-level object of `text` (valid JSON) holds twice, however it is
 * escaped. JSON.parse keeps the last silently; the safetensors format disallows duplicates.
 */
function firstDuplicateKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

/** Parses and validates the header JSON against the size of the data section. */
function parseHeader(headerBytes: Uint8Array, fileSize: number, source: string): ParsedHeader {
  const dataStart = LENGTH_BYTES + headerBytes.length;
  const dataBytes = fileSize - dataStart;
  let text: string;
  let json: unknown;
  try {
    text = strictUtf8.decode(headerBytes);
  } catch (err) {
    throw new FormatError(source, undefined, 'header', 'header is not valid UTF-8', { cause: err });
  }
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FormatError(source, undefined, 'header', `header is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new FormatError(source, undefined, 'header', `expected a JSON object, got ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}`);
  }
  if (!text.startsWith('{')) {
    throw new FormatError(source, undefined, 'header', `expected the header to begin with '{', got ${JSON.stringify(text.slice(0, 1))}`);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) throw new FormatError(source, undefined, 'header', `names ${JSON.stringify(duplicate)} more than once`);
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, source);
    else entries.push(parseEntry(name, value, dataBytes, source));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkLayout(entries, dataBytes, source);
  return { dataStart, entries, metadata };
}

/** A tensor from its little-endian bytes (`bytes` is consumed: it must not be used afterwards). */
function tensorFromBytes(entry: TensorEntry, bytes: Uint8Array, source: string): Tensor {
  const { info, shape } = entry;
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, info.itemSize);
  const n = product(shape);
  const buffer = bytes.buffer;
  const at = bytes.byteOffset;
  switch (info.dtype) {
    case 'float64': return tensor(new Float64Array(buffer, at, n), shape);
    case 'float32': return tensor(new Float32Array(buffer, at, n), shape);
    case 'int64': return tensor(new BigInt64Array(buffer, at, n), shape);
    case 'int32': return tensor(new Int32Array(buffer, at, n), shape);
    case 'int16': return tensor(new Int16Array(buffer, at, n), shape);
    case 'int8': return tensor(new Int8Array(buffer, at, n), shape);
    case 'uint8': return tensor(bytes, shape);
    case 'bool': {
      const bad = bytes.findIndex((b) => b > 1);
      if (bad >= 0) {
        throw new FormatError(source, undefined, `tensor "${entry.name}"`, `BOOL element ${bad} holds byte ${bytes[bad]}, expected 0 or 1`);
      }
      return tensor(bytes, shape, 'bool');
    }
    case 'float16':
    case 'bfloat16': {
      const bits = tensor(new Int16Array(buffer, at, n), shape);
      try {
        return ops.viewDtype(bits, info.dtype);
      } finally {
        bits.dispose();
      }
    }
    default: throw new FormatError(source, undefined, `tensor "${entry.name}".dtype`, `dtype ${info.code} is not supported`);
  }
}

/** Builds every tensor with `readBytes(begin, end)` (a fresh, 8-byte-aligned copy); disposes them all on failure. */
function buildTensors(header: ParsedHeader, readBytes: (begin: number, end: number) => Uint8Array, source: string): SafetensorsContent {
  const tensors: Record<string, Tensor> = {};
  const made: Tensor[] = [];
  try {
    for (const entry of header.entries) {
      const t = tensorFromBytes(entry, readBytes(header.dataStart + entry.begin, header.dataStart + entry.end), source);
      made.push(t);
      defineEntry(tensors, entry.name, t);
    }
  } catch (err) {
    for (const t of made) t.dispose();
    throw err;
  }
  return { tensors, metadata: header.metadata };
}

/**
 * Reads safetensors bytes. Every structural problem (short file, bad header length, bad
 * JSON, unknown dtype, bad shape, offsets that do not tile the data exactly, non-string
 * metadata, BOOL bytes other than 0/1) is a `FormatError` naming `source` and the field.
 * @param bytes the whole file.
 * @param source the name used in error messages (default `<buffer>`).
 * @returns CPU tensors (copies; `bytes` is not retained) and the metadata.
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsContent {
  if (!(bytes instanceof Uint8Array)) throw new InputError('decodeSafetensors expects a Uint8Array');
  const headerLength = readHeaderLength(bytes.subarray(0, LENGTH_BYTES), bytes.length, source);
  const header = parseHeader(bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + headerLength), bytes.length, source);
  // An explicit copy: a Node Buffer's slice() shares memory and may sit at an unaligned offset.
  const copy = (begin: number, end: number): Uint8Array => {
    const out = new Uint8Array(end - begin);
    out.set(bytes.subarray(begin, end));
    return out;
  };
  return buildTensors(header, copy, source);
}

function readExactly(fd: number, length: number, position: number, path: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) throw new FormatError(path, undefined, 'data', `file ended early while reading ${length} bytes at ${position}`);
    done += n;
  }
  return out;
}

/** One tensor as a safetensors header declares it. */
export interface SafetensorsTensorInfo {
  name: string;
  dtype: DType;
  shape: number[];
}

/** What a safetensors header declares, without the tensors' data. */
export interface SafetensorsHeader {
  /** In the file's data order. */
  tensors: SafetensorsTensorInfo[];
  metadata: Record<string, string>;
}

/**
 * Reads and checks only the header of a safetensors file (every check of `loadSafetensors`
 * but the BOOL bytes), e.g. to compare names, dtypes and shapes with a model before reading
 * any weight. Errors are FormatErrors naming `path`.
 */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  return withSafetensorsFile(path, (_, header) => ({
    tensors: header.entries.map((e) => ({ name: e.name, dtype: e.info.dtype, shape: [...e.shape] })),
    metadata: header.metadata,
  }));
}

/** Opens `path`, reads and checks its header, and hands both to `use`; the file is closed after. */
function withSafetensorsFile<T>(path: string, use: (fd: number, header: ParsedHeader) => T): T {
  if (typeof path !== 'string' || path === '') throw new InputError('expected a safetensors file path');
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const first8 = readExactly(fd, Math.min(LENGTH_BYTES, fileSize), 0, path);
    const headerLength = readHeaderLength(first8, fileSize, path);
    return use(fd, parseHeader(readExactly(fd, headerLength, LENGTH_BYTES, path), fileSize, path));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a safetensors file, one tensor at a time (no whole-file buffer), with the checks
 * of `decodeSafetensors`; errors name `path`.
 */
export function loadSafetensors(path: string): SafetensorsContent {
  return withSafetensorsFile(path, (fd, header) => buildTensors(header, (begin, end) => readExactly(fd, end - begin, begin, path), path));
}

// ---------------------------------------------------------------------------------------
// Module weights
// ---------------------------------------------------------------------------------------

/**
 * Saves a module's state dict (parameters and persistent buffers, under PyTorch's dotted
 * names such as `conv1.weight`) to `path`, atomically, as `saveSafetensors` does. The file
 * loads in PyTorch with `model.load_state_dict(safetensors.torch.load_file(path))`.
 * @param metadata optional string -> string map stored as `__metadata__`.
 */
export function saveModuleWeights(path: string, module: Module, metadata?: Record<string, string>): void {
  saveSafetensors(path, module.stateDict(), metadata);
}

/** What `loadModuleWeights` found: the keys it could not match, and the file's metadata. */
export interface LoadModuleWeightsResult extends LoadStateDictResult {
  metadata: Record<string, string>;
}

/**
 * Loads a safetensors file into a module's parameters and buffers in place (values are
 * copied and converted to each tensor's dtype and device; the loaded tensors are freed).
 * @param options.strict default true: a missing or unexpected key is an InputError; when
 *   false they are returned instead. A shape mismatch is always an InputError.
 */
export function loadModuleWeights(path: string, module: Module, { strict = true }: { strict?: boolean } = {}): LoadModuleWeightsResult {
  const { tensors, metadata } = loadSafetensors(path);
  try {
    return { ...module.loadStateDict(tensors, { strict }), metadata };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
