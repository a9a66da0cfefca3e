/**
 * safetensors reader / writer. Expected values come from a hand-typed file, from a file
 * written by the official `safetensors` package (test/fixtures/safetensors/), and from a
 * reference writer / reader written in Python below (numpy + json + struct + torch).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FormatError, InputError, Tensor, tensor, tidy, type DType } from '../../src/core/index.js';
import { Module } from '../../src/nn/module.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  loadModuleWeights,
  loadSafetensors,
  readSafetensorsHeader,
  saveModuleWeights,
  saveSafetensors,
} from '../../src/nn/safetensors.js';
import { runPyTorch } from '../helpers/pytorch.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/safetensors/', import.meta.url));
const moduleUrl = new URL('../../src/nn/safetensors.js', import.meta.url).href;

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'strand-safetensors-'));
}

/** A file from a header string (padded with spaces to 8 bytes) and data bytes. */
function fileOf(header: string, data: ArrayLike<number> = []): Uint8Array {
  let json = Buffer.from(header, 'utf8');
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  out.set(Array.from(data), 8 + json.length);
  return new Uint8Array(out);
}

/** Values as JSON-comparable numbers; int64 as decimal strings, non-finite floats as 'inf' / '-inf' / 'nan'. */
function valuesOf(t: Tensor): (number | string)[] {
  const d = t.data();
  if (d instanceof BigInt64Array) return Array.from(d, (v) => v.toString());
  return Array.from(d as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'));
}

const CODES: Record<string, DType> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64',
  I32: 'int32', I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool',
};

interface Spec {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}

/** A tensor of a safetensors dtype from JSON values (half floats built as float32, then rounded by ATen). */
function tensorOf(spec: Spec): Tensor {
  const num = spec.values.map((v) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity));
  switch (spec.dtype) {
    case 'F64': return tensor(Float64Array.from(num), spec.shape);
    case 'F32': return tensor(Float32Array.from(num), spec.shape);
    case 'F16': return tensor(Float32Array.from(num), spec.shape).toDType('float16');
    case 'BF16': return tensor(Float32Array.from(num), spec.shape).toDType('bfloat16');
    case 'I64': return tensor(BigInt64Array.from(spec.values, (v) => BigInt(v)), spec.shape);
    case 'I32': return tensor(Int32Array.from(num), spec.shape);
    case 'I16': return tensor(Int16Array.from(num), spec.shape);
    case 'I8': return tensor(Int8Array.from(num), spec.shape);
    case 'U8': return tensor(Uint8Array.from(num), spec.shape);
    case 'BOOL': return tensor(Uint8Array.from(num), spec.shape, 'bool');
    default: throw new Error(`no dtype ${spec.dtype}`);
  }
}

function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  if (i === n && actual.length === expected.length) return;
  const show = (b: Uint8Array): string => JSON.stringify(Buffer.from(b.subarray(Math.max(0, i - 20), i + 20)).toString('latin1'));
  assert.fail(`${what}: bytes differ at ${i} (lengths ${actual.length} / ${expected.length}): ours ${show(actual)}, reference ${show(expected)}`);
}

function assertFormatError(fn: () => unknown, source: string, field: string | RegExp, problem?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
    assert.equal(err.file, source);
    assert.ok(err.message.includes(source), `message names the file: ${err.message}`);
    if (typeof field === 'string') {
      assert.ok(err.field?.includes(field), `field ${JSON.stringify(err.field)} should name ${field} (${err.message})`);
    } else {
      assert.match(err.field ?? '', field, err.message);
    }
    if (problem !== undefined) assert.match(err.message, problem);
    return true;
  });
}

// ---------------------------------------------------------------------------------------
// a file typed out by hand
// ---------------------------------------------------------------------------------------

