/**
 * Reusing a pretrained language model: `init.from` an LM folder fills exactly the encoder of an
 * lm-classifier (every `lm.*` tensor equals the LM's, the LM's vocabulary head is left out, the
 * classifier head keeps its fresh weights), and `init.freeze: [lm]` trains a linear probe that
 * leaves the encoder untouched.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { manualSeed } from '../../src/core/index.js';
import { parseConfig } from '../../src/config/load.js';
import { pretrainConfigSchema } from '../../src/config/pretrain.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { Random } from '../../src/data/random.js';
import { createModel } from '../../src/models/index.js';
import { loadSafetensors } from '../../src/nn/safetensors.js';
import { initialiseFrom } from '../../src/train/build.js';
import { pretrainFromConfig } from '../../src/train/pretrain.js';
import { trainFromConfig } from '../../src/train/run-training.js';

const dir = mkdtempSync(join(tmpdir(), 'strand-lm-transfer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const encoder = '{ dim: 16, kernel: 5, dilations: [1, 2] }';

async function pretrained(): Promise<string> {
  const random = new Random(2);
  const genome = join(dir, 'g.fa');
  writeFileSync(genome, `>chr1\n${Array.from({ length: 12_000 }, () => 'ACGT'[random.int(4)]).join('')}\n`);
  const out = join(dir, 'lm');
  await pretrainFromConfig(
    parseConfig(pretrainConfigSchema, `seed: 1
corpus: { kind: genome, path: ${genome} }
model: { name: conv-lm, options: ${encoder} }
train: { window: 64, batchSize: 16, epochs: 1, windowsPerEpoch: 64, validationWindows: 8, threads: 1 }
`),
    { outDir: out },
  );
  return out;
}
const lmDir = pretrained();

const values = (t: { toArray(): number[] }) => t.toArray();

test('init.from a language model loads exactly its encoder into an lm-classifier', async () => {
  const from = await lmDir;
  manualSeed(9);
  const model = createModel('lm-classifier', { lm: 'conv-lm', encoder: { dim: 16, kernel: 5, dilations: [1, 2] }, tasks: 2 });
  const freshHead = values(model.stateDict()['classifier.weight']!);
  const { copied, skipped } = initialiseFrom(model, { from, freeze: [] });
  const { tensors } = loadSafetensors(join(from, 'model.safetensors'));
  const lmKeys = Object.keys(tensors).filter((k) => !k.startsWith('head.'));
  assert.deepEqual(copied.sort(), lmKeys.map((k) => `lm.${k}`).sort());
  assert.deepEqual(skipped.sort(), ['head.bias', 'head.weight']);
  const state = model.stateDict();
  for (const k of lmKeys) assert.deepEqual(values(state[`lm.${k}`]!), values(tensors[k]!), k);
  assert.deepEqual(values(state['classifier.weight']!), freshHead, 'the task head keeps its fresh weights');
  for (const t of Object.values(tensors)) t.dispose();
  model.dispose();
});

test('a linear probe (init.freeze: [lm]) trains the head and leaves the pretrained encoder as it was', async () => {
  const from = await lmDir;
  const out = join(dir, 'probe');
  const config = parseConfig(
    trainConfigSchema,
    `seed: 4
data: { kind: planted, motifs: [{ name: GATA, consensus: AGATAAGG }], count: 300, length: 64 }
task: { kind: binary }
model: { name: lm-classifier, options: { lm: conv-lm, encoder: ${encoder} } }
init: { from: ${from}, freeze: [lm] }
train: { epochs: 1, batchSize: 32, optimizer: { name: adam, lr: 0.01 }, threads: 1 }
`,
  );
  await trainFromConfig(config, { outDir: out });
  const before = loadSafetensors(join(from, 'model.safetensors')).tensors;
  const after = loadSafetensors(join(out, 'model.safetensors')).tensors;
  for (const [k, t] of Object.entries(before)) {
    if (!k.startsWith('head.')) assert.deepEqual(values(after[`lm.${k}`]!), values(t), `frozen ${k}`);
  }
  manualSeed(4); // the run's seed: the head it started from
  const start = createModel('lm-classifier', { lm: 'conv-lm', encoder: { dim: 16, kernel: 5, dilations: [1, 2] } });
  const initialHead = values(start.stateDict()['classifier.weight']!);
  assert.equal(initialHead.length, 16);
  assert.notDeepEqual(values(after['classifier.weight']!), initialHead, 'the head was trained');
  start.dispose();
});
