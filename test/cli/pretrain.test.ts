/**
 * `strand pretrain` end to end on a small generated genome: the annotated `strand init lm`
 * config is valid, a run writes the model folder and an offline report with learning curves and
 * an LM logo, a bad config is one line naming the field, and a run interrupted mid-epoch and
 * resumed ends with exactly the weights of the uninterrupted run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LM_EXAMPLE } from '../../src/config/examples.js';
import { parseConfig } from '../../src/config/load.js';
import { pretrainConfigSchema } from '../../src/config/pretrain.js';
import { Random } from '../../src/data/random.js';
import { pretrainFromConfig } from '../../src/train/pretrain.js';
import { snvLogLikelihoodRatios } from '../../src/interpret/zero-shot.js';
import { isLanguageModel } from '../../src/models/index.js';
import { loadModel } from '../../src/models/saved-model.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'strand-pretrain-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const random = new Random(8);
const genome = join(dir, 'small.fa');
const bases = Array.from({ length: 30_000 }, (_, i) => (i % 100 < 10 ? 'GATTACAGAT'[i % 10]! : 'ACGTacgt'[random.int(8)]!)).join('');
writeFileSync(genome, `>chrA\n${bases.slice(0, 20_000)}\n>chrB\n${bases.slice(20_000)}\n`);

const smallConfig = (extra = '') => `seed: 3
corpus: { kind: genome, path: ${genome}, validation: { chromosomes: [chrB] } }
objective: { softMaskedWeight: 0.1 }
model: { name: conv-lm, options: { dim: 16, dilations: [1, 2] } }
train: { window: 64, batchSize: 16, epochs: 2, windowsPerEpoch: 96, validationWindows: 16, threads: 1${extra} }
`;

test('strand init lm writes a valid pretraining config', () => {
  const r = strand('init', 'lm');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, LM_EXAMPLE);
  const config = parseConfig(pretrainConfigSchema, r.stdout, 'lm.yaml');
  assert.equal(config.model.name, 'conv-lm');
  assert.equal(config.objective.kind, 'mlm');
});

test('strand pretrain writes the model folder, metrics and a report with curves and an LM logo; repeat and other bases scored apart', () => {
  const config = join(dir, 'lm.yaml');
  writeFileSync(config, smallConfig());
  const out = join(dir, 'lm');
  const r = strand('pretrain', '--config', config, '--out', out, '--plain');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /held-out: \d\.\d{4} bits per masked base/);
  for (const f of ['model.safetensors', 'model.json', 'metrics.json', 'log.jsonl', 'report.html']) assert.ok(existsSync(join(out, f)), f);
  const description = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { task: { kind: string }; tokenizer: { kind: string }; input: { kind: string } };
  assert.equal(description.task.kind, 'masked-lm');
  assert.deepEqual(description.tokenizer, { kind: 'nucleotide' });
  assert.equal(description.input.kind, 'tokens');
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
    validation: { bitsPerBase: number; bitsPerToken: number; tokens: number; bases: number; classes: Record<string, { bits: number; tokens: number }> };
  };
  const v = metrics.validation;
  assert.ok(v.tokens > 100);
  assert.equal(v.bases, v.tokens, 'one base a token');
  assert.equal(v.bitsPerToken, v.bitsPerBase);
  assert.ok(v.classes.repeat!.tokens > 0 && v.classes['non-repeat']!.tokens > 0, 'both classes scored');
  assert.equal(v.classes.repeat!.tokens + v.classes['non-repeat']!.tokens, v.tokens);
  const pooled = (v.classes.repeat!.bits * v.classes.repeat!.tokens + v.classes['non-repeat']!.bits * v.classes['non-repeat']!.tokens) / v.tokens;
  assert.ok(Math.abs(pooled - v.bitsPerBase) < 1e-9, 'the classes average to the whole');
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /Held-out bits per masked base/);
  assert.match(html, /LM logo: chrB:0-10000/);
  assert.ok((html.match(/class="learning-curve"|data-kind="learning-curve"|learning-curve/g) ?? []).length >= 2, 'two learning curves');
  assert.doesNotMatch(html, /<script[^>]+src=|https?:\/\/(?!www\.w3\.org)/, 'works offline');

  // Zero-shot variant scores through score-variants: the LLR of an SNV equals the library's on the same window.
  const chrB = bases.slice(20_000);
  const snvs = [1003, 2050, 4017].map((p) => ({ p, ref: chrB[p]!.toUpperCase(), alt: chrB[p]!.toUpperCase() === 'A' ? 'C' : 'A' }));
  const vcf = join(dir, 'v.vcf');
  const lines = [...snvs.map((v) => `chrB\t${v.p + 1}\t.\t${v.ref}\t${v.alt}\t.\t.\t.`), `chrB\t3001\t.\t${chrB.slice(3000, 3002).toUpperCase()}\t${chrB[3000]!.toUpperCase()}\t.\t.\t.`];
  writeFileSync(vcf, `##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n${lines.join('\n')}\n`);
  const scoresPath = join(dir, 'zero-shot.tsv');
  const scored = strand('score-variants', '--model', out, '--vcf', vcf, '--genome', genome, '--out', scoresPath);
  assert.equal(scored.status, 0, scored.stderr);
  const rows = readFileSync(scoresPath, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows[0], ['chrom', 'pos', 'id', 'ref', 'alt', 'lm:llr', 'lm:embed_cosine', 'lm:embed_l2']);
  const { model } = loadModel(out);
  assert.ok(isLanguageModel(model));
  const expected = snvLogLikelihoodRatios(
    model,
    snvs.map((v) => ({ window: Buffer.from(chrB.slice(v.p - 32, v.p + 32), 'latin1'), center: 32, ref: v.ref, alt: v.alt })),
  );
  snvs.forEach((_, i) => assert.ok(Math.abs(Number(rows[i + 1]![5]) - expected[i]!) < 1e-5, `llr of SNV ${i + 1}: ${rows[i + 1]![5]} vs ${expected[i]}`));
  assert.equal(rows[4]![5], 'NA', 'no LLR for a deletion');
  assert.ok(Number(rows[4]![6]) > 0 && Number(rows[4]![7]) > 0, 'embedding distances for a deletion');
  model.dispose();
});

test('a bad pretraining config is one line naming the field, and nothing is written', () => {
  const config = join(dir, 'bad.yaml');
  writeFileSync(config, smallConfig().replace('name: conv-lm', 'name: conv-lmm'));
  const out = join(dir, 'bad-out');
  const r = strand('pretrain', '--config', config, '--out', out);
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /model\.name/);
  assert.ok(!existsSync(join(out, 'model.json')));
});

test('pretraining interrupted mid-epoch and resumed ends with the weights of the uninterrupted run', async () => {
  const config = parseConfig(pretrainConfigSchema, smallConfig(', checkpointEvery: 2'));
  const straight = join(dir, 'straight');
  await pretrainFromConfig(config, { outDir: straight });
  const interrupted = join(dir, 'interrupted');
  await assert.rejects(
    pretrainFromConfig(config, {
      outDir: interrupted,
      onEvent: (e) => {
        if (e.type === 'step' && e.epoch === 2 && e.step === 5) throw new Error('simulated crash');
      },
    }),
    /simulated crash/,
  );
  await pretrainFromConfig(config, { outDir: interrupted, resume: true });
  assert.ok(readFileSync(join(interrupted, 'model.safetensors')).equals(readFileSync(join(straight, 'model.safetensors'))), 'same weights, bit for bit');
});