test('decodes a hand-typed file exactly, and encoding its tensors gives the same bytes', () => {
  // Tensors in reference order (F32, I32, U8); 194 header bytes, padded with 6 spaces to 200.
  const header =
    '{"__metadata__":{"note":"hand"},' +
    '"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"n":{"dtype":"I32","shape":[],"data_offsets":[8,12]},' +
    '"m":{"dtype":"U8","shape":[2,1],"data_offsets":[12,14]}}' +
    '      ';
  assert.equal(header.length, 200);
  const bytes = new Uint8Array([
    0xc8, 0, 0, 0, 0, 0, 0, 0, // header length 200, little-endian u64
    ...Buffer.from(header, 'ascii'),
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0, // w: float32 1.0, -2.5
    0xfe, 0xff, 0xff, 0xff, // n: int32 -2
    0x07, 0xff, // m: uint8 7, 255
  ]);
  const { tensors, metadata } = decodeSafetensors(bytes, 'hand.safetensors');
  assert.deepEqual(metadata, { note: 'hand' });
  assert.deepEqual(Object.keys(tensors), ['w', 'n', 'm']);
  const { w, n, m } = tensors as Record<'w' | 'n' | 'm', Tensor>;
  assert.equal(w.dtype, 'float32');
  assert.deepEqual(w.shape, [2]);
  assert.deepEqual(w.toArray(), [1, -2.5]);
  assert.equal(n.dtype, 'int32');
  assert.deepEqual(n.shape, []);
  assert.deepEqual(n.toArray(), [-2]);
  assert.equal(m.dtype, 'uint8');
  assert.deepEqual(m.shape, [2, 1]);
  assert.deepEqual(m.toArray(), [7, 255]);

  // Insertion order must not matter: the writer sorts.
  assertSameBytes(encodeSafetensors({ m, n, w }, { note: 'hand' }), bytes, 'hand-typed file');
});

test('an empty file is the header {} padded to 8 bytes', () => {
  const expected = new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from('{}      ', 'ascii')]);
  assertSameBytes(encodeSafetensors({}), expected, 'empty file');
  const back = decodeSafetensors(expected);
  assert.deepEqual(back.tensors, {});
  assert.deepEqual(back.metadata, {});
  // Given metadata is always written, even when empty (as the reference does).
  assertSameBytes(encodeSafetensors({}, {}), fileOf('{"__metadata__":{}}'), 'empty metadata');
});

// ---------------------------------------------------------------------------------------
// a file written by the official safetensors package
// ---------------------------------------------------------------------------------------

interface Reference {
  metadata: Record<string, string>;
  tensors: Record<string, Spec>;
}

test('reads the file written by the official safetensors package and reproduces its bytes', () => {
  const path = join(fixtures, 'reference.safetensors');
  const expected = JSON.parse(readFileSync(join(fixtures, 'reference.json'), 'utf8')) as Reference;
  const { tensors, metadata } = loadSafetensors(path);
  assert.deepEqual(metadata, expected.metadata);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected.tensors).sort());
  for (const [name, spec] of Object.entries(expected.tensors)) {
    const t = tensors[name]!;
    assert.equal(t.dtype, CODES[spec.dtype], name);
    assert.deepEqual(t.shape, spec.shape, name);
    const got = valuesOf(t);
    assert.equal(got.length, spec.values.length, name);
    // Object.is: -0 must stay -0.
    spec.values.forEach((v, i) => assert.ok(Object.is(got[i], v), `${name}[${i}]: got ${String(got[i])}, expected ${v}`));
  }
  const rebuilt: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(expected.tensors)) rebuilt[name] = tensorOf(spec);
  assertSameBytes(encodeSafetensors(rebuilt, expected.metadata), new Uint8Array(readFileSync(path)), 'official writer');
});

// ---------------------------------------------------------------------------------------
// interoperability with a Python reference writer / reader
// ---------------------------------------------------------------------------------------

/** Python: `reference_bytes(entries, metadata)` (the reference layout), `read_file(path)`, `raw(spec)`. */
const PYTHON_REFERENCE = String.raw`
import struct, base64
# The reference Rust Dtype enum, in declaration order (the subset Strand supports).
ENUM_ORDER = ['BOOL', 'U8', 'I8', 'I16', 'F16', 'BF16', 'I32', 'F32', 'F64', 'I64']
NP = {'F64': '<f8', 'F32': '<f4', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4', 'I16': '<i2',
      'I8': 'i1', 'U8': 'u1', 'BOOL': '?'}

def reference_bytes(entries, metadata):
    """entries: (name, code, shape, raw bytes); ordered by enum rank descending, then name."""
    entries = sorted(entries, key=lambda e: (-ENUM_ORDER.index(e[1]), e[0].encode('utf-8')))
    header = {}
    if metadata is not None:
        header['__metadata__'] = {k: metadata[k] for k in sorted(metadata, key=lambda k: k.encode('utf-8'))}
    offset = 0
    for name, code, shape, raw in entries:
        header[name] = {'dtype': code, 'shape': list(shape), 'data_offsets': [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(e[3] for e in entries)

def as_array(code, shape, values):
    """The values as the dtype stores them (half floats rounded by numpy / torch)."""
    if code == 'BF16':
        return torch.tensor(values, dtype=torch.float32).to(torch.bfloat16).reshape(shape)
    if code == 'I64':
        values = [int(v) for v in values]
    if code == 'F16':  # via float32, as Strand builds half floats
        return np.array(values, dtype='<f4').astype('<f2').reshape(shape)
    return np.array(values, dtype=NP[code]).reshape(shape)

def raw(code, array):
    if code == 'BF16':
        return array.reshape(-1).view(torch.int16).numpy().astype('<i2').tobytes()
    return np.ascontiguousarray(array).tobytes()

def plain(code, array):
    if code == 'BF16':
        return array.reshape(-1).float().tolist()
    flat = np.asarray(array).reshape(-1)
    if code == 'I64':
        return [str(int(v)) for v in flat]
    if code in ('F64', 'F32', 'F16'):
        return [float(v) for v in flat]
    return [int(v) for v in flat]

def read_file(path):
    """A minimal reader following the spec: header entries, numpy.frombuffer / torch.frombuffer."""
    data = open(path, 'rb').read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n].decode('utf-8'))
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        b, e = info['data_offsets']
        chunk = body[b:e]
        if info['dtype'] == 'BF16':
            t = torch.frombuffer(bytearray(chunk), dtype=torch.bfloat16) if len(chunk) else torch.zeros(0, dtype=torch.bfloat16)
            array = t.reshape(info['shape'])
        else:
            array = np.frombuffer(chunk, dtype=NP[info['dtype']]).reshape(info['shape'])
        out[name] = {'dtype': info['dtype'], 'shape': info['shape'], 'values': plain(info['dtype'], array)}
    return out, header.get('__metadata__'), list(header.keys())
`;

