/**
 * `strand export --onnx`: onnxruntime-node (its CPU binary ships in the package) runs the exported
 * graph and agrees with the libtorch forward within 1e-5 at two batch sizes: the USF1 DeepBind
 * fixture (max pooling chain), DanQ (a bidirectional LSTM), a Basset with non-trivial BatchNorm statistics (folded into its
 * convolutions), and a custom layer
 * list with every other supported layer; each file passes onnx.checker (full check, where
 * python3-onnx is installed). A model that is not a layer chain is one clear line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { inferenceMode, manualSeed, tensor, tidy } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { createModel } from '../../src/models/registry.js';
import { describeModel, loadModel, saveModel } from '../../src/models/saved-model.js';
import type { Module } from '../../src/nn/index.js';
import * as ops from '../../src/ops/index.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const usf1 = fileURLToPath(new URL('../../../test/fixtures/models/deepbind-usf1', import.meta.url));
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'strand-onnx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function oneHotBatch(n: number, length: number, seed: number): Float32Array {
  const random = new Random(seed);
  const x = new Float32Array(n * 4 * length);
  for (let i = 0; i < n; i++) for (let j = 0; j < length; j++) x[(i * 4 + random.int(4)) * length + j] = 1;
  return x;
}

const pythonOnnx = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;

/** onnx.checker (Debian's python3-onnx) with shape inference, when installed (make test installs it). */
function checkWithOnnx(onnxPath: string): void {
  if (!pythonOnnx) {
    assert.notEqual(process.env.CI, 'true', 'python3-onnx is missing under CI');
    return;
  }
  const r = spawnSync('/usr/bin/python3', ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', onnxPath], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function compare(modelDir: string, onnxPath: string, lengths: readonly number[]): Promise<void> {
  const r = strand('export', '--model', modelDir, '--onnx', onnxPath);
  assert.equal(r.status, 0, r.stderr);
  checkWithOnnx(onnxPath);
  const session = await ort.InferenceSession.create(onnxPath);
  const saved = loadModel(modelDir);
  try {
    for (const length of lengths) {
      for (const n of [1, 5]) {
        const x = oneHotBatch(n, length, n * 31 + length);
        const expected = tidy(() => inferenceMode(() => Float32Array.from((saved.model as Module & { forward(t: ReturnType<typeof tensor>): ReturnType<typeof tensor> }).forward(tensor(x, [n, 4, length])).contiguous().data<Float32Array>())));
        const got = (await session.run({ x: new ort.Tensor('float32', x, [n, 4, length]) })).y!;
        assert.equal(got.dims[0], n);
        const values = got.data as Float32Array;
        assert.equal(values.length, expected.length);
        const scale = Math.max(1, ...Array.from(expected, Math.abs));
        let worst = 0;
        for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - expected[i]!));
        assert.ok(worst <= 1e-5 * scale, `${modelDir} length ${length} batch ${n}: largest difference ${worst}`);
      }
    }
  } finally {
    saved.model.dispose();
  }
}

test('DeepBind (USF1 fixture): onnxruntime equals libtorch at batch 1 and 5', async () => {
  await compare(usf1, join(dir, 'usf1.onnx'), [101]);
});

test('Basset with trained-looking BatchNorm statistics', async () => {
  manualSeed(2);
  const options = { length: 200, tasks: 3 };
  const model = createModel('basset', options);
  // Running statistics away from 0 / 1, so BatchNormalization is really exercised.
  const state = model.stateDict();
  const updates: Record<string, ReturnType<typeof ops.rand>> = {};
  for (const [k, t] of Object.entries(state)) {
    if (k.endsWith('running_mean')) updates[k] = ops.rand([...t.shape]).sub(0.5);
    if (k.endsWith('running_var')) updates[k] = ops.rand([...t.shape]).add(0.5);
  }
  model.loadStateDict(updates, { strict: false });
  const modelDir = join(dir, 'basset');
  saveModel(modelDir, model.eval(), describeModel({ architecture: { name: 'basset', options }, input: { kind: 'sequence', length: 200 }, task: { kind: 'binary', outputs: ['a', 'b', 'c'] } }));
  model.dispose();
  await compare(modelDir, join(dir, 'basset.onnx'), [200]);
  // The three convolutions' BatchNorms are folded into them; the two after Linear layers stay.
  const graph = onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, 'basset.onnx'))).graph!;
  const ops_ = graph.node!.map((n) => n.opType);
  assert.equal(ops_.filter((o) => o === 'Conv').length, 3);
  assert.equal(ops_.filter((o) => o === 'BatchNormalization').length, 2);
  assert.equal(ops_[0], 'Conv');
  assert.equal(ops_[1], 'Relu', 'the first BatchNorm folded into the first Conv');
});

test('DanQ: its bidirectional LSTM as ONNX LSTM (gates reordered) equals libtorch', async () => {
  manualSeed(5);
  const options = { length: 100, tasks: 3, filters: 8, kernel: 9, pool: 5, hidden: 6, dense: 10 };
  const model = createModel('danq', options);
  const modelDir = join(dir, 'danq');
  saveModel(modelDir, model.eval(), describeModel({ architecture: { name: 'danq', options }, input: { kind: 'sequence', length: 100 }, task: { kind: 'binary', outputs: ['a', 'b', 'c'] } }));
  model.dispose();
  await compare(modelDir, join(dir, 'danq.onnx'), [100]);
  const graph = onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, 'danq.onnx'))).graph!;
  assert.equal(graph.node!.filter((n) => n.opType === 'LSTM').length, 1);
});

