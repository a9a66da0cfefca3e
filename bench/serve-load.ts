/**
 * Load test of `strand serve` on loopback: a Basset model (600 bp, 164 outputs, random weights)
 * and a generated 2-chromosome genome; 200 requests fired at once (160 predict of 1-4
 * sequences, 20 explain by saliency, 20 score-variant), plus 10 GET /api/model sent while the
 * worker is busy (the main thread must stay responsive). Every answer is checked against the
 * library called directly in this process (before the server starts). Three such bursts; prints
 * the latency percentiles per request kind and the throughput of the burst of median wall time.
 */
import { join } from 'node:path';
import { Random } from '../src/data/random.js';
import { explainSequences } from '../src/interpret/explain.js';
import { predictSequences } from '../src/interpret/predict.js';
import { scoreVariantAlleles } from '../src/interpret/variant-effect.js';
import { openGenome } from '../src/io/genome.js';
import { createModel } from '../src/models/registry.js';
import { describeModel, loadModel, saveModel } from '../src/models/saved-model.js';
import { manualSeed } from '../src/index.js';
import { randomDna, tempDir, writeGenome } from '../test/data/genomic-fixtures.js';
import { httpRequest, postJson, type HttpAnswer } from '../test/helpers/http-request.js';
import { startServe } from '../test/helpers/serve-process.js';

const LENGTH = 600;
const TASKS = 164;

type Kind = 'predict' | 'explain' | 'score-variant' | 'model-info';

interface LoadRequest {
  kind: Kind;
  path: string;
  body?: unknown;
  /** Throws when the answer is wrong. */
  check: (answer: HttpAnswer) => void;
}

function close(actual: number, expected: number, atol: number, rtol: number, what: string): void {
  if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) throw new Error(`${what}: got ${actual}, expected ${expected}`);
}

