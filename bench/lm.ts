/**
 * `make bench-lm`: genomic language models on real data, with count-model baselines fitted on
 * the same training part in the same run (not part of `make test`; slow).
 *
 * - yeast: `strand pretrain` with examples/lm-yeast.yaml on S. cerevisiae chrIV, the last 10% held
 *   out; held-out bits per masked base against order-k Markov (k 0..10) and symmetric-context
 *   (k 1..6) count models; then zero-shot LLRs of SNVs in the coding exons of the held-out
 *   genes (a seeded sample), classed synonymous / missense / nonsense by their codons.
 * - chr20: the same on the human chr20 megabase with examples/lm-chr20.yaml (last 10% held out):
 *   AUROC of -LLR separating singleton SNVs (AC = 1) from common ones (AF >= 5%) in the held-out
 *   part, with a bootstrap 95% interval, beside the best symmetric count model's.
 *
 * - few-shot: pretraining on other TFs' ChIP-seq peaks vs none, for a classifier of one TF
 *   learned from 500 positives (bench/lm-few-shot.ts).
 *
 * Prints `BENCH lm-...` lines. STRAND_BENCH_LM_PARTS=yeast,chr20,few-shot limits the parts;
 * STRAND_BENCH_LM_SNVS (default 20000) the sampled coding SNVs; STRAND_BENCH_LM_RUNS=DIR keeps
 * the pretrained models in DIR/yeast and DIR/chr20 and reuses them when there (the same
 * examples, e.g. pretrained with `strand pretrain --config examples/lm-yeast.yaml --out DIR/yeast`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { pretrainConfigSchema, resolvePretrainPaths } from '../src/config/pretrain.js';
import { Random } from '../src/data/random.js';
import { enumerateCodingSnvs } from '../src/genomics/coding-snvs.js';
import { compareCountModels, createCountModel, variantLlr } from '../src/genomics/count-models/index.js';
import { snvLogLikelihoodRatios, type SnvQuery } from '../src/interpret/zero-shot.js';
import { readAnnotation } from '../src/io/gff.js';
import { openGenome } from '../src/io/genome.js';
import { iterateVcf } from '../src/io/vcf.js';
import { setNumThreads } from '../src/core/index.js';
import { isLanguageModel } from '../src/models/index.js';
import { loadModel } from '../src/models/saved-model.js';
import { auroc } from '../src/train/metrics.js';
import { pretrainFromConfig } from '../src/train/pretrain.js';
import { benchFewShot } from './lm-few-shot.js';
import { dirname, resolve } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const data = join(root, '../shared/data');

function emit(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function chromosomeBytes(path: string): Promise<{ name: string; bytes: Uint8Array }> {
  const genome = await openGenome(path, { writeIndex: false });
  try {
    const [name, size] = [...genome.chromosomes()][0]!;
    return { name, bytes: Uint8Array.from(await genome.fetchBytes(name, 0, size)) };
  } finally {
    await genome.close();
  }
}

interface PretrainedSummary {
  validation: { bitsPerBase: number };
  parameters: number;
  seconds: number;
}

async function pretrainExample(example: string, outDir: string) {
  const file = join(root, 'examples', example);
  const config = resolvePretrainPaths(loadConfig(pretrainConfigSchema, file), dirname(file), resolve);
  const metricsPath = join(outDir, 'metrics.json');
  let result: PretrainedSummary;
  if (existsSync(metricsPath)) {
    result = JSON.parse(readFileSync(metricsPath, 'utf8')) as PretrainedSummary;
    emit(`# reusing the model pretrained in ${outDir}`);
  } else {
    result = await pretrainFromConfig(config, { outDir, log: (l) => process.stderr.write(`${l}\n`) });
  }
  const { model } = loadModel(outDir);
  if (!isLanguageModel(model)) throw new Error('not a language model');
  return { config, result, model, seconds: result.seconds };
}

/** Windows of `window` bases centred on SNVs at `positions` of `bytes` (SNVs too close to an end left out). */
function snvQueries(bytes: Uint8Array, window: number, snvs: readonly { pos: number; ref: string; alt: string }[]): { queries: SnvQuery[]; kept: number[] } {
  const center = Math.ceil((window - 1) / 2);
  const queries: SnvQuery[] = [];
  const kept: number[] = [];
  snvs.forEach((s, i) => {
    const start = s.pos - center;
    if (start < 0 || start + window > bytes.length) return;
    queries.push({ window: bytes.subarray(start, start + window), center, ref: s.ref, alt: s.alt });
    kept.push(i);
  });
  return { queries, kept };
}

