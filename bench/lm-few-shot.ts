/**
 * The few-shot part of `make bench-lm`: does masked-LM pretraining on unlabelled ChIP-seq peaks
 * help a classifier that sees only a few labelled ones?
 *
 * A conv-lm is pretrained on the sequences of every `_AC` file of
 * ../shared/data/deepbind_encode_chipseq except the held-out TF's (labels never read). Then
 * the held-out TF is learned from 500 of its positives (a seeded sample of its `_AC` file) plus
 * as many dinucleotide-shuffled negatives, by the same lm-classifier twice: its encoder
 * initialised from the pretrained LM, and from scratch. Both are tested on the TF's `_B` file
 * (real positives and negatives), over 3 seeds each.
 *
 * STRAND_BENCH_LM_FEWSHOT_TF (default TEAD4) picks the held-out TF.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pretrainConfigSchema, type PretrainConfig } from '../src/config/pretrain.js';
import { trainConfigSchema, type TrainConfig } from '../src/config/train.js';
import { Random } from '../src/data/random.js';
import { pretrainFromConfig } from '../src/train/pretrain.js';
import { auroc } from '../src/train/metrics.js';
import { trainFromConfig } from '../src/train/run-training.js';

const ENCODER = { dim: 64, kernel: 9, dilations: [1, 2, 4, 8, 16, 1, 2, 4, 8, 16] };
const POSITIVES = 500;
const SEEDS = [1, 2, 3];

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function spread(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(1, values.length - 1));
}

/** A table of `POSITIVES` rows of `acPath` drawn with `seed`, written as TSV to `out`. */
function writeFewPositives(acPath: string, out: string, seed: number): void {
  const lines = gunzipSync(readFileSync(acPath)).toString('utf8').trimEnd().split('\n');
  const [header, ...rows] = lines;
  const chosen = new Random(seed).shuffle([...rows]).slice(0, POSITIVES);
  writeFileSync(out, `${[header, ...chosen].join('\n')}\n`);
}

function pretrainConfig(acFiles: readonly string[]): PretrainConfig {
  return pretrainConfigSchema.parse({
    seed: 1,
    corpus: { kind: 'sequences', paths: acFiles, column: 'seq', validationFraction: 0.02 },
    objective: { kind: 'mlm', maskRate: 0.15 },
    model: { name: 'conv-lm', options: ENCODER },
    train: {
      window: 101,
      batchSize: 64,
      epochs: 8,
      windowsPerEpoch: 8000,
      validationWindows: 512,
      optimizer: { name: 'adamw', lr: 0.002, weightDecay: 0.01 },
      schedule: { name: 'cosine', warmupSteps: 100 },
      threads: 1,
    },
  });
}

function fineTuneConfig(table: string, testPath: string, seed: number, pretrained: string | undefined): TrainConfig {
  return trainConfigSchema.parse({
    seed,
    data: { kind: 'table', path: table, sequenceColumn: 'seq', labelColumns: ['Bound'], idColumn: 'EventID', shuffledNegatives: 1, testPath, augment: { reverseComplement: 0.5 } },
    split: { validation: 0.1 },
    task: { kind: 'binary' },
    model: { name: 'lm-classifier', options: { lm: 'conv-lm', encoder: ENCODER, pooling: 'max', dropout: 0.1 } },
    train: { epochs: 20, batchSize: 32, optimizer: { name: 'adamw', lr: 0.001, weightDecay: 0.01 }, schedule: { name: 'cosine' }, threads: 1 },
    ...(pretrained ? { init: { from: pretrained } } : {}),
  });
}