/** Known inputs covering every dtype, a 0-d scalar, an empty tensor and names that need escaping. */
const INTEROP: Record<string, Spec> = {
  'conv1.weight': { dtype: 'F32', shape: [2, 2, 3], values: [0.5, -1.5, 2.25, 1 / 3, -0.75, 1e-30, 3e38, -7, 8, 0.1, 0.2, 0.3] },
  'conv1.bias': { dtype: 'F64', shape: [2], values: [Math.PI, -1e-300] },
  'counter': { dtype: 'I64', shape: [], values: ['-9007199254740993'] },
  'ids': { dtype: 'I64', shape: [3], values: ['0', '4611686018427387904', '-1'] },
  'labels': { dtype: 'I32', shape: [2, 2], values: [-2147483648, 2147483647, 0, 5] },
  'short': { dtype: 'I16', shape: [2], values: [-32768, 32767] },
  'tiny': { dtype: 'I8', shape: [2], values: [-128, 127] },
  'bytes': { dtype: 'U8', shape: [4], values: [0, 1, 128, 255] },
  'mask': { dtype: 'BOOL', shape: [3], values: [1, 0, 1] },
  // values that need rounding: both sides must round to nearest even the same way
  'half': { dtype: 'F16', shape: [2, 3], values: [0.1, 1 / 3, 65504, -2.5, 1e-7, 65519] },
  'brain': { dtype: 'BF16', shape: [4], values: [0.1, 1 / 3, 3e38, -1.00390625] },
  'scalar': { dtype: 'F32', shape: [], values: [2.5] },
  'empty': { dtype: 'F32', shape: [0, 4], values: [] },
  'empty.half': { dtype: 'F16', shape: [3, 0], values: [] },
  'ünïcode "quoted"\\\n\t\u0001\u007f\u2028🧬': { dtype: 'U8', shape: [1], values: [9] },
  // U+FF21 sorts before U+1F9EC by code point (the reference) but after it by UTF-16 unit
  'x\uff21': { dtype: 'U8', shape: [1], values: [10] },
  'x🧬': { dtype: 'U8', shape: [1], values: [11] },
  'a': { dtype: 'F32', shape: [1], values: [1] },
  'B': { dtype: 'F32', shape: [1], values: [2] },
};
const INTEROP_METADATA = { 'format': 'pt', 'é': 'ü\n"x"', 'Z': '' };

