import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import type { BatchSource } from '../../src/data/batch.js';
import { Random } from '../../src/data/random.js';
import { decodeOneHot } from '../../src/genomics/decode.js';
import { prepareData } from '../../src/train/prepare-data.js';

const dir = mkdtempSync(join(tmpdir(), 'strand-table-splits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function randomSequence(random: Random, length: number): string {
  return Array.from({ length }, () => 'ACGT'[random.int(4)]).join('');
}

/** Every sequence and label of a batch source, in order. */
function contents(source: BatchSource): { sequences: string[]; labels: number[] } {
  const sequences: string[] = [];
  const labels: number[] = [];
  for (const batch of source.batches(0, 0) as Iterable<{ inputs: { dispose(): void }[]; targets: { toArray(): number[]; dispose(): void } }>) {
    sequences.push(...decodeOneHot(batch.inputs[0] as never));
    labels.push(...batch.targets.toArray().flat(2));
    batch.inputs.forEach((t) => t.dispose());
    batch.targets.dispose();
  }
  return { sequences, labels };
}

const dinucleotides = (s: string): string =>
  Array.from({ length: s.length - 1 }, (_, i) => s.slice(i, i + 2))
    .sort()
    .join();

test('shuffled negatives stay in their positive\'s split: validation holds whole pairs (DeepBind negatives never straddle train and validation)', async () => {
  const random = new Random(3);
  const rows = Array.from({ length: 200 }, (_, i) => `s${i}\t${randomSequence(random, 40)}\t1`);
  writeFileSync(join(dir, 'positives.tsv'), `id\tseq\tBound\n${rows.join('\n')}\n`);
  const config = parseConfig(
    trainConfigSchema,
    `seed: 5
data: { kind: table, path: ${join(dir, 'positives.tsv')}, sequenceColumn: seq, labelColumns: [Bound], idColumn: id, shuffledNegatives: 1 }
split: { validation: 0.1, test: 0.1 }
task: { kind: binary }
model: { name: deepbind }
`,
  );
  const data = await prepareData(config);
  try {
    for (const part of ['validation', 'test'] as const) {
      const { sequences, labels } = contents(data[part]);
      const positives = sequences.filter((_, i) => labels[i] === 1);
      const negatives = sequences.filter((_, i) => labels[i] === 0);
      // 10% of the 200 rows, each with its negative: 20 + 20
      assert.equal(positives.length, 20, part);
      assert.equal(negatives.length, 20, part);
      const counts = new Set(positives.map(dinucleotides));
      for (const n of negatives) assert.ok(counts.has(dinucleotides(n)), `${part}: a negative whose positive is in another split: ${n}`);
    }
    const train = contents(data.train);
    assert.equal(train.labels.filter((l) => l === 1).length, 160);
    assert.equal(train.labels.filter((l) => l === 0).length, 160);
  } finally {
    await data.close();
  }
});

test('data.splitColumn: rows keep the split the table gives them; a bad split name names file, line and column', async () => {
  const random = new Random(4);
  const split = (i: number) => (i % 10 === 0 ? 'validation' : i % 10 === 1 ? 'test' : 'train');
  const rows = Array.from({ length: 100 }, (_, i) => `${randomSequence(random, 30)}\t${i % 2}\t${split(i)}`);
  writeFileSync(join(dir, 'split.tsv'), `seq\tlabel\tfold\n${rows.join('\n')}\n`);
  const text = (path: string) => `seed: 1
data: { kind: table, path: ${path}, sequenceColumn: seq, labelColumns: [label], splitColumn: fold }
task: { kind: binary }
model: { name: deepbind }
`;
  const data = await prepareData(parseConfig(trainConfigSchema, text(join(dir, 'split.tsv'))));
  try {
    const sequences = rows.map((r) => r.split('\t')[0]!);
    for (const part of ['train', 'validation', 'test'] as const) {
      const expected = sequences.filter((_, i) => split(i) === part);
      // training batches are shuffled; validation and test keep the table's order
      const got = contents(data[part]).sequences;
      assert.deepEqual(part === 'train' ? [...got].sort() : got, part === 'train' ? [...expected].sort() : expected, part);
    }
  } finally {
    await data.close();
  }
  writeFileSync(join(dir, 'bad-split.tsv'), `seq\tlabel\tfold\nACGTACGT\t1\ttrain\nACGTACGA\t0\tvalid\n`);
  await assert.rejects(prepareData(parseConfig(trainConfigSchema, text(join(dir, 'bad-split.tsv')))), /bad-split\.tsv: line 3: fold: expected train, validation, test, got 'valid'/);
});
