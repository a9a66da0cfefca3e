import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { Random } from '../../src/data/random.js';
import { discoverMotifs } from '../../src/interpret/discover-motifs.js';
import { saliencyExamples } from '../../src/interpret/explain.js';
import { loadModel } from '../../src/models/saved-model.js';
import { readNpy } from '../../src/io/npy.js';
import { trainFromConfig } from '../../src/train/run-training.js';
import { randomDna, tempDir, writeGenome } from '../data/genomic-fixtures.js';
import { writeBigWig, type BigWigSection } from '../io/bigwig-writer.js';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

const MOTIF = 'TGACTCA';

/** A genome whose peaks hold 0-3 motif copies, a bigWig track equal to the copy number over each peak, and the peaks BED. */
function motifCopyData(tmpDir: string): { genome: { path: string; remove(): void }; bigwig: string; peaks: string; chroms: [string, string][] } {
  // Each peak holds 0-3 copies of a motif near its centre; the track's value there is the copy number.
  const random = new Random(12);
  const motif = MOTIF;
  const chroms: [string, string][] = [];
  const peaks: string[] = [];
  const sections: BigWigSection[] = [];
  for (const name of ['chr1', 'chr2', 'chr3', 'chr4']) {
    let seq = randomDna(random, 150_000);
    const items: [number, number, number][] = [];
    for (let k = 0; k < 70; k++) {
      const centre = 1_500 + k * 2_000;
      const copies = random.int(4);
      for (let c = 0; c < copies; c++) {
        const at = centre - 40 + c * 25;
        seq = seq.slice(0, at) + motif + seq.slice(at + motif.length);
      }
      items.push([centre - 50, centre + 50, copies]);
      peaks.push(`${name}\t${centre - 50}\t${centre + 50}`);
    }
    chroms.push([name, seq]);
    sections.push({ chrom: name, type: 'bedGraph', items });
  }
  const genome = writeGenome(chroms);
  const bigwig = join(tmpDir, 'signal.bw');
  writeFileSync(bigwig, writeBigWig({ chroms: chroms.map(([name, s]) => ({ name, size: s.length })), sections }));
  writeFileSync(join(tmpDir, 'peaks.bed'), `${peaks.join('\n')}\n`);
  return { genome, bigwig, peaks: join(tmpDir, 'peaks.bed'), chroms };
}

/**
 * The report's held-out examples of a model of motif copies: the highest predictions hold at
 * least two copies (a peak holds 0-3), and with `saliencyRatio` the mean |saliency| within the
 * copies is that many times the mean elsewhere.
 */
function assertExamplesHoldMotif(outDir: string, { saliencyRatio }: { saliencyRatio?: number } = {}): void {
  const folder = join(outDir, 'examples');
  const description = JSON.parse(readFileSync(join(folder, 'explain.json'), 'utf8')) as { title: string; tasks: string[] };
  assert.equal(description.title, 'Held-out sequences with the highest predictions');
  assert.deepEqual(description.tasks, ['signal', 'signal']);
  const sequences = readFileSync(join(folder, 'sequences.fa'), 'utf8').trim().split('\n').filter((_, i) => i % 2 === 1);
  const { data, shape } = readNpy(join(folder, 'attributions.npy'));
  const [, L] = shape as [number, number, number];
  sequences.forEach((s, n) => {
    const inMotif = new Set<number>();
    for (let at = s.indexOf(MOTIF); at >= 0; at = s.indexOf(MOTIF, at + 1)) for (let k = 0; k < MOTIF.length; k++) inMotif.add(at + k);
    assert.ok(inMotif.size >= 2 * MOTIF.length, `example ${n + 1} holds ${inMotif.size / MOTIF.length} copies of ${MOTIF}`);
    if (saliencyRatio === undefined) return;
    let inside = 0;
    let outside = 0;
    for (let p = 0; p < L; p++) {
      let total = 0;
      for (let c = 0; c < 4; c++) total += Math.abs(data[(n * L + p) * 4 + c]!);
      if (inMotif.has(p)) inside += total / inMotif.size;
      else outside += total / (L - inMotif.size);
    }
    assert.ok(inside > saliencyRatio * outside, `example ${n + 1}: mean |saliency| ${inside} within the motif vs ${outside} elsewhere`);
  });
}

