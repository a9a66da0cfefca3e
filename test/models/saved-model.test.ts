/**
 * A saved model folder from someone else is untrusted input: every malformed model.json or
 * model.safetensors, and every mismatch between them, is refused with one line naming the file
 * and what is wrong, before any weight is loaded. One table of crafted folders, run against
 * loadModel.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FormatError, InputError } from '../../src/core/index.js';
import { createModel } from '../../src/models/registry.js';
import { describeModel, loadModel, saveModel } from '../../src/models/saved-model.js';

const OPTIONS = { tasks: 1, filters: 4, kernel: 3 };
/** deepbind with OPTIONS: its state dict (names, safetensors dtype codes, shapes). */
const TENSORS: readonly TensorSpec[] = [
  { name: 'conv.weight', dtype: 'F32', shape: [4, 4, 3] },
  { name: 'conv.bias', dtype: 'F32', shape: [4] },
  { name: 'hidden.weight', dtype: 'F32', shape: [32, 4] },
  { name: 'hidden.bias', dtype: 'F32', shape: [32] },
  { name: 'output.weight', dtype: 'F32', shape: [1, 32] },
  { name: 'output.bias', dtype: 'F32', shape: [1] },
];
const ITEM_SIZE: Record<string, number> = { F32: 4, F64: 8, I64: 8, U8: 1 };

interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
  /** Default: right after the previous tensor, as long as dtype x shape needs. */
  offsets?: [number, number];
}

let dir = '';
let validJson: Record<string, unknown> = {};

/** A safetensors file from a header text (padded to 8 bytes) and `dataBytes` zero bytes. */
function fileOf(header: string, dataBytes: number): Buffer {
  const json = Buffer.from(header.padEnd(Math.ceil(Buffer.byteLength(header) / 8) * 8, ' '), 'utf8');
  const out = Buffer.alloc(8 + json.length + dataBytes);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  return out;
}

/** A safetensors file declaring `specs`, with as many data bytes as they cover (or `dataBytes`). */
function weightsOf(specs: readonly TensorSpec[], dataBytes?: number): Buffer {
  let at = 0;
  const entries = specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1) * (ITEM_SIZE[s.dtype] ?? 4);
    const offsets = s.offsets ?? [at, at + size];
    at = Math.max(at, offsets[1]);
    return `${JSON.stringify(s.name)}:{"dtype":"${s.dtype}","shape":${JSON.stringify(s.shape)},"data_offsets":${JSON.stringify(offsets)}}`;
  });
  return fileOf(`{${entries.join(',')}}`, dataBytes ?? at);
}

const withTensor = (name: string, change: Partial<TensorSpec>): TensorSpec[] => TENSORS.map((t) => (t.name === name ? { ...t, ...change } : t));
const headerLengthOnly = (n: bigint, rest: number[]): Buffer => Buffer.concat([Buffer.from(new BigUint64Array([n]).buffer), Buffer.from(rest)]);

/** A bad folder: model.json as an object or text, model.safetensors as bytes; the valid one where not given. */
interface BadCase {
  what: string;
  json?: (valid: Record<string, unknown>) => unknown;
  jsonText?: string;
  weights?: Buffer;
  /** The one-line message, after the folder's path. */
  message: RegExp;
}

