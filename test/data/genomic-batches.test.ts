import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.js';
import type { Batch } from '../../src/data/batch.js';
import { genomicBatches, type GenomicBatchOptions, type GenomicBatchSource } from '../../src/data/genomic-batches.js';
import { Random } from '../../src/data/random.js';
import { writeTwoBit } from '../../src/io/twobit-writer.js';
import type { GenomicInterval } from '../../src/genomics/intervals.js';
import { expectedOneHot, randomDna, SHARED_DATA, tempDir, writeGenome } from './genomic-fixtures.js';

const L = 100;

/** chr1 (5000 bases, with lower case and N runs) and chr2 (3000); 45 windows, two reaching outside. */
function fixture() {
  const random = new Random(21);
  let chr1 = randomDna(random, 5000);
  chr1 = chr1.slice(0, 700) + chr1.slice(700, 760).toLowerCase() + 'N'.repeat(30) + chr1.slice(790);
  const chr2 = randomDna(random, 3000, 0.6);
  const chroms = [['chr1', chr1], ['chr2', chr2]] as const;
  const windows: GenomicInterval[] = [];
  for (let i = 0; i < 43; i++) {
    const chrom = i % 3 === 0 ? 'chr2' : 'chr1';
    const size = chrom === 'chr1' ? 5000 : 3000;
    const start = random.int(size - L + 1);
    windows.push({ chrom, start, end: start + L });
  }
  windows.push({ chrom: 'chr2', start: 2950, end: 2950 + L }); // past the end: padded with N
  windows.push({ chrom: 'chr1', start: -20, end: L - 20 }); // before the start
  const T = 3;
  const targets = new Float32Array(windows.length * T);
  for (let i = 0; i < windows.length; i++) for (let t = 0; t < T; t++) targets[i * T + t] = i * 10 + t;
  return { seqs: new Map<string, string>(chroms), genome: writeGenome(chroms), windows, targets: { values: targets, shape: [windows.length, T] } };
}

interface Plain {
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
}

function plain(batch: Batch): Plain {
  const [x] = batch.inputs;
  const out = { x: Float32Array.from(x!.data<Float32Array>()), xShape: x!.shape, y: Float32Array.from(batch.targets.data<Float32Array>()), yShape: batch.targets.shape };
  x!.dispose();
  batch.targets.dispose();
  return out;
}

async function collect(source: GenomicBatchSource, epoch: number, from = 0): Promise<Plain[]> {
  const out: Plain[] = [];
  for await (const batch of source.batches(epoch, from)) out.push(plain(batch));
  return out;
}

test('genomicBatches: each batch is the one-hot of its planned (shifted, flipped) windows; targets follow', async () => {
  const f = fixture();
  const options: GenomicBatchOptions = {
    genome: f.genome.path, windows: f.windows, targets: f.targets, batchSize: 8, seed: 5,
    reverseComplement: 0.5, shift: 10, strandPairs: [[0, 1]], workers: 0,
  };
  const source = await genomicBatches(options);
  try {
    assert.equal(source.batchesPerEpoch, 6);
    assert.equal(source.size, 45);
    const batches = await collect(source, 0);
    assert.equal(batches.length, 6);
    const seen: number[] = [];
    let flips = 0;
    let moved = 0;
    batches.forEach((batch, b) => {
      const plan = source.plan(0, b);
      const n = plan.indices.length;
      assert.equal(n, b < 5 ? 8 : 5);
      assert.deepEqual(batch.xShape, [n, 4, L]);
      assert.deepEqual(batch.yShape, [n, 3]);
      for (let i = 0; i < n; i++) {
        const index = plan.indices[i]!;
        seen.push(index);
        const original = f.windows[index]!;
        const size = f.seqs.get(original.chrom)!.length;
        const d = plan.shifts[i]!;
        const inside = original.start >= 0 && original.end <= size;
        assert.ok(Math.abs(d) <= 10);
        if (inside) assert.ok(original.start + d >= 0 && original.end + d <= size, 'a shift keeps the window inside');
        else assert.equal(d, 0, 'windows already outside are not moved');
        assert.deepEqual(plan.windows[i], { chrom: original.chrom, start: original.start + d, end: original.end + d });
        const flip = plan.flips[i] === 1;
        flips += Number(flip);
        moved += Number(d !== 0);
        const expected = expectedOneHot(f.seqs.get(original.chrom)!, original.start + d, L, flip);
        assert.deepEqual(batch.x.subarray(i * 4 * L, (i + 1) * 4 * L), expected, `batch ${b} sample ${i}`);
        // targets: row `index`, strand pair (0, 1) swapped when flipped
        const row = [index * 10, index * 10 + 1, index * 10 + 2];
        assert.deepEqual([...batch.y.subarray(i * 3, i * 3 + 3)], flip ? [row[1], row[0], row[2]] : row);
      }
    });
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 45 }, (_, i) => i), 'every window once per epoch');
    assert.ok(flips > 10 && flips < 35, `flips ${flips}`);
    assert.ok(moved > 30, `moved ${moved}`);
  } finally {
    await source.close();
    f.genome.remove();
  }
});

