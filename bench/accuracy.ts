/**
 * `make bench-accuracy`: accuracy on real data, Strand and its peer in the same run on the same
 * splits, over several seeds (STRAND_BENCH_SEEDS, default 5). Not part of `make test` (slow).
 *
 * - DeepBind recipe on the 12 ENCODE TFs of ../shared/data/deepbind_encode_chipseq: one table
 *   per TF and seed (the `_AC` positives, one dinucleotide-shuffled negative each, 10% of the
 *   pairs for validation) read by both `strand train` (the recipe as a custom layer list) and a
 *   plain PyTorch script (bench/peers/torch_deepbind_accuracy.py); test AUROC on `_B`. Also
 *   `strand init deepbind`'s model and training sections on the same table (the default row).
 * - UCI splice (3-class accuracy, the example config's 70 / 10 / 20 split) and Golub ALL/AML
 *   (the 34 independent samples) against scikit-learn peers (bench/peers/sklearn_accuracy.py).
 *
 * Prints `BENCH accuracy-<name> strand=<mean> peer=<mean> delta=<strand - peer> ...` lines;
 * STRAND_BENCH_TFS=ZNF143,SRF limits the TFs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { EXAMPLES } from '../src/config/examples.js';
import { loadConfig, parseConfig } from '../src/config/load.js';
import { trainConfigSchema, type TrainConfig } from '../src/config/train.js';
import { Random } from '../src/data/random.js';
import { splitByFraction } from '../src/data/splits.js';
import { dinucleotideShuffle } from '../src/genomics/shuffle.js';
import { setNumThreads } from '../src/index.js';
import { trainFromConfig } from '../src/train/run-training.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const deepbindData = join(root, '../shared/data/deepbind_encode_chipseq');
const peers = join(root, 'bench/peers');

export interface Spread {
  mean: number;
  sd: number;
  values: number[];
}

export function spread(values: number[]): Spread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd, values };
}

const show = (s: Spread, digits = 4) => `${s.mean.toFixed(digits)}±${s.sd.toFixed(digits)} [${s.values.map((v) => v.toFixed(digits)).join(' ')}]`;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs a command to its end, collecting what it prints. */
function runCollecting(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** Runs a Python peer and resolves with its stdout's JSON lines. */
async function runPythonPeer(script: string, args: string[]): Promise<Record<string, unknown>[]> {
  const { code, signal, out, err } = await runCollecting('/usr/bin/python3', [join(peers, script), ...args]);
  if (code !== 0) throw new Error(`${script} exited ${signal ?? code}: ${err.slice(-2000)}`);
  return out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The TFs of the shared set: name -> [training file, test file]. */
function deepbindSets(): Map<string, [string, string]> {
  const sets = new Map<string, [string, string]>();
  for (const f of readdirSync(deepbindData).filter((f) => f.endsWith('_AC.seq.gz')).sort()) {
    sets.set(f.split('_')[0]!, [join(deepbindData, f), join(deepbindData, f.replace('_AC.seq.gz', '_B.seq.gz'))]);
  }
  return sets;
}

/**
 * Positives, one dinucleotide-shuffled negative each (seeded), 10% of the pairs for validation:
 * the rows `strand train` makes from a DeepBind `_AC` file with `shuffledNegatives: 1` and
 * `split: { validation: 0.1 }` at the same seed, so the example configs reproduce the default row.
 */
export function writeDeepbindTable(trainFile: string, out: string, seed: number): void {
  const lines = gunzipSync(readFileSync(trainFile)).toString('latin1').trimEnd().split('\n');
  const seqColumn = lines[0]!.split('\t').indexOf('seq');
  const positives = lines.slice(1).map((l) => l.split('\t')[seqColumn]!);
  const random = new Random(seed);
  const negatives = positives.map((s) => dinucleotideShuffle(s, random));
  const validation = new Set(splitByFraction(positives.length, { train: 0.9, validation: 0.1, test: 0 }, seed).validation);
  const part = (i: number) => (validation.has(i) ? 'validation' : 'train');
  const rows = [...positives.map((s, i) => `${s}\t1\t${part(i)}`), ...negatives.map((s, i) => `${s}\t0\t${part(i)}`)];
  writeFileSync(out, `seq\tBound\tsplit\n${rows.join('\n')}\n`);
}

const tableData = (table: string, test: string) => `data: { kind: table, path: ${table}, sequenceColumn: seq, labelColumns: [Bound], splitColumn: split, testPath: ${test} }
task: { kind: binary }
`;

/** The DeepBind recipe of the issue, as a custom layer list. */
function recipeConfig(table: string, test: string, seed: number, threads: number): TrainConfig {
  return parseConfig(
    trainConfigSchema,
    `seed: ${seed}
${tableData(table, test)}model:
  name: custom
  options:
    layers:
      - { type: conv1d, filters: 16, kernel: 24, padding: 12 }
      - relu
      - globalmaxpool
      - { type: linear, units: 32 }
      - relu
      - { type: dropout, p: 0.5 }
      - { type: linear, units: 1 }
train: { epochs: 10, batchSize: 128, optimizer: { name: adam, lr: 0.001 }, threads: ${threads} }
`,
  );
}

/** `strand init deepbind`'s model, augmentation and training on the same table. */
export function defaultConfig(table: string, test: string, seed: number, threads: number): TrainConfig {
  const example = parseConfig(trainConfigSchema, EXAMPLES.deepbind);
  const data = parseConfig(trainConfigSchema, `seed: ${seed}\n${tableData(table, test)}model: { name: deepbind }\n`).data;
  if (data.kind !== 'table' || example.data.kind !== 'table') throw new Error('the deepbind example reads a table');
  return { ...example, seed, data: { ...data, augment: example.data.augment }, train: { ...example.train, threads } };
}

async function strandAuroc(config: TrainConfig, dir: string): Promise<number> {
  const out = mkdtempSync(join(dir, 'run-'));
  try {
    const result = await trainFromConfig(config, { outDir: out });
    return result.test.mean.auroc!;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function benchDeepbindAccuracy(threads: number, seeds: number, emit: (line: string) => void, only?: readonly string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-accuracy-'));
  try {
    for (const [tf, [trainFile, testFile]] of deepbindSets()) {
      if (only !== undefined && !only.includes(tf)) continue;
      const started = Date.now();
      const tables = Array.from({ length: seeds }, (_, k) => {
        const table = join(dir, `${tf}-${k + 1}.tsv`);
        writeDeepbindTable(trainFile, table, k + 1);
        return table;
      });
      const jobs = join(dir, `${tf}-jobs.json`);
      writeFileSync(jobs, JSON.stringify(tables.map((table, k) => ({ table, test: testFile, seed: k + 1, threads }))));
      const peer = runPythonPeer('torch_deepbind_accuracy.py', [jobs]);
      const plain: number[] = [];
      const defaults: number[] = [];
      for (const [k, table] of tables.entries()) {
        plain.push(await strandAuroc(recipeConfig(table, testFile, k + 1, threads), dir));
        defaults.push(await strandAuroc(defaultConfig(table, testFile, k + 1, threads), dir));
      }
      const peerAuroc = spread((await peer).map((r) => r.auroc as number));
      const strand = spread(plain);
      const def = spread(defaults);
      emit(
        `BENCH accuracy-deepbind-${tf} strand=${strand.mean.toFixed(4)} peer=${peerAuroc.mean.toFixed(4)} delta=${(strand.mean - peerAuroc.mean).toFixed(4)}` +
          ` default=${def.mean.toFixed(4)} (recipe ${show(strand)} vs PyTorch ${show(peerAuroc)}; strand init deepbind ${show(def)}; ${seeds} seeds, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** UCI splice: the example config on a table that holds its split, and scikit-learn on the same split. */
export async function benchSpliceAccuracy(threads: number, seeds: number, emit: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-splice-'));
  try {
    const file = join(root, 'examples/uci-splice.yaml');
    const example = loadConfig(trainConfigSchema, file);
    const lines = readFileSync(join(root, '../shared/data/uci_splice/splice.data'), 'latin1').split('\n').filter((l) => l.trim() !== '');
    const parts = splitByFraction(lines.length, { train: 0.7, validation: 0.1, test: 0.2 }, example.seed);
    const partOf = new Map<number, string>();
    for (const part of ['train', 'validation', 'test'] as const) for (const i of parts[part]) partOf.set(i, part);
    const table = join(dir, 'splice.tsv');
    writeFileSync(table, `class\tid\tseq\tsplit\n${lines.map((l, i) => `${l.split(',').map((f) => f.trim()).join('\t')}\t${partOf.get(i)}`).join('\n')}\n`);
    const accuracies: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const data = parseConfig(trainConfigSchema, `data: { kind: table, path: ${table}, sequenceColumn: seq, labelColumns: [class], idColumn: id, splitColumn: split }\ntask: { kind: multiclass }\nmodel: { name: deepbind }\n`).data;
      const out = mkdtempSync(join(dir, 'run-'));
      const result = await trainFromConfig({ ...example, seed, data, train: { ...example.train, threads } }, { outDir: out });
      accuracies.push(result.test.mean.accuracy!);
      rmSync(out, { recursive: true, force: true });
    }
    const peer = await runPythonPeer('sklearn_accuracy.py', ['splice', table]);
    const strand = spread(accuracies);
    for (const p of peer) {
      emit(
        `BENCH accuracy-splice-${p.model as string} strand=${strand.mean.toFixed(4)} peer=${(p.accuracy as number).toFixed(4)} delta=${(strand.mean - (p.accuracy as number)).toFixed(4)}` +
          ` (3-class test accuracy, ${p.test as number} sequences; Strand example config ${show(strand)} over ${seeds} seeds)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Golub ALL/AML: correct calls of the 34 independent samples, Strand's example config vs scikit-learn. */
export async function benchGolubAccuracy(threads: number, seeds: number, emit: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-golub-'));
  try {
    const example = loadConfig(trainConfigSchema, join(root, 'examples/golub-all-aml.yaml'));
    const config = { ...example, data: { ...example.data } } as TrainConfig;
    const golub = join(root, '../shared/data/golub_all_aml');
    if (config.data.kind !== 'expression') throw new Error('the Golub example is not expression data');
    config.data.path = join(golub, 'data_set_ALL_AML_train.csv.gz');
    config.data.testPath = join(golub, 'data_set_ALL_AML_independent.csv.gz');
    config.data.labels = { ...config.data.labels!, path: join(golub, 'actual.csv') };
    const correct: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const out = mkdtempSync(join(dir, 'run-'));
      const result = await trainFromConfig({ ...config, seed, train: { ...config.train, threads } }, { outDir: out });
      correct.push(Math.round(result.test.mean.accuracy! * 34));
      rmSync(out, { recursive: true, force: true });
    }
    const strand = spread(correct);
    for (const p of await runPythonPeer('sklearn_accuracy.py', ['golub', golub])) {
      emit(
        `BENCH accuracy-golub-${p.model as string} strand=${strand.mean.toFixed(1)} peer=${p.correct as number} delta=${(strand.mean - (p.correct as number)).toFixed(1)}` +
          ` (correct of 34 independent; Strand example config ${correct.join(', ')} over ${seeds} seeds, best ${Math.max(...correct)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each TF in a child process of its own: a fresh heap per data set, and a crash (a signal, or
 * glibc's heap checks) is reported with its TF instead of ending the whole run.
 */
async function deepbindInChildren(only: readonly string[] | undefined, emit: (line: string) => void): Promise<string[]> {
  const failed: string[] = [];
  for (const tf of deepbindSets().keys()) {
    if (only !== undefined && !only.includes(tf)) continue;
    const env = { ...process.env, STRAND_BENCH_TFS: tf, STRAND_BENCH_PARTS: 'deepbind', STRAND_BENCH_CHILD: '1' };
    const outcome = await runCollecting(process.execPath, [fileURLToPath(import.meta.url)], env);
    for (const line of outcome.out.split('\n').filter((l) => l.startsWith('BENCH'))) emit(line);
    if (outcome.code !== 0) {
      failed.push(tf);
      emit(`BENCH accuracy-deepbind-${tf} FAILED (${outcome.signal ?? `exit ${outcome.code}`}): ${outcome.err.trim().split('\n').slice(-3).join(' | ')}`);
    }
  }
  return failed;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const threads = Number(process.env.STRAND_BENCH_THREADS ?? 1);
  const seeds = Number(process.env.STRAND_BENCH_SEEDS ?? 5);
  const only = process.env.STRAND_BENCH_TFS?.split(',');
  setNumThreads(threads);
  const emit = (line: string) => console.log(line);
  const child = process.env.STRAND_BENCH_CHILD === '1';
  if (!child) console.log(`# strand bench-accuracy: ${seeds} seeds, ${threads} thread(s)`);
  const parts = process.env.STRAND_BENCH_PARTS?.split(',') ?? ['deepbind', 'splice', 'golub'];
  let failed: string[] = [];
  if (parts.includes('deepbind')) {
    if (child) await benchDeepbindAccuracy(threads, seeds, emit, only);
    else failed = await deepbindInChildren(only, emit);
  }
  if (parts.includes('splice')) await benchSpliceAccuracy(threads, seeds, emit);
  if (parts.includes('golub')) await benchGolubAccuracy(threads, seeds, emit);
  if (failed.length > 0) {
    console.error(`strand: error: the accuracy bench failed for ${failed.join(', ')}`);
    process.exit(1);
  }
}