function ok(answer: HttpAnswer): void {
  if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function latencyLine(name: string, ms: readonly number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const f = (v: number) => `${v.toFixed(1)}ms`;
  return `BENCH serve-latency-${name} n=${s.length} p50=${f(percentile(s, 0.5))} p90=${f(percentile(s, 0.9))} p99=${f(percentile(s, 0.99))} max=${f(s[s.length - 1]!)}`;
}

interface Burst {
  seconds: number;
  latencies: Map<Kind, number[]>;
  failures: string[];
}

/** Sends every request at once (and 10 GET /api/model, one each 50 ms, meanwhile); checks and times each answer. */
async function burst(url: string, load: readonly LoadRequest[]): Promise<Burst> {
  const latencies = new Map<Kind, number[]>();
  const failures: string[] = [];
  const send = async (r: LoadRequest): Promise<void> => {
    const t0 = performance.now();
    const target = new URL(r.path, url).href;
    const answer = r.body === undefined ? await httpRequest(target) : await postJson(target, r.body);
    const ms = performance.now() - t0;
    try {
      r.check(answer);
    } catch (err) {
      failures.push(`${r.kind}: ${(err as Error).message}`);
    }
    latencies.set(r.kind, [...(latencies.get(r.kind) ?? []), ms]);
  };
  const modelInfo: LoadRequest = { kind: 'model-info', path: '/api/model', check: ok };
  const t0 = performance.now();
  const probes = new Promise<void>((resolve) => {
    const sent: Promise<void>[] = [];
    const timer = setInterval(() => {
      sent.push(send(modelInfo));
      if (sent.length === 10) {
        clearInterval(timer);
        void Promise.all(sent).then(() => resolve());
      }
    }, 50);
  });
  await Promise.all([...load.map(send), probes]);
  return { seconds: (performance.now() - t0) / 1000, latencies, failures };
}

export async function benchServeLoad(threads: number, emit: (line: string) => void, { requests = 200, rounds = 3 } = {}): Promise<void> {
  const tmp = tempDir('strand-serve-load-');
  const random = new Random(5);
  const chroms = [randomDna(random, 50_000), randomDna(random, 30_000)];
  const genome = writeGenome([['chr1', chroms[0]!], ['chr2', chroms[1]!]]);
  try {
    manualSeed(0);
    const options = { length: LENGTH, tasks: TASKS };
    const modelDir = join(tmp.dir, 'basset');
    const outputs = Array.from({ length: TASKS }, (_, t) => `task${t + 1}`);
    const built = createModel('basset', options);
    built.eval();
    saveModel(modelDir, built, describeModel({ architecture: { name: 'basset', options }, input: { kind: 'sequence', alphabet: 'ACGT', length: LENGTH }, task: { kind: 'binary', outputs } }));
    built.dispose();

    // The requests and their expected answers, computed here before the server starts.
    const explainCount = Math.round(requests * 0.1);
    const variantCount = Math.round(requests * 0.1);
    const predictCount = requests - explainCount - variantCount;
    const predictSets = Array.from({ length: predictCount }, (_, i) => Array.from({ length: 1 + (i % 4) }, () => randomDna(random, LENGTH)));
    const explainSeqs = Array.from({ length: explainCount }, () => randomDna(random, LENGTH));
    const variants = Array.from({ length: variantCount }, (_, i) => {
      const c = i % 2;
      const pos = 1000 + Math.floor(random.next() * (chroms[c]!.length - 2000));
      const ref = chroms[c]![pos - 1]!;
      return { chrom: `chr${c + 1}`, pos, ref, alt: ref === 'A' ? 'G' : 'A' };
    });
    const saved = loadModel(modelDir);
    const predicted = predictSequences(saved, predictSets.flat()).values;
    const explained = explainSequences(saved, explainSeqs, { method: 'saliency' });
    const g = await openGenome(genome.path, { writeIndex: false });
    const effects = await scoreVariantAlleles(saved, g, variants.map((v) => ({ chrom: v.chrom, start: v.pos - 1, ref: v.ref, alt: v.alt })));
    await g.close();
    saved.model.dispose();

    const load: LoadRequest[] = [];
    let row = 0;
    for (const set of predictSets) {
      const first = row;
      row += set.length;
      load.push({
        kind: 'predict',
        path: '/api/predict',
        body: { sequences: set.map((sequence) => ({ sequence })) },
        check: (a) => {
          ok(a);
          const body = a.json as { predictions: { values: Record<string, number> }[] };
          body.predictions.forEach((p, i) => outputs.forEach((o, t) => close(p.values[o]!, predicted[(first + i) * TASKS + t]!, 1e-5, 1e-4, `predict ${o}`)));
          if (body.predictions.length !== set.length) throw new Error(`expected ${set.length} predictions, got ${body.predictions.length}`);
        },
      });
    }
    explainSeqs.forEach((sequence, i) =>
      load.push({
        kind: 'explain',
        path: '/api/explain',
        body: { sequence, method: 'saliency' },
        check: (a) => {
          ok(a);
          const x = (a.json as { explanations: { attributions: number[][] }[] }).explanations[0]!;
          x.attributions.forEach((r, p) => r.forEach((v, b) => close(v, explained.attributions[(i * LENGTH + p) * 4 + b]!, 1e-6, 1e-3, `attribution ${p}`)));
        },
      }),
    );
    variants.forEach((v, i) =>
      load.push({
        kind: 'score-variant',
        path: '/api/score-variant',
        body: { variant: `${v.chrom}:${v.pos} ${v.ref}>${v.alt}` },
        check: (a) => {
          ok(a);
          const body = a.json as { scores: string[]; effects: { values: Record<string, number | null> }[] };
          const expected = effects.effects[i]!.values!;
          body.effects.forEach((e, t) => body.scores.forEach((s, k) => close(e.values[s] ?? Number.NaN, expected[t * body.scores.length + k]!, 1e-5, 1e-4, `variant ${s}`)));
        },
      }),
    );
    // Interleave the kinds, as independent clients would send them.
    const shuffled = load.map((r) => ({ r, key: random.next() })).sort((a, b) => a.key - b.key).map((x) => x.r);

    const serve = await startServe(['--model', modelDir, '--genome', genome.path, '--threads', String(threads)]);
    try {
      ok(await postJson(new URL('/api/predict', serve.url).href, { sequence: predictSets[0]![0] })); // warm-up
      const bursts: Burst[] = [];
      for (let r = 0; r < rounds; r++) bursts.push(await burst(serve.url, shuffled));
      const failures = bursts.flatMap((b) => b.failures);
      if (failures.length > 0) throw new Error(`${failures.length} of ${load.length * rounds} answers were wrong, e.g. ${failures[0]}`);
      // The round of median wall time (the machine's load varies between rounds).
      const walls = bursts.map((b) => b.seconds);
      const median = [...bursts].sort((a, b) => a.seconds - b.seconds)[rounds >> 1]!;
      const sequences = predictSets.flat().length + explainCount + variantCount * 2;
      emit(
        `BENCH serve-load requests=${load.length} (predict=${predictCount} explain=${explainCount} score-variant=${variantCount}) correct=${load.length}x${rounds} wall=${median.seconds.toFixed(2)}s throughput=${(load.length / median.seconds).toFixed(1)}req/s sequences=${(sequences / median.seconds).toFixed(1)}/s rounds=${walls.map((w) => w.toFixed(2)).join(',')}s basset-${LENGTH}bp-${TASKS}-outputs threads=${threads}`,
      );
      emit(latencyLine('all', [...median.latencies.entries()].filter(([k]) => k !== 'model-info').flatMap(([, v]) => v)));
      for (const kind of ['predict', 'explain', 'score-variant', 'model-info'] as const) emit(latencyLine(kind, median.latencies.get(kind) ?? []));
    } finally {
      await serve.stop();
    }
  } finally {
    genome.remove();
    tmp.remove();
  }
}