test('genomicBatches: identical batches in-thread and with 1 or 2 workers; seeded; resume from batch k is exact', async () => {
  const f = fixture();
  const base: GenomicBatchOptions = {
    genome: f.genome.path, windows: f.windows, targets: f.targets, batchSize: 7, seed: 11, reverseComplement: 0.5, shift: 5,
  };
  const inThread = await genomicBatches({ ...base, workers: 0 });
  const one = await genomicBatches({ ...base, workers: 1 });
  const two = await genomicBatches({ ...base, workers: 2, prefetch: 3 });
  try {
    const reference = await collect(inThread, 1);
    assert.equal(reference.length, 7);
    assert.deepEqual(await collect(one, 1), reference);
    assert.deepEqual(await collect(two, 1), reference);
    assert.deepEqual(await collect(one, 1), reference, 'the same epoch again');
    // resume: batches(1, 4) are batches 4.. of the uninterrupted epoch, in-thread and with workers
    assert.deepEqual(await collect(one, 1, 4), reference.slice(4));
    assert.deepEqual(await collect(inThread, 1, 4), reference.slice(4));
    assert.deepEqual(await collect(two, 1, 7), []);
    // stopping early, then resuming, gives the same batches
    const partial: Plain[] = [];
    for await (const batch of one.batches(1, 0)) {
      partial.push(plain(batch));
      if (partial.length === 2) break;
    }
    assert.deepEqual([...partial, ...(await collect(one, 1, 2))], reference);
    // other epochs and seeds differ
    assert.notDeepEqual((await collect(one, 2))[0], reference[0]);
    const reseeded = await genomicBatches({ ...base, seed: 12, workers: 0 });
    assert.notDeepEqual((await collect(reseeded, 1))[0], reference[0]);
    await reseeded.close();
    // without shuffling, batches are the windows in order
    const ordered = await genomicBatches({ ...base, shuffle: false, reverseComplement: 0, shift: 0, workers: 1 });
    const first = (await collect(ordered, 3))[0]!;
    assert.deepEqual(first.x.subarray(0, 4 * L), expectedOneHot(f.seqs.get(f.windows[0]!.chrom)!, f.windows[0]!.start, L, false));
    await ordered.close();
  } finally {
    await Promise.all([inThread.close(), one.close(), two.close()]);
    f.genome.remove();
  }
});

test('genomicBatches: a 2bit genome gives the same batches in workers and in-thread, equal to the sequences', async () => {
  const f = fixture();
  const path = join(f.genome.dir, 'genome.2bit');
  writeTwoBit(path, [...f.seqs].map(([name, sequence]) => ({ name, sequence })));
  const base: GenomicBatchOptions = { genome: path, windows: f.windows, targets: f.targets, batchSize: 16, seed: 3, reverseComplement: 0.5, shift: 8 };
  const inThread = await genomicBatches({ ...base, workers: 0 });
  const worker = await genomicBatches({ ...base, workers: 1 });
  try {
    const reference = await collect(inThread, 0);
    assert.deepEqual(await collect(worker, 0), reference);
    reference.forEach((batch, b) => {
      const plan = inThread.plan(0, b);
      plan.windows.forEach((x, i) => {
        assert.deepEqual(batch.x.subarray(i * 4 * L, (i + 1) * 4 * L), expectedOneHot(f.seqs.get(x.chrom)!, x.start, L, plan.flips[i] === 1));
      });
    });
  } finally {
    await Promise.all([inThread.close(), worker.close()]);
    f.genome.remove();
  }
});

test('genomicBatches: profile targets are reversed (and strand pairs swapped) for reverse-complemented samples', async () => {
  const f = fixture();
  const N = f.windows.length;
  const P = 4;
  const values = new Float32Array(N * 2 * P);
  for (let i = 0; i < values.length; i++) values[i] = i;
  const source = await genomicBatches({
    genome: f.genome.path, windows: f.windows, targets: { values, shape: [N, 2, P] }, batchSize: 45, reverseComplement: 0.5, strandPairs: [[0, 1]], seed: 2, workers: 0,
  });
  try {
    const [batch] = await collect(source, 0);
    const plan = source.plan(0, 0);
    for (let i = 0; i < N; i++) {
      const r = plan.indices[i]! * 2 * P;
      const plus = [0, 1, 2, 3].map((p) => r + p);
      const minus = [0, 1, 2, 3].map((p) => r + P + p);
      // flipped: plus strand <- reversed minus profile, minus <- reversed plus
      const expected = plan.flips[i] === 1 ? [...minus.reverse(), ...plus.reverse()] : [...plus, ...minus];
      assert.deepEqual([...batch!.y.subarray(i * 2 * P, (i + 1) * 2 * P)], expected);
    }
    assert.ok(plan.flips.some((v) => v === 1) && plan.flips.some((v) => v === 0));
    await assert.rejects(
      genomicBatches({ genome: f.genome.path, windows: f.windows, targets: { values, shape: [N, 2, P] }, batchSize: 4, shift: 3 }),
      (e: unknown) => e instanceof InputError && e.message.includes('shift needs [N, T] targets'),
    );
  } finally {
    await source.close();
    f.genome.remove();
  }
});

