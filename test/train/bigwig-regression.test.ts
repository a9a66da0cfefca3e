import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { Random } from '../../src/data/random.js';
import { trainFromConfig } from '../../src/train/run-training.js';
import { randomDna, tempDir, writeGenome } from '../data/genomic-fixtures.js';
import { writeBigWig, type BigWigSection } from '../io/bigwig-writer.js';

test('bigWig regression: a CNN predicts a track that counts motif copies (held-out Pearson > 0.8)', async () => {
  const tmp = tempDir('strand-bw-');
  let removeGenome = () => {};
  try {
    // Each peak holds 0-3 copies of a motif near its centre; the track's value there is the copy number.
    const random = new Random(12);
    const motif = 'TGACTCA';
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
    removeGenome = genome.remove;
    const bigwig = join(tmp.dir, 'signal.bw');
    writeFileSync(bigwig, writeBigWig({ chroms: chroms.map(([name, s]) => ({ name, size: s.length })), sections }));
    writeFileSync(join(tmp.dir, 'peaks.bed'), `${peaks.join('\n')}\n`);
    const config = parseConfig(
      trainConfigSchema,
      `seed: 2
data:
  kind: intervals
  genome: ${genome.path}
  tasks: [{ name: regions, peaks: ${join(tmp.dir, 'peaks.bed')} }]
  window: 200
  bin: 100
  negatives: { ratio: 0.3, gcMatch: false }
  tracks: [{ name: signal, path: ${bigwig} }]
  workers: 0
split: { validation: { chromosomes: [chr3] }, test: { chromosomes: [chr4] } }
task: { kind: regression }
model: { name: deepbind, options: { filters: 16, kernel: 9, pooling: maxavg, hidden: 16, dropout: 0 } }
train: { epochs: 25, batchSize: 16, optimizer: { name: adam, lr: 0.003 } }
`,
    );
    const result = await trainFromConfig(config, { outDir: join(tmp.dir, 'out') });
    assert.deepEqual(Object.keys(result.test.perTask), ['signal']);
    assert.ok(result.test.mean.pearson! > 0.8, `held-out Pearson ${result.test.mean.pearson}`);
  } finally {
    tmp.remove();
    removeGenome();
  }
});