const withArchitecture = (v: Record<string, unknown>, architecture: unknown) => ({ ...v, architecture });
const CASES: BadCase[] = [
  // model.json
  { what: 'model.json not JSON', jsonText: '{"format": ', message: /model\.json: not valid JSON/ },
  { what: 'model.json an array', jsonText: '[1]', message: /model\.json: expected object, got \[1\]/ },
  { what: 'unknown top-level field', json: (v) => ({ ...v, weights: 'evil.pt' }), message: /model\.json: weights: unknown field$/ },
  { what: 'unknown nested field', json: (v) => withArchitecture(v, { name: 'deepbind', options: OPTIONS, code: 'x' }), message: /model\.json: architecture\.code: unknown field$/ },
  { what: 'missing field', json: ({ task: _task, ...rest }) => rest, message: /model\.json: task: missing \(expected object\)$/ },
  { what: 'missing nested field', json: (v) => withArchitecture(v, { options: OPTIONS }), message: /model\.json: architecture\.name: missing \(expected string\)$/ },
  { what: 'wrong type', json: (v) => ({ ...v, input: { kind: 'sequence', length: '60' } }), message: /model\.json: input\.length: expected number, got "60"$/ },
  { what: 'wrong format', json: (v) => ({ ...v, format: 'strand-model/9' }), message: /model\.json: format: expected 'strand-model\/1', got "strand-model\/9"$/ },
  {
    what: 'unknown architecture',
    json: (v) => withArchitecture(v, { name: 'deepbnd', options: OPTIONS }),
    message: /model\.json: architecture\.name: unknown architecture 'deepbnd' \(known: [a-z-, ]*basset[a-z-, ]*deepbind[a-z-, ]*\) \(did you mean 'deepbind'\?\)$/,
  },
  { what: 'bad architecture option', json: (v) => withArchitecture(v, { name: 'deepbind', options: { ...OPTIONS, filters: -3 } }), message: /model\.json: architecture\.options\.filters: expected a positive integer, got -3$/ },
  { what: 'unknown architecture option', json: (v) => withArchitecture(v, { name: 'deepbind', options: { ...OPTIONS, filterz: 3 } }), message: /model\.json: architecture\.options\.filterz: unknown field/ },
  // model.safetensors: the format
  { what: 'header length past the end', weights: headerLengthOnly(999n, [0x7b, 0x7d]), message: /model\.safetensors: header length: header length 999 runs past the end of the 10-byte file$/ },
  { what: 'header length over the limit', weights: headerLengthOnly(2n ** 63n, [0x7b, 0x7d]), message: /model\.safetensors: header length: header length 9223372036854775808 exceeds the 100000000-byte limit$/ },
  { what: 'header not JSON', weights: fileOf('{"conv.weight": {', 0), message: /model\.safetensors: header: header is not valid JSON/ },
  { what: 'header not an object', weights: fileOf('["conv.weight"]', 0), message: /model\.safetensors: header: expected a JSON object, got an array$/ },
  { what: 'header not beginning with {', weights: fileOf(' {}', 0), message: /model\.safetensors: header: expected the header to begin with '\{', got " "$/ },
  { what: 'entry not an object', weights: fileOf('{"conv.weight":[0,4]}', 0), message: /model\.safetensors: tensor "conv\.weight": expected an object with dtype, shape and data_offsets$/ },
  {
    what: 'duplicate tensor name',
    weights: fileOf('{"conv.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"conv\\u002ebias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4),
    message: /model\.safetensors: header: names "conv\.bias" more than once$/,
  },
  {
    what: 'offsets past the end',
    weights: weightsOf(withTensor('output.bias', { offsets: [976, 9999999] }), 980),
    message: /model\.safetensors: tensor "output\.bias"\.data_offsets: \[976, 9999999\] is out of range: it reaches past the end of the file \(980 bytes of data\)$/,
  },
  { what: 'offsets reversed', weights: weightsOf(withTensor('output.bias', { offsets: [980, 976] })), message: /tensor "output\.bias"\.data_offsets: end 976 is before begin 980$/ },
  {
    what: 'offsets overlapping',
    weights: weightsOf(withTensor('output.bias', { offsets: [972, 976] }), 976),
    message: /tensor "output\.bias"\.data_offsets: \[972, 976\] overlaps tensor "output\.weight" \(ends at 976\)$/,
  },
  {
    what: 'a hole between tensors',
    weights: weightsOf(withTensor('output.bias', { offsets: [980, 984] })),
    message: /tensor "output\.bias"\.data_offsets: \[980, 984\] leaves a gap of 4 bytes after tensor "output\.weight"$/,
  },
  { what: 'bytes after the last tensor', weights: weightsOf(TENSORS, 988), message: /model\.safetensors: data: 8 bytes after the last tensor belong to none$/ },
  {
    what: 'byte length not shape x dtype',
    weights: weightsOf(withTensor('conv.bias', { shape: [4], offsets: [192, 200] })),
    message: /tensor "conv\.bias"\.data_offsets: \[192, 200\] spans 8 bytes, but F32 shape \[4\] needs 16$/,
  },
  { what: 'unknown dtype', weights: weightsOf(withTensor('conv.bias', { dtype: 'F33' })), message: /tensor "conv\.bias"\.dtype: unknown dtype "F33" \(supported: BOOL, U8/ },
  { what: 'negative shape', weights: weightsOf(withTensor('conv.bias', { shape: [-4] })), message: /tensor "conv\.bias"\.shape: expected an array of non-negative integers, got \[-4\]$/ },
  { what: 'non-integer shape', weights: weightsOf(withTensor('conv.bias', { shape: [2.5] })), message: /tensor "conv\.bias"\.shape: expected an array of non-negative integers, got \[2\.5\]$/ },
  {
    what: 'shape whose product overflows',
    weights: weightsOf(withTensor('conv.bias', { shape: [2 ** 32, 2 ** 32, 2 ** 32], offsets: [192, 208] })),
    message: /tensor "conv\.bias"\.data_offsets: \[192, 208\] spans 16 bytes, but F32 shape \[4294967296, 4294967296, 4294967296\] needs 316912650057057350374175801344$/,
  },
  // model.safetensors against the architecture in model.json
  { what: 'missing tensor', weights: weightsOf(TENSORS.slice(0, 5)), message: /model\.safetensors: tensor 'output\.bias': missing \(the deepbind architecture needs float32 \[1\]\)$/ },
  {
    what: 'unexpected tensor',
    weights: weightsOf([...TENSORS, { name: 'extra.weight', dtype: 'F32', shape: [2] }]),
    message: /model\.safetensors: tensor 'extra\.weight': not part of the deepbind architecture$/,
  },
  {
    what: 'wrong shape',
    weights: weightsOf(withTensor('conv.weight', { shape: [4, 4, 5] })),
    message: /model\.safetensors: tensor 'conv\.weight': expected float32 \[4, 4, 3\], found float32 \[4, 4, 5\]$/,
  },
  {
    what: 'wrong dtype (and a second problem counted)',
    weights: weightsOf([...withTensor('conv.bias', { dtype: 'F64' }), { name: 'extra', dtype: 'U8', shape: [1] }]),
    message: /model\.safetensors: tensor 'conv\.bias': expected float32 \[4\], found float64 \[4\] \(and 1 more problem\)$/,
  },
];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'strand-saved-model-'));
  const model = createModel('deepbind', OPTIONS);
  const description = describeModel({ architecture: { name: 'deepbind', options: OPTIONS }, input: { kind: 'sequence', alphabet: 'ACGT', length: 20 }, task: { kind: 'binary', outputs: ['a'] } });
  saveModel(join(dir, 'valid'), model, description);
  model.dispose();
  validJson = JSON.parse(readFileSync(join(dir, 'valid', 'model.json'), 'utf8')) as Record<string, unknown>;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding the case's files (the valid ones where it gives none). */