test('genomicBatches: bad input is an InputError before any read; worker errors reach the consumer; closed sources refuse', async () => {
  const f = fixture();
  const base = { genome: f.genome.path, targets: f.targets, batchSize: 4 };
  try {
    const unknown = f.windows.map((w, i) => (i === 3 ? { ...w, chrom: 'chrX' } : i === 5 ? { ...w, chrom: '1' } : w));
    await assert.rejects(genomicBatches({ ...base, windows: unknown }), (e: unknown) => e instanceof InputError && e.message.includes('2 chromosome names of the windows not in') && e.message.includes('chrX, 1'));
    const ragged = f.windows.map((w, i) => (i === 2 ? { ...w, end: w.end + 1 } : w));
    await assert.rejects(genomicBatches({ ...base, windows: ragged }), (e: unknown) => e instanceof InputError && e.message.includes('window 2'));
    await assert.rejects(genomicBatches({ ...base, windows: f.windows, targets: { values: new Float32Array(3), shape: [3, 1] } }), InputError);
    for (const bad of [{ batchSize: 0 }, { reverseComplement: 2 }, { shift: -1 }, { workers: -1 }, { prefetch: 0 }]) {
      await assert.rejects(genomicBatches({ ...base, windows: f.windows, ...bad }), InputError, JSON.stringify(bad));
    }
    await assert.rejects(genomicBatches({ ...base, windows: f.windows, genome: join(f.genome.dir, 'missing.fa') }), InputError);
    // an empty split is zero batches, not an error
    const empty = await genomicBatches({ ...base, windows: [], targets: { values: new Uint8Array(0), shape: [0, 2] } });
    assert.equal(empty.batchesPerEpoch, 0);
    assert.deepEqual(await collect(empty, 0), []);
    await empty.close();

    // An invalid base in the FASTA fails in the worker and surfaces as the InputError it threw.
    const broken = writeGenome([['chr1', 'ACGT'.repeat(50) + '*' + 'ACGT'.repeat(50)]]);
    const windows = [0, 40, 150, 60].map((start) => ({ chrom: 'chr1', start, end: start + 100 }));
    const source = await genomicBatches({ genome: broken.path, windows, targets: { values: new Float32Array(4), shape: [4, 1] }, batchSize: 1, shuffle: false, workers: 1 });
    const got: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const batch of source.batches(0, 0)) got.push(plain(batch).x.length);
      })(),
      (e: unknown) => e instanceof InputError && e.message.includes("invalid DNA character '*'"),
    );
    assert.deepEqual(got, [400, 400]); // windows at 0 and 40 are clean; [150, 250) holds the '*' (base 200)
    // the pool was stopped; a new iteration starts a new one
    assert.equal((await collect(source, 0, 3)).length, 1);
    await source.close();
    await assert.rejects(collect(source, 0), (e: unknown) => e instanceof InputError && e.message.includes('closed'));
    broken.remove();
  } finally {
    f.genome.remove();
  }
});

test('genomicBatches: a script that never calls close() exits promptly (workers do not hold the process)', () => {
  const f = fixture();
  const { dir, remove } = tempDir();
  try {
    const module = fileURLToPath(new URL('../../src/data/genomic-batches.js', import.meta.url));
    const script = join(dir, 'loader.mjs');
    writeFileSync(script, `
import { genomicBatches } from ${JSON.stringify(module)};
const windows = ${JSON.stringify(f.windows.slice(0, 40))};
const source = await genomicBatches({ genome: ${JSON.stringify(f.genome.path)}, windows, targets: { values: new Float32Array(40), shape: [40, 1] }, batchSize: 2, workers: 2, prefetch: 6 });
let n = 0;
for await (const batch of source.batches(0, 0)) { batch.inputs[0].dispose(); batch.targets.dispose(); if (++n === 3) break; }
console.log('done', n);
`);
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.signal, null, 'timed out: the process hung');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'done 3');
  } finally {
    remove();
    f.genome.remove();
  }
});