/** The config's seed, data (windows around the peaks, the track as targets) and split sections. */
function dataSection({ genome, bigwig, peaks }: ReturnType<typeof motifCopyData>): string {
  return `seed: ${outcomeSeed(2)}
data:
  kind: intervals
  genome: ${genome.path}
  tasks: [{ name: regions, peaks: ${peaks} }]
  window: 200
  bin: 100
  negatives: { ratio: 0.3, gcMatch: false }
  tracks: [{ name: signal, path: ${bigwig} }]
  workers: 0
split: { validation: { chromosomes: [chr3] }, test: { chromosomes: [chr4] } }
`;
}

test('bigWig regression: a CNN predicts a track that counts motif copies (held-out Pearson > 0.8)', async () => {
  const tmp = tempDir('strand-bw-');
  let removeGenome = () => {};
  try {
    const data = motifCopyData(tmp.dir);
    removeGenome = data.genome.remove;
    const config = parseConfig(
      trainConfigSchema,
      `${dataSection(data)}task: { kind: regression }
model: { name: deepbind, options: { filters: 16, kernel: 9, pooling: maxavg, hidden: 16, dropout: 0 } }
train: { epochs: 25, batchSize: 16, optimizer: { name: adam, lr: 0.003 } }
`,
    );
    const result = await trainFromConfig(config, { outDir: join(tmp.dir, 'out'), explainExamples: saliencyExamples });
    assert.deepEqual(Object.keys(result.test.perTask), ['signal']);
    // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.843
    reportOutcome('bigwig-regression-pearson', result.test.mean.pearson!, '> 0.8');
    assert.ok(result.test.mean.pearson! > 0.8, `held-out Pearson ${result.test.mean.pearson}`);
    assertExamplesHoldMotif(join(tmp.dir, 'out'), { saliencyRatio: 3 });
  } finally {
    tmp.remove();
    removeGenome();
  }
});

test('profile task (BPNet-style): base-resolution counts, multinomial + count loss; predicted totals track observed ones', async () => {
  const tmp = tempDir('strand-profile-');
  let removeGenome = () => {};
  try {
    const data = motifCopyData(tmp.dir);
    removeGenome = data.genome.remove;
    const config = parseConfig(
      trainConfigSchema,
      `${dataSection(data)}task: { kind: profile, countWeight: 10 }
model: { name: bpnet, options: { filters: 16, stemKernel: 9, layers: 3, profileKernel: 9 } }
train: { epochs: 15, batchSize: 16, optimizer: { name: adam, lr: 0.004 } }
`,
    );
    const result = await trainFromConfig(config, { outDir: join(tmp.dir, 'out'), explainExamples: saliencyExamples });
    assert.ok(result.history.at(-1)!.train_loss! < result.history[0]!.train_loss!, 'the profile loss falls');
    // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.637
    reportOutcome('profile-log-counts-pearson', result.test.mean.pearson!, '> 0.5');
    assert.ok(result.test.mean.pearson! > 0.5, `held-out Pearson of log total counts ${result.test.mean.pearson}`);
    assertExamplesHoldMotif(join(tmp.dir, 'out'));
    // Seqlets of either head's attributions over the test chromosome's peaks find the motif first.
    const saved = loadModel(join(tmp.dir, 'out'));
    const chr4 = data.chroms.find(([name]) => name === 'chr4')![1];
    const peaks = Array.from({ length: 70 }, (_, k) => chr4.slice(1_400 + k * 2_000, 1_600 + k * 2_000));
    for (const head of ['counts', 'profile'] as const) {
      const seqlets = discoverMotifs(saved, peaks, { head }).filter((m) => m.source === 'seqlets');
      const consensus = seqlets[0]!.pwm.map((row) => 'ACGT'[row.indexOf(Math.max(...row))]).join('');
      // the motif (either strand) within the seqlet, or a core of at least 5 of its 7 bases (seed offset 2
      // of make test-kernels trimmed the profile head's seqlet to ACTCA; a random 5-mer matches 1 in ~170)
      const found = [MOTIF, 'TGAGTCA'].some((m) => consensus.includes(m) || (consensus.length >= 5 && m.includes(consensus)));
      assert.ok(found, `${head} head: first seqlet motif ${consensus}`);
    }
    saved.model.dispose();
  } finally {
    tmp.remove();
    removeGenome();
  }
});