function folderOf(c: BadCase, index: number): string {
  const folder = join(dir, `case-${index}`);
  mkdirSync(folder);
  writeFileSync(join(folder, 'model.json'), c.jsonText ?? JSON.stringify(c.json ? c.json(validJson) : validJson));
  writeFileSync(join(folder, 'model.safetensors'), c.weights ?? readFileSync(join(dir, 'valid', 'model.safetensors')));
  return folder;
}

test('the valid folder loads, and its tensors match the table the bad cases start from', () => {
  const { model, description } = loadModel(join(dir, 'valid'));
  try {
    assert.equal(description.architecture.name, 'deepbind');
    const state = Object.entries(model.stateDict()).map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
    assert.deepEqual(state, TENSORS.map((t) => ({ name: t.name, dtype: 'float32', shape: t.shape })));
  } finally {
    model.dispose();
  }
});

test('every malformed or mismatched saved model is one FormatError naming the file and the problem', () => {
  CASES.forEach((c, i) => {
    const folder = folderOf(c, i);
    assert.throws(
      () => loadModel(folder).model.dispose(),
      (err: unknown) => {
        assert.ok(err instanceof FormatError || err instanceof InputError, `${c.what}: expected a FormatError, got ${String(err)}`);
        assert.ok(!err.message.includes('\n'), `${c.what}: one line: ${err.message}`);
        assert.ok(err.message.startsWith(join(folder, 'model.')), `${c.what}: names the file: ${err.message}`);
        assert.match(err.message, c.message, c.what);
        return true;
      },
      c.what,
    );
  });
});

test('a folder without model.json is an InputError naming it', () => {
  assert.throws(() => loadModel(join(dir, 'nothing-here')), (err: unknown) => err instanceof InputError && /nothing-here is not a saved Strand model/.test(err.message));
});