test('the worker script imports no native code: only core/errors.js from src/core', () => {
  const root = fileURLToPath(new URL('../../src/', import.meta.url));
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
    }
  };
  visit(join(root, 'data', 'window-worker.js'));
  const core = [...seen].filter((p) => p.startsWith(join(root, 'core'))).map((p) => p.slice(root.length));
  assert.deepEqual(core, ['core/errors.js']);
  assert.ok(seen.has(join(root, 'genomics', 'encode-bytes.js')) && seen.has(join(root, 'io', 'genome.js')));
});

async function measure(label: string, path: string, chrom: string, size: number, N: number, workers: number): Promise<void> {
  const random = new Random(1);
  const windows = Array.from({ length: N }, () => {
    const start = random.int(size - 1000);
    return { chrom, start, end: start + 1000 };
  });
  const targets = { values: new Uint8Array(N), shape: [N, 1] };
  const source = await genomicBatches({ genome: path, windows, targets, batchSize: 128, seed: 1, reverseComplement: 0.5, shift: 20, workers });
  try {
    await collect(source, 0, source.batchesPerEpoch - 1); // warm-up (workers start, genome opens)
    const t0 = performance.now();
    let count = 0;
    for await (const batch of source.batches(0, 0)) {
      count += batch.inputs[0]!.shape[0]!;
      batch.inputs[0]!.dispose();
      batch.targets.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`THROUGHPUT genomicBatches ${label} workers=${workers} batch=128 L=1000: ${Math.round(count / seconds)} windows/s (${count} windows, tensors included)`);
  } finally {
    await source.close();
  }
}

test('throughput (printed, not asserted): 1,000 bp windows per second', async () => {
  // yeast chrIV: plain gzip, decompressed into memory (synchronous reads)
  const yeast = join(SHARED_DATA, 'yeast_chrIV_pho4', 'sacCer3_chrIV.fa.gz');
  for (const workers of [0, 1, 2]) await measure('yeast-chrIV(gzip, in memory)', yeast, 'chrIV', 1_531_933, 16_384, workers);
  // the same as plain FASTA on disk (+ .fai): one positioned read per window
  const tmp = tempDir();
  try {
    const plainFasta = join(tmp.dir, 'chrIV.fa');
    writeFileSync(plainFasta, gunzipSync(readFileSync(yeast)));
    for (const workers of [0, 1, 2]) await measure('yeast-chrIV(plain FASTA)', plainFasta, 'chrIV', 1_531_933, 16_384, workers);
  } finally {
    tmp.remove();
  }
  // human chr20 slice: BGZF + .fai + .gzi, read through @gmod/indexedfasta (asynchronous)
  const human = join(SHARED_DATA, 'human_chr20_1mb_1kgp3', 'z.fa.gz');
  for (const workers of [0, 1, 2]) await measure('human-chr20-1mb(bgzip)', human, 'z', 1_000_000, 2_048, workers);
});

test('genomicBatches with a shard: ranks take disjoint interleaved parts of one epoch order (padded by wrapping); one rank is the whole source', async () => {
  const f = fixture();
  const options: GenomicBatchOptions = { genome: f.genome.path, windows: f.windows, targets: f.targets, batchSize: 4, seed: 9, workers: 0 };
  const whole = await genomicBatches(options);
  const ranks = await Promise.all([0, 1].map((rank) => genomicBatches({ ...options, shard: { rank, worldSize: 2 } })));
  const alone = await genomicBatches({ ...options, shard: { rank: 0, worldSize: 1 } });
  try {
    for (const epoch of [0, 1]) {
      const order = Array.from({ length: whole.batchesPerEpoch }, (_, b) => [...whole.plan(epoch, b).indices]).flat();
      assert.deepEqual(Array.from({ length: alone.batchesPerEpoch }, (_, b) => [...alone.plan(epoch, b).indices]).flat(), order);
      // 45 windows on 2 ranks: 23 each, rank 1's last one wraps to the order's first.
      const shares = ranks.map((s) => Array.from({ length: s.batchesPerEpoch }, (_, b) => [...s.plan(epoch, b).indices]).flat());
      assert.deepEqual(ranks.map((s) => s.batchesPerEpoch), [6, 6]);
      assert.deepEqual(shares[0], order.filter((_, p) => p % 2 === 0));
      assert.deepEqual(shares[1], [...order.filter((_, p) => p % 2 === 1), order[0]]);
    }
    const [x0] = (await collect(ranks[1]!, 0)).slice(-1);
    assert.equal(x0!.xShape[0], 3, 'rank 1 ends on 23 - 5 x 4 = 3 windows');
  } finally {
    for (const s of [whole, alone, ...ranks]) await s.close();
    f.genome.remove();
  }
});