test('custom layer lists with recurrent layers: a 2-layer bidirectional LSTM (sequence) and a bidirectional GRU (last state)', async () => {
  manualSeed(6);
  const options = {
    channels: 4,
    length: 60,
    layers: [
      { type: 'conv1d', filters: 6, kernel: 5 },
      'relu',
      { type: 'maxpool', size: 4 },
      { type: 'lstm', hidden: 5, layers: 2, bidirectional: true },
      { type: 'gru', hidden: 4, bidirectional: true, output: 'last' },
      { type: 'linear', units: 2 },
    ],
  };
  const model = createModel('custom', options);
  const modelDir = join(dir, 'recurrent');
  saveModel(modelDir, model.eval(), describeModel({ architecture: { name: 'custom', options }, input: { kind: 'sequence', length: 60 }, task: { kind: 'regression', outputs: ['p', 'q'] } }));
  model.dispose();
  await compare(modelDir, join(dir, 'recurrent.onnx'), [60]);
  const ops_ = onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, 'recurrent.onnx'))).graph!.node!.map((n) => n.opType);
  assert.equal(ops_.filter((o) => o === 'LSTM').length, 2);
  assert.equal(ops_.filter((o) => o === 'GRU').length, 1);
});

test('a profile model (BPNet): the profile and counts heads both equal libtorch', async () => {
  manualSeed(8);
  const options = { tasks: 2, filters: 8, stemKernel: 7, layers: 3, profileKernel: 9, crop: 6 };
  const model = createModel('bpnet', options);
  const modelDir = join(dir, 'bpnet');
  saveModel(modelDir, model.eval(), describeModel({ architecture: { name: 'bpnet', options }, input: { kind: 'sequence', length: 80 }, task: { kind: 'profile', outputs: ['plus', 'minus'] } }));
  model.dispose();
  const onnxPath = join(dir, 'bpnet.onnx');
  const r = strand('export', '--model', modelDir, '--onnx', onnxPath);
  assert.equal(r.status, 0, r.stderr);
  checkWithOnnx(onnxPath);
  const session = await ort.InferenceSession.create(onnxPath);
  const saved = loadModel(modelDir);
  for (const n of [1, 3]) {
    const x = oneHotBatch(n, 80, n);
    const expected = tidy(() =>
      inferenceMode(() => {
        const y = (saved.model as unknown as { forward(t: ReturnType<typeof tensor>): { profile: ReturnType<typeof tensor>; counts: ReturnType<typeof tensor> } }).forward(tensor(x, [n, 4, 80]));
        return { profile: Float32Array.from(y.profile.contiguous().data<Float32Array>()), counts: Float32Array.from(y.counts.contiguous().data<Float32Array>()) };
      }),
    );
    const got = await session.run({ x: new ort.Tensor('float32', x, [n, 4, 80]) });
    assert.deepEqual(got.profile!.dims, [n, 2, 68]);
    for (const head of ['profile', 'counts'] as const) {
      const a = got[head]!.data as Float32Array;
      const b = expected[head];
      assert.equal(a.length, b.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      assert.ok(worst <= 1e-5 * Math.max(1, ...Array.from(b, Math.abs)), `${head} batch ${n}: ${worst}`);
    }
  }
  saved.model.dispose();
});

test('a custom layer list (padding, GELU, ELU, SiLU, average and global pooling)', async () => {
  manualSeed(3);
  const options = {
    channels: 4,
    length: 120,
    layers: [
      { type: 'conv1d', filters: 8, kernel: 5, padding: 'same' },
      'gelu',
      { type: 'conv1d', filters: 8, kernel: 3, dilation: 2 },
      { type: 'elu', alpha: 0.7 },
      { type: 'avgpool', size: 2 },
      'silu',
      { type: 'maxpool', size: 2, padding: 1 },
      'globalmaxpool',
      { type: 'linear', units: 2 },
      'tanh',
    ],
  };
  const model = createModel('custom', options);
  const modelDir = join(dir, 'custom');
  saveModel(modelDir, model.eval(), describeModel({ architecture: { name: 'custom', options }, input: { kind: 'sequence', length: 120 }, task: { kind: 'regression', outputs: ['u', 'v'] } }));
  model.dispose();
  await compare(modelDir, join(dir, 'custom.onnx'), [120]);
});

test('a model that is not a layer chain is refused in one line', () => {
  const r = strand('export', '--model', usf1, '--onnx', join(dir, 'x.txt'));
  assert.match(r.stderr.trim(), /^strand: error: --onnx must name a \.onnx file, got '.*x\.txt'$/);
  manualSeed(1);
  const options = { vocabSize: 9, dim: 8, dilations: [1] };
  const lm = createModel('conv-lm', options);
  const lmDir = join(dir, 'lm');
  saveModel(lmDir, lm, describeModel({ architecture: { name: 'conv-lm', options }, input: { kind: 'tokens', alphabet: 'ACGT', length: 50 }, task: { kind: 'masked-lm', outputs: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'A', 'C', 'G', 'T'] }, tokenizer: { kind: 'nucleotide' } }));
  lm.dispose();
  const refused = strand('export', '--model', lmDir, '--onnx', join(dir, 'lm.onnx'));
  assert.notEqual(refused.status, 0);
  assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
});