test('bytes equal the Python reference writer and Python reads our file back', (t) => {
  const dir = scratch();
  try {
    const path = join(dir, 'ours.safetensors');
    const tensors: Record<string, Tensor> = {};
    for (const [name, spec] of Object.entries(INTEROP)) tensors[name] = tensorOf(spec);
    saveSafetensors(path, tensors, INTEROP_METADATA);
    const ours = new Uint8Array(readFileSync(path));
    assertSameBytes(encodeSafetensors(tensors, INTEROP_METADATA), ours, 'encode vs save');

    const py = runPyTorch<{ reference: string; read: Record<string, Spec>; expected: Record<string, Spec>; metadata: unknown }>(
      `${PYTHON_REFERENCE}
entries, expected = [], {}
for name, spec in inputs['specs'].items():
    array = as_array(spec['dtype'], spec['shape'], spec['values'])
    entries.append((name, spec['dtype'], spec['shape'], raw(spec['dtype'], array)))
    expected[name] = {'dtype': spec['dtype'], 'shape': spec['shape'], 'values': plain(spec['dtype'], array)}
read, metadata, _ = read_file(inputs['path'])
result = {'reference': base64.b64encode(reference_bytes(entries, inputs['metadata'])).decode(),
          'read': read, 'expected': expected, 'metadata': metadata}
`,
      { specs: INTEROP, metadata: INTEROP_METADATA, path },
    );
    if (py === null) return t.skip('python3 with torch and numpy is not available');
    assert.deepEqual(py.metadata, INTEROP_METADATA);
    assert.deepEqual(py.read, py.expected);
    assertSameBytes(ours, new Uint8Array(Buffer.from(py.reference, 'base64')), 'Python reference writer');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reads a file from the Python reference writer (random arrays of every dtype)', (t) => {
  const dir = scratch();
  try {
    const path = join(dir, 'python.safetensors');
    const py = runPyTorch<{ expected: Record<string, Spec>; metadata: Record<string, string> }>(
      `${PYTHON_REFERENCE}
rng = np.random.default_rng(7)
arrays = {
    'f32': rng.standard_normal((3, 5)).astype('<f4'),
    'f64': rng.standard_normal((2, 2, 2)),
    'f16': rng.standard_normal(7).astype('<f2'),
    'i64': rng.integers(-2**62, 2**62, size=(4,), dtype=np.int64),
    'i32': rng.integers(-2**31, 2**31, size=(2, 3), dtype=np.int32),
    'i16': rng.integers(-2**15, 2**15, size=(5,), dtype=np.int16),
    'i8': rng.integers(-128, 128, size=(6,), dtype=np.int8),
    'u8': rng.integers(0, 256, size=(2, 4), dtype=np.uint8),
    'bool': rng.integers(0, 2, size=(3, 3)).astype(bool),
    'scalar': np.array(rng.standard_normal(), dtype='<f8'),
    'none': np.zeros((2, 0, 3), dtype='<i4'),
}
codes = {'f32': 'F32', 'f64': 'F64', 'f16': 'F16', 'i64': 'I64', 'i32': 'I32', 'i16': 'I16', 'i8': 'I8',
         'u8': 'U8', 'bool': 'BOOL', 'scalar': 'F64', 'none': 'I32'}
bf16 = torch.randn(3, 2, generator=torch.Generator().manual_seed(3)).to(torch.bfloat16)
entries = [(k, codes[k], list(a.shape), raw(codes[k], a)) for k, a in arrays.items()]
entries.append(('bf16', 'BF16', [3, 2], raw('BF16', bf16)))
metadata = {'producer': 'python', 'epoch': '3'}
open(inputs['path'], 'wb').write(reference_bytes(entries, metadata))
expected = {k: {'dtype': codes[k], 'shape': list(a.shape), 'values': plain(codes[k], a)} for k, a in arrays.items()}
expected['bf16'] = {'dtype': 'BF16', 'shape': [3, 2], 'values': plain('BF16', bf16)}
result = {'expected': expected, 'metadata': metadata}
`,
      { path },
    );
    if (py === null) return t.skip('python3 with torch and numpy is not available');
    const { tensors, metadata } = loadSafetensors(path);
    assert.deepEqual(metadata, py.metadata);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(py.expected).sort());
    for (const [name, spec] of Object.entries(py.expected)) {
      const got = tensors[name]!;
      assert.equal(got.dtype, CODES[spec.dtype], name);
      assert.deepEqual(got.shape, spec.shape, name);
      assert.deepEqual(valuesOf(got), spec.values, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('matches the official safetensors package when Python has it (optional)', (t) => {
  const probe = runPyTorch<boolean>('import importlib.util\nresult = importlib.util.find_spec("safetensors") is not None');
  if (probe !== true) return t.skip('the safetensors Python package is not installed');
  // One metadata key: the package writes several in hash-map (random) order.
  const metadata = { 'format': 'pt' };
  const tensors: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(INTEROP)) tensors[name] = tensorOf(spec);
  const ours = encodeSafetensors(tensors, metadata);
  const py = runPyTorch<{ bytes: string; read: Record<string, Spec> }>(
    `${PYTHON_REFERENCE}
from safetensors.torch import save, load
ours = base64.b64decode(inputs['ours'])
loaded = load(ours)
read = {}
for name, t in loaded.items():
    code = {torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64',
            torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8', torch.bool: 'BOOL'}[t.dtype]
    read[name] = {'dtype': code, 'shape': list(t.shape), 'values': plain(code, t if code == 'BF16' else t.numpy())}
result = {'bytes': base64.b64encode(save(loaded, metadata=inputs['metadata'])).decode(), 'read': read}
`,
    { ours: Buffer.from(ours).toString('base64'), metadata },
  );
  assert.ok(py !== null);
  assertSameBytes(ours, new Uint8Array(Buffer.from(py.bytes, 'base64')), 'safetensors package');
  for (const [name, t2] of Object.entries(tensors)) assert.deepEqual(py.read[name]!.values, valuesOf(t2), name);
});

// ---------------------------------------------------------------------------------------
// malformed files
// ---------------------------------------------------------------------------------------

const W = '"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}';
const EIGHT = [0, 0, 128, 63, 0, 0, 32, 192];

test('every malformed file gives a FormatError naming the file and the field', () => {
  const src = 'bad.safetensors';
  const lengthOnly = (n: bigint, extra: number[] = []): Uint8Array => {
    const b = Buffer.alloc(8 + extra.length);
    b.writeBigUInt64LE(n, 0);
    b.set(extra, 8);
    return new Uint8Array(b);
  };
  const cases: [string, Uint8Array, string | RegExp, RegExp?][] = [
    ['empty file', new Uint8Array(0), 'header length', /shorter than the 8-byte/],
    ['5-byte file', new Uint8Array([1, 0, 0, 0, 0]), 'header length', /shorter/],
    ['header longer than the file', lengthOnly(64n, [123, 125]), 'header length', /past the end/],
    ['header over 100 MB', lengthOnly(200_000_000n, [123, 125]), 'header length', /limit/],
    ['header length 2^64-1', lengthOnly(2n ** 64n - 1n), 'header length', /limit/],
    ['header not JSON', fileOf('{"w": '), 'header', /not valid JSON/],
    ['header not UTF-8', lengthOnly(8n, [123, 34, 0xff, 0xfe, 34, 58, 49, 125]), 'header', /UTF-8/],
    ['header an array', fileOf('[1,2]'), 'header', /JSON object/],
    ['header null', fileOf('null'), 'header', /JSON object/],
    ['header a number', fileOf('42'), 'header', /JSON object/],
    ['header not beginning with {', fileOf(`\n{${W}}`, EIGHT), 'header', /begin with '\{'/],
    ['duplicate tensor name', fileOf(`{${W},${W}}`, EIGHT), 'header', /names "w" more than once/],
    ['duplicate name spelt with an escape', fileOf(`{${W},${W.replace('"w"', '"\\u0077"')}}`, EIGHT), 'header', /names "w" more than once/],
    ['duplicate metadata', fileOf(`{"__metadata__":{},${W},"__metadata__":{}}`, EIGHT), 'header', /names "__metadata__" more than once/],
    ['tensor not an object', fileOf('{"w":[1,2]}'), 'tensor "w"', /expected an object/],
    ['unknown dtype', fileOf('{"w":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".dtype', /unknown dtype "F33"/],
    ['dtype not a string', fileOf('{"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".dtype'],
    ['dtype missing', fileOf('{"w":{"shape":[2],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".dtype'],
    ['unsupported dtype', fileOf('{"w":{"dtype":"U16","shape":[4],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".dtype', /U16 is not supported/],
    ['shape not an array', fileOf('{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}', EIGHT), 'tensor "w".shape'],
    ['shape negative', fileOf('{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".shape'],
    ['shape fractional', fileOf('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".shape'],
    ['shape of strings', fileOf('{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".shape'],
    ['shape missing', fileOf('{"w":{"dtype":"F32","data_offsets":[0,8]}}', EIGHT), 'tensor "w".shape'],
    ['offsets missing', fileOf('{"w":{"dtype":"F32","shape":[2]}}', EIGHT), 'tensor "w".data_offsets'],
    ['offsets of 3', fileOf('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}', EIGHT), 'tensor "w".data_offsets'],
    ['offsets negative', fileOf('{"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}', EIGHT), 'tensor "w".data_offsets'],
    ['offsets reversed', fileOf('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', EIGHT), 'tensor "w".data_offsets', /before begin/],
    ['size mismatch', fileOf('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".data_offsets', /needs 12/],
    ['dtype size mismatch', fileOf('{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".data_offsets', /needs 16/],
    [
      'overflowing shape',
      fileOf('{"w":{"dtype":"F32","shape":[4294967296,4294967296,0.5],"data_offsets":[0,8]}}', EIGHT),
      'tensor "w".shape',
    ],
    ['huge shape', fileOf('{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}', EIGHT), 'tensor "w".data_offsets'],
    ['out of range', fileOf('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', EIGHT), 'tensor "w".data_offsets', /out of range/],
    ['begins late (gap at the start)', fileOf('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', EIGHT), 'tensor "w".data_offsets', /gap of 4 bytes/],
    [
      'overlap',
      fileOf('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', EIGHT),
      'tensor "b".data_offsets',
      /overlaps tensor "a"/,
    ],
    [
      'gap between tensors',
      fileOf('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}}', EIGHT),
      'tensor "b".data_offsets',
      /gap of 2 bytes after tensor "a"/,
    ],
    ['trailing bytes', fileOf(`{${W}}`, [...EIGHT, 1, 2, 3]), 'data', /3 bytes after the last tensor/],
    ['data but no tensors', fileOf('{}', [1, 2]), 'data'],
    ['metadata value a number', fileOf(`{"__metadata__":{"epoch":3},${W}}`, EIGHT), '__metadata__.epoch', /string/],
    ['metadata value null', fileOf(`{"__metadata__":{"k":null},${W}}`, EIGHT), '__metadata__.k'],
    ['metadata an array', fileOf(`{"__metadata__":["a"],${W}}`, EIGHT), '__metadata__'],
    ['metadata a string', fileOf(`{"__metadata__":"x",${W}}`, EIGHT), '__metadata__'],
    ['BOOL byte 2', fileOf('{"m":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}', [1, 2]), 'tensor "m"', /byte 2/],
  ];
  for (const [what, bytes, field, problem] of cases) {
    assert.doesNotThrow(() => {
      assertFormatError(() => decodeSafetensors(bytes, src), src, field, problem);
    }, what);
  }
  // The reader is still usable afterwards.
  const ok = decodeSafetensors(fileOf(`{${W}}`, EIGHT), src);
  assert.deepEqual(ok.tensors.w!.toArray(), [1, -2.5]);
});

test('loadSafetensors names the path in its errors and reads a valid file chunk by chunk', () => {
  const dir = scratch();
  try {
    const bad = join(dir, 'truncated.safetensors');
    const good = fileOf(`{${W},"m":{"dtype":"BOOL","shape":[2],"data_offsets":[8,10]}}`, [...EIGHT, 1, 0]);
    writeFileSync(bad, good.subarray(0, good.length - 3));
    assertFormatError(() => loadSafetensors(bad), bad, /tensor "m"\.data_offsets|tensor "w"\.data_offsets/, /out of range/);
    const short = join(dir, 'short.safetensors');
    writeFileSync(short, new Uint8Array([3, 0, 0]));
    assertFormatError(() => loadSafetensors(short), short, 'header length');
    const fine = join(dir, 'fine.safetensors');
    writeFileSync(fine, good);
    const { tensors } = loadSafetensors(fine);
    assert.deepEqual(tensors.w!.toArray(), [1, -2.5]);
    assert.equal(tensors.m!.dtype, 'bool');
    assert.deepEqual(tensors.m!.toArray(), [1, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readSafetensorsHeader gives names, dtypes and shapes in data order without reading the data, with the same checks', () => {
  const dir = scratch();
  try {
    const path = join(dir, 'w.safetensors');
    writeFileSync(path, fileOf(`{"m":{"dtype":"BOOL","shape":[2],"data_offsets":[8,10]},${W},"__metadata__":{"k":"v"}}`, [...EIGHT, 1, 7]));
    assert.deepEqual(readSafetensorsHeader(path), {
      tensors: [{ name: 'w', dtype: 'float32', shape: [2] }, { name: 'm', dtype: 'bool', shape: [2] }],
      metadata: { k: 'v' },
    });
    writeFileSync(path, fileOf(`{${W},"v":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, [...EIGHT, 0, 0, 0, 0]));
    assertFormatError(() => readSafetensorsHeader(path), path, 'tensor "v".data_offsets', /overlaps tensor "w"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tolerated variants: metadata null, unsorted header entries, empty tensors sharing an offset', () => {
  const header =
    '{"z":{"dtype":"U8","shape":[2],"data_offsets":[8,10]},"__metadata__":null,' +
    '"e1":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},"e2":{"dtype":"I64","shape":[5,0],"data_offsets":[8,8]},' +
    `${W}}`;
  const { tensors, metadata } = decodeSafetensors(fileOf(header, [...EIGHT, 5, 6]));
  assert.deepEqual(metadata, {});
  assert.deepEqual(Object.keys(tensors), ['w', 'e1', 'e2', 'z']);
  assert.deepEqual(tensors.e2!.shape, [5, 0]);
  assert.equal(tensors.e2!.dtype, 'int64');
  assert.deepEqual(tensors.z!.toArray(), [5, 6]);
});

test('a tensor named __proto__ is an ordinary entry', () => {
  const bytes = fileOf('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [3]);
  const { tensors } = decodeSafetensors(bytes);
  assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
  assert.deepEqual(Object.keys(tensors), ['__proto__']);
  assert.deepEqual(tensors['__proto__']!.toArray(), [3]);
});

test('the writer rejects bad arguments with InputError', () => {
  const ok = tensor(new Float32Array([1]));
  const disposed = tensor(new Float32Array([1]));
  disposed.dispose();
  assert.throws(() => encodeSafetensors({ __metadata__: ok }), InputError);
  assert.throws(() => encodeSafetensors({ x: disposed }), InputError);
  assert.throws(() => encodeSafetensors({ x: [1, 2] as unknown as Tensor }), InputError);
  assert.throws(() => encodeSafetensors({ ['bad\ud800']: ok }), InputError);
  assert.throws(() => encodeSafetensors({ x: ok }, { epoch: 3 as unknown as string }), InputError);
  assert.throws(() => encodeSafetensors(null as unknown as Record<string, Tensor>), InputError);
});

test('writes views, transposes and tensors that require grad as their row-major values', () => {
  const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]).requiresGrad_();
  const h = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]).toDType('float16').requiresGrad_();
  const viaTranspose = encodeSafetensors({ x: x.t(), h: h.t() });
  // [[1, 2, 3], [4, 5, 6]] transposed is [[1, 4], [2, 5], [3, 6]].
  const t = new Float32Array([1, 4, 2, 5, 3, 6]);
  const direct = encodeSafetensors({ x: tensor(t, [3, 2]), h: tensor(t, [3, 2]).toDType('float16') });
  assertSameBytes(viaTranspose, direct, 'transposed');
  const back = decodeSafetensors(viaTranspose).tensors;
  assert.deepEqual(back.h!.toArray(), Array.from(t));
  assert.deepEqual(back.h!.shape, [3, 2]);
  assert.equal(back.h!.requiresGrad, false);
});

test('decodes from a Node Buffer at an unaligned offset and leaves it untouched', () => {
  const file = fileOf('{"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}', [...Buffer.from(new Float64Array([0.25, -3]).buffer)]);
  const unaligned = Buffer.from([0, ...file]).subarray(1);
  assert.notEqual(unaligned.byteOffset % 8, 0);
  const before = Buffer.from(unaligned);
  assert.deepEqual(decodeSafetensors(unaligned).tensors.d!.toArray(), [0.25, -3]);
  assert.deepEqual(unaligned, before);
});

test('tensors loaded inside tidy() survive when returned', () => {
  const bytes = fileOf(`{${W}}`, EIGHT);
  const { tensors } = tidy(() => decodeSafetensors(bytes));
  assert.equal(tensors.w!.isDisposed, false);
  assert.deepEqual(tensors.w!.toArray(), [1, -2.5]);
});

class Leaf extends Module {
  constructor(bias: number[]) {
    super();
    this.registerParameter('bias', tensor(Float32Array.from(bias)));
  }
}

class Tiny extends Module {
  constructor(weight: number[], bias: number[], steps: bigint) {
    super();
    this.registerParameter('weight', tensor(Float32Array.from(weight), [2, 2]));
    this.registerBuffer('steps', tensor(new BigInt64Array([steps]), []));
    this.registerModule('head', new Leaf(bias));
  }
}

test('module weights round-trip under PyTorch state-dict names', () => {
  const dir = scratch();
  try {
    const path = join(dir, 'model.safetensors');
    const source = new Tiny([1, 2, 3, 4], [0.5, -0.5], 7n);
    saveModuleWeights(path, source, { arch: 'tiny' });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    const raw = loadSafetensors(path);
    assert.deepEqual(Object.keys(raw.tensors).sort(), ['head.bias', 'steps', 'weight']);

    const target = new Tiny([0, 0, 0, 0], [0, 0], 0n);
    const result = loadModuleWeights(path, target);
    assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [], metadata: { arch: 'tiny' } });
    assert.deepEqual(target.getParameter('weight').toArray(), [1, 2, 3, 4]);
    assert.equal(target.getParameter('weight').requiresGrad, true);
    assert.deepEqual(target.getBuffer('steps').toArray(), [7]);
    assert.deepEqual(target.children()[0]!.getParameter('bias').toArray(), [0.5, -0.5]);

    // A file with an extra tensor: strict refuses (nothing copied), non-strict reports it.
    saveSafetensors(path, { ...source.stateDict(), extra: tensor(new Float32Array([1])) });
    const fresh = new Tiny([9, 9, 9, 9], [9, 9], 9n);
    assert.throws(() => loadModuleWeights(path, fresh), InputError);
    assert.deepEqual(fresh.getParameter('weight').toArray(), [9, 9, 9, 9]);
    assert.deepEqual(loadModuleWeights(path, fresh, { strict: false }).unexpectedKeys, ['extra']);
    assert.deepEqual(fresh.getParameter('weight').toArray(), [1, 2, 3, 4]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------
// atomic saving
// ---------------------------------------------------------------------------------------

test('saveSafetensors writes only the target, replaces it whole and cleans up after a failure', () => {
  const dir = scratch();
  try {
    const path = join(dir, 'model.safetensors');
    const a = tensor(new Float32Array([1, 2, 3]));
    saveSafetensors(path, { a });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    assert.deepEqual(loadSafetensors(path).tensors.a!.toArray(), [1, 2, 3]);

    const before = readFileSync(path);
    saveSafetensors(path, { a, b: tensor(new Int32Array([4])) }, { v: '2' });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    const after = loadSafetensors(path);
    assert.deepEqual(Object.keys(after.tensors).sort(), ['a', 'b']);
    assert.deepEqual(after.metadata, { v: '2' });

    // A failed argument check leaves the existing file alone.
    const disposed = tensor(new Float32Array([1]));
    disposed.dispose();
    const current = readFileSync(path);
    assert.throws(() => saveSafetensors(path, { x: disposed }), InputError);
    assert.deepEqual(readFileSync(path), current);
    assert.notDeepEqual(current, before);
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);

    // A failure after the temporary file is written (rename onto a folder) removes it.
    const folder = join(dir, 'taken');
    mkdirSync(folder);
    assert.throws(() => saveSafetensors(folder, { a }));
    assert.deepEqual(readdirSync(dir).sort(), ['model.safetensors', 'taken']);
    assert.deepEqual(readdirSync(folder), []);

    // A missing folder is an error, not a crash.
    assert.throws(() => saveSafetensors(join(dir, 'nope', 'x.safetensors'), { a }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Runs a child that saves `count` float32 tensors of 1 MB to dir/big.safetensors. With
 * `kill`, kills it (SIGKILL, no clean-up possible) as soon as a non-empty temporary file shows up.
 */
async function saveInChild(dir: string, count: number, kill: boolean): Promise<{ killed: boolean }> {
  const script = `
    import { tensor } from ${JSON.stringify(new URL('../../src/core/index.js', import.meta.url).href)};
    import { saveSafetensors } from ${JSON.stringify(moduleUrl)};
    const tensors = {};
    for (let i = 0; i < ${count}; i++) tensors['t' + i] = tensor(new Float32Array(262144).fill(i));
    saveSafetensors(${JSON.stringify(join(dir, 'big.safetensors'))}, tensors);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let killed = false;
  while (kill && child.exitCode === null && child.signalCode === null) {
    const temporary = readdirSync(dir).filter((f) => f !== 'big.safetensors');
    if (temporary.length > 0 && (statSync(join(dir, temporary[0]!), { throwIfNoEntry: false })?.size ?? 0) > 0) {
      killed = child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setImmediate(r));
  }
  const code = await exited;
  if (!killed) assert.equal(code, 0, 'the saving child failed');
  return { killed };
}

test('an interrupted save never leaves a partial file under the real name', async () => {
  const dir = scratch();
  try {
    const target = join(dir, 'big.safetensors');
    let observed = false;
    for (let attempt = 1; attempt <= 4 && !observed; attempt++) {
      const count = 64 * attempt;
      await saveInChild(dir, count, true);
      const temporary = readdirSync(dir).filter((f) => f !== 'big.safetensors');
      if (existsSync(target)) {
        // The save won the race: the file under the real name must be complete, with no leftovers.
        assert.deepEqual(temporary, []);
        assert.equal(Object.keys(loadSafetensors(target).tensors).length, count);
      } else {
        // Killed mid-write: the partial bytes exist only under the temporary name.
        assert.equal(temporary.length, 1);
        assert.match(temporary[0]!, /^\.big\.safetensors\..*\.tmp$/);
        assert.ok(statSync(join(dir, temporary[0]!)).size < 8 + count * 1048576 + 8192);
        observed = true;
      }
      for (const f of readdirSync(dir)) rmSync(join(dir, f));
    }
    assert.ok(observed, 'never caught a save in progress');

    // Left to finish: a complete file and nothing else.
    await saveInChild(dir, 3, false);
    assert.deepEqual(readdirSync(dir), ['big.safetensors']);
    const { tensors } = loadSafetensors(target);
    assert.deepEqual(Object.keys(tensors).sort(), ['t0', 't1', 't2']);
    assert.deepEqual(tensors.t2!.shape, [262144]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