function bootstrapAuroc(scores: readonly number[], labels: readonly number[], rounds = 1000, seed = 1): [number, number] {
  const random = new Random(seed);
  const values: number[] = [];
  const n = scores.length;
  for (let r = 0; r < rounds; r++) {
    const s: number[] = [];
    const l: number[] = [];
    for (let i = 0; i < n; i++) {
      const j = random.int(n);
      s.push(scores[j]!);
      l.push(labels[j]!);
    }
    values.push(auroc(s, l));
  }
  values.sort((a, b) => a - b);
  return [values[Math.floor(rounds * 0.025)]!, values[Math.floor(rounds * 0.975)]!];
}

async function benchYeast(dir: string): Promise<void> {
  const fasta = join(data, 'yeast_chrIV_pho4/sacCer3_chrIV.fa.gz');
  const chrom = await chromosomeBytes(fasta);
  const split = Math.floor(chrom.bytes.length * 0.9);
  const counts = compareCountModels([chrom.bytes.subarray(0, split)], [chrom.bytes.subarray(split)]);
  for (const r of counts.results) emit(`# count ${r.name}: ${r.bitsPerBase.toFixed(4)} bits/base (masked ${r.maskedBitsPerBase.toFixed(4)})`);
  const { config, result, model, seconds } = await pretrainExample('lm-yeast.yaml', join(dir, 'yeast'));
  const best = Math.min(counts.bestMasked.maskedBitsPerBase, counts.best.bitsPerBase);
  emit(
    `BENCH lm-yeast-bits strand=${result.validation.bitsPerBase.toFixed(4)} best_count=${best.toFixed(4)} delta=${(result.validation.bitsPerBase - best).toFixed(4)}` +
      ` (held-out bits per masked base; count models: best ${counts.best.name} ${counts.best.bitsPerBase.toFixed(4)}, best masked ${counts.bestMasked.name} ${counts.bestMasked.maskedBitsPerBase.toFixed(4)};` +
      ` ${config.model.name} ${result.parameters.toLocaleString('en-US')} parameters, ${(config.train.epochs * config.train.windowsPerEpoch * config.train.window / 1e6).toFixed(1)} M bases seen, ${seconds.toFixed(0)} s, 1 thread)`,
  );

  const annotation = await readAnnotation(join(data, 'yeast_chrIV_pho4/sacCer3_chrIV_50genes.annotation.gtf'));
  const heldOut = annotation.transcripts.filter((t) => t.chrom === chrom.name && t.start >= split);
  const sequence = Buffer.from(chrom.bytes).toString('latin1');
  const { snvs } = enumerateCodingSnvs(heldOut, { [chrom.name]: sequence });
  const random = new Random(7);
  const wanted = Number(process.env.STRAND_BENCH_LM_SNVS ?? 20000);
  const sample = snvs.length <= wanted ? snvs : random.shuffle([...snvs]).slice(0, wanted);
  const { queries, kept } = snvQueries(chrom.bytes, config.train.window, sample);
  const llr = snvLogLikelihoodRatios(model, queries);
  const byClass = new Map<string, number[]>();
  kept.forEach((i, k) => {
    const c = sample[i]!.class === 'start-lost' || sample[i]!.class === 'stop-lost' ? 'missense' : sample[i]!.class;
    const values = byClass.get(c) ?? [];
    values.push(llr[k]!);
    byClass.set(c, values);
  });
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const nonsense = byClass.get('nonsense') ?? [];
  const synonymous = byClass.get('synonymous') ?? [];
  const area = auroc([...nonsense, ...synonymous].map((v) => -v), [...nonsense.map(() => 1), ...synonymous.map(() => 0)]);
  emit(
    `BENCH lm-yeast-zero-shot nonsense_vs_synonymous_auroc=${area.toFixed(4)} mean_llr synonymous=${mean(synonymous).toFixed(4)} missense=${mean(byClass.get('missense') ?? []).toFixed(4)} nonsense=${mean(nonsense).toFixed(4)}` +
      ` (${queries.length} of ${snvs.length} coding SNVs of ${heldOut.length} held-out transcripts: ${synonymous.length} synonymous, ${(byClass.get('missense') ?? []).length} missense, ${nonsense.length} nonsense)`,
  );
  model.dispose();
}

