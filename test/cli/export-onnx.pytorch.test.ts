/**
 * Our ONNX export against PyTorch's own: the same networks written in PyTorch (test/models/
 * pytorch-zoo.ts) load our weights and go through `torch.onnx.export` (opset 17); onnxruntime-node
 * runs both files on the same one-hot inputs and they agree within 1e-5.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import ort from 'onnxruntime-node';
import { manualSeed } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { exportOnnx } from '../../src/export/onnx.js';
import { DeepBind, DeepSEA } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { writeFileSync } from 'node:fs';
import { runPython } from '../helpers/pytorch.js';
import { PY_MODELS } from '../models/pytorch-zoo.js';
import { PY_HELPERS, randomizeParameters, stateJson } from '../nn/torch-bridge.js';

const dir = mkdtempSync(join(tmpdir(), 'strand-onnx-torch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('torch.onnx.export of the same networks with our weights agrees with our export in onnxruntime', async (t) => {
  manualSeed(7);
  const jobs: { name: string; torch: string; ours: Module; length: number; outputs: number }[] = [
    { name: 'deepbind', torch: 'DeepBindRef(filters=6, kernel=5)', ours: new DeepBind({ filters: 6, kernel: 5 }), length: 30, outputs: 1 },
    { name: 'deepsea', torch: 'DeepSEARef(length=200, tasks=5, convs=((6, 8), (8, 8), (12, 8)), hidden=9)', ours: new DeepSEA({ length: 200, tasks: 5, convolutions: [[6, 8], [8, 8], [12, 8]], hidden: 9 }), length: 200, outputs: 5 },
  ];
  const inputs: Record<string, { state: ReturnType<typeof stateJson>; length: number; path: string }> = {};
  for (const job of jobs) {
    randomizeParameters(job.ours);
    job.ours.eval();
    writeFileSync(join(dir, `${job.name}.ours.onnx`), exportOnnx(job.ours, { length: job.length, outputs: Array.from({ length: job.outputs }, (_, i) => `t${i}`) }));
    inputs[job.name] = { state: stateJson(job.ours), length: job.length, path: join(dir, `${job.name}.torch.onnx`) };
  }
  const done = runPython<Record<string, boolean>>(
    `${PY_HELPERS}
${PY_MODELS}
jobs = {${jobs.map((j) => `'${j.name}': lambda: ${j.torch}`).join(', ')}}
result = {}
for name, make in jobs.items():
    m = make()
    job = inputs[name]
    load(m, job['state'])
    m.eval()
    torch.onnx.export(m, torch.zeros(1, 4, job['length']), job['path'], opset_version=17, input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
    result[name] = True
`,
    inputs,
    ['torch', 'numpy', 'onnx'],
  );
  if (done === null) return t.skip('python3-torch / python3-onnx not installed');
  for (const job of jobs) {
    const ours = await ort.InferenceSession.create(join(dir, `${job.name}.ours.onnx`));
    const theirs = await ort.InferenceSession.create(inputs[job.name]!.path);
    const random = new Random(3);
    const n = 4;
    const x = new Float32Array(n * 4 * job.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < job.length; j++) x[(i * 4 + random.int(4)) * job.length + j] = 1;
    const feed = { x: new ort.Tensor('float32', x, [n, 4, job.length]) };
    const a = (await ours.run(feed)).y!.data as Float32Array;
    const b = (await theirs.run(feed)).y!.data as Float32Array;
    assert.equal(a.length, n * job.outputs);
    assert.equal(a.length, b.length);
    const scale = Math.max(1, ...Array.from(b, Math.abs));
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    assert.ok(worst <= 1e-5 * scale, `${job.name}: largest difference ${worst}`);
    job.ours.dispose();
  }
});