export async function benchFewShot(dir: string, data: string, emit: (line: string) => void): Promise<void> {
  const folder = join(data, 'deepbind_encode_chipseq');
  const tf = process.env.STRAND_BENCH_LM_FEWSHOT_TF ?? 'TEAD4';
  const files = readdirSync(folder);
  const ac = files.filter((f) => f.endsWith('_AC.seq.gz'));
  const held = ac.find((f) => f.startsWith(`${tf}_`));
  const test = files.find((f) => f.startsWith(`${tf}_`) && f.endsWith('_B.seq.gz'));
  if (held === undefined || test === undefined) throw new Error(`no _AC / _B files of ${tf} in ${folder}`);
  const corpus = ac.filter((f) => f !== held).map((f) => join(folder, f));

  const lmDir = join(dir, `few-shot-lm-without-${tf}`);
  const started = Date.now();
  if (existsSync(join(lmDir, 'model.safetensors'))) emit(`# reusing the model pretrained in ${lmDir}`);
  else await pretrainFromConfig(pretrainConfig(corpus), { outDir: lmDir, log: (l) => process.stderr.write(`${l}\n`) });
  const metrics = JSON.parse(readFileSync(join(lmDir, 'metrics.json'), 'utf8')) as { validation: { bitsPerBase: number }; seconds: number; corpus: { trainBases: number } };
  emit(`# few-shot LM: ${corpus.length} TFs' peaks (${metrics.corpus.trainBases.toLocaleString('en-US')} bases), held-out ${metrics.validation.bitsPerBase.toFixed(4)} bits per masked base, ${metrics.seconds.toFixed(0)} s`);

  // Peaks of different TFs in one cell line overlap: test positives that share a 40-mer with the
  // (unlabelled) pretraining corpus (49 bases or more) are scored apart, so the gain is not only seen sequence.
  const testRows = readRows(join(folder, test));
  const seen = sharedKmerIndex(corpus.flatMap((f) => readRows(f).map((r) => r.seq)), 40);
  const novel = testRows.map((r) => r.bound === 0 || !seen(r.seq));
  const novelPositives = testRows.filter((r, i) => r.bound === 1 && novel[i]).length;

  const aurocs: Record<'pretrained' | 'scratch', { all: number[]; novel: number[] }> = { pretrained: { all: [], novel: [] }, scratch: { all: [], novel: [] } };
  for (const seed of SEEDS) {
    const runDir = join(dir, `few-shot-${tf}-seed${seed}`);
    mkdirSync(runDir, { recursive: true });
    const table = join(runDir, 'positives.tsv');
    writeFewPositives(join(folder, held), table, seed);
    for (const arm of ['pretrained', 'scratch'] as const) {
      const outDir = join(runDir, arm);
      const predictions = join(outDir, 'test-predictions.tsv');
      if (!existsSync(predictions)) await trainFromConfig(fineTuneConfig(table, join(folder, test), seed, arm === 'pretrained' ? lmDir : undefined), { outDir });
      const rows = readFileSync(predictions, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t').map(Number) as [number, number]);
      if (rows.length !== testRows.length || rows.some(([target], i) => target !== testRows[i]!.bound)) throw new Error(`${predictions} is not in the order of ${test}`);
      const all = auroc(rows.map((r) => r[1]), rows.map((r) => r[0]));
      const unseen = auroc(rows.filter((_, i) => novel[i]).map((r) => r[1]), rows.filter((_, i) => novel[i]).map((r) => r[0]));
      aurocs[arm].all.push(all);
      aurocs[arm].novel.push(unseen);
      emit(`# few-shot ${tf} seed ${seed} ${arm}: test AUROC ${all.toFixed(4)}, on positives unseen in pretraining ${unseen.toFixed(4)}`);
    }
  }
  const show = (v: number[]) => `${mean(v).toFixed(4)}±${spread(v).toFixed(4)}`;
  emit(
    `BENCH lm-few-shot-${tf} pretrained=${show(aurocs.pretrained.all)} scratch=${show(aurocs.scratch.all)} gain=${(mean(aurocs.pretrained.all) - mean(aurocs.scratch.all)).toFixed(4)}` +
      ` unseen_pretrained=${show(aurocs.pretrained.novel)} unseen_scratch=${show(aurocs.scratch.novel)} unseen_gain=${(mean(aurocs.pretrained.novel) - mean(aurocs.scratch.novel)).toFixed(4)}` +
      ` (test AUROC on ${test}, mean ± sd of seeds ${SEEDS.join(', ')}; unseen: the ${novelPositives} of ${testRows.filter((r) => r.bound === 1).length} positives sharing no 49 bases with the pretraining corpus, all negatives;` +
      ` ${POSITIVES} positives + shuffled negatives; lm-classifier conv-lm dim ${ENCODER.dim}; ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}

/** Sequence and label of every row of a DeepBind `.seq.gz` table. */
function readRows(path: string): { seq: string; bound: number }[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => {
      const fields = line.split('\t');
      return { seq: fields[2]!, bound: Number(fields[3]) };
    });
}

/**
 * Whether a sequence overlaps any of `sequences`: shares one of their k-mers starting at a
 * multiple of 10 (so any shared stretch of k + 9 bases is found; the index stays small).
 */
function sharedKmerIndex(sequences: readonly string[], k: number): (seq: string) => boolean {
  const index = new Set<string>();
  for (const s of sequences) for (let i = 0; i + k <= s.length; i += 10) index.add(s.slice(i, i + k));
  return (seq) => {
    for (let i = 0; i + k <= seq.length; i++) if (index.has(seq.slice(i, i + k))) return true;
    return false;
  };
}