async function benchChr20(dir: string): Promise<void> {
  const fasta = join(data, 'human_chr20_1mb_1kgp3/z.fa.gz');
  const chrom = await chromosomeBytes(fasta);
  const split = Math.floor(chrom.bytes.length * 0.9);
  const { config, result, model, seconds } = await pretrainExample('lm-chr20.yaml', join(dir, 'chr20'));
  const snvs: { pos: number; ref: string; alt: string; label: number }[] = [];
  for await (const record of iterateVcf(join(data, 'human_chr20_1mb_1kgp3/z.vcf.gz'))) {
    if (record.start < split || record.ref.length !== 1 || record.alts.length !== 1 || !/^[ACGT]$/.test(record.alts[0]!)) continue;
    const ac = Number(record.info.AC);
    const af = Number(record.info.AF);
    if (ac === 1) snvs.push({ pos: record.start, ref: record.ref, alt: record.alts[0]!, label: 1 });
    else if (af >= 0.05) snvs.push({ pos: record.start, ref: record.ref, alt: record.alts[0]!, label: 0 });
  }
  const { queries, kept } = snvQueries(chrom.bytes, config.train.window, snvs);
  const labels = kept.map((i) => snvs[i]!.label);
  const lm = Array.from(snvLogLikelihoodRatios(model, queries), (v) => -v);
  const counts = createCountModel({ kind: 'symmetric', k: 3 }).fit([chrom.bytes.subarray(0, split)]);
  const countScores = kept.map((i) => -(variantLlr(counts, chrom.bytes, snvs[i]!.pos, snvs[i]!.alt, { bothStrands: true }) ?? 0));
  const [lo, hi] = bootstrapAuroc(lm, labels);
  const [clo, chi] = bootstrapAuroc(countScores, labels);
  emit(
    `BENCH lm-chr20-singletons auroc=${auroc(lm, labels).toFixed(4)} ci=[${lo.toFixed(4)}, ${hi.toFixed(4)}] count_auroc=${auroc(countScores, labels).toFixed(4)} count_ci=[${clo.toFixed(4)}, ${chi.toFixed(4)}]` +
      ` (-LLR, singletons AC=1 vs common AF>=5%: ${labels.filter((l) => l === 1).length} vs ${labels.filter((l) => l === 0).length} held-out SNVs; symmetric-3 count model;` +
      ` LM held-out ${result.validation.bitsPerBase.toFixed(4)} bits per masked base, ${seconds.toFixed(0)} s)`,
  );
  model.dispose();
}

async function main(): Promise<void> {
  const parts = (process.env.STRAND_BENCH_LM_PARTS ?? 'yeast,chr20,few-shot').split(',');
  setNumThreads(1);
  const kept = process.env.STRAND_BENCH_LM_RUNS;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'strand-bench-lm-'));
  try {
    emit('# strand bench-lm (1 thread)');
    if (parts.includes('yeast')) await benchYeast(dir);
    if (parts.includes('chr20')) await benchChr20(dir);
    if (parts.includes('few-shot')) await benchFewShot(dir, data, emit);
  } finally {
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
