import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Random } from '../../src/data/random.js';
import { openGenome } from '../../src/io/genome.js';
import { scoreVcf, VariantProblemTally } from '../../src/interpret/score-vcf.js';
import { randomDna, writeGenome } from '../data/genomic-fixtures.js';
import { countingModel } from '../helpers/counting-model.js';
import { megabytes as mb, retainedMemory, type Retained } from '../helpers/memory.js';

test('scoreVcf streams 300,000 variants with bounded memory, in file order [slow]', async () => {
  const random = new Random(7);
  const sequence = randomDna(random, 400_000);
  const fixture = writeGenome([['chr1', sequence]]);
  const saved = countingModel('regression', 50);
  const genome = await openGenome(fixture.path);
  try {
    const vcf = join(fixture.dir, 'many.vcf');
    const fd = openSync(vcf, 'w');
    writeSync(fd, '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n');
    const count = 300_000;
    for (let first = 0; first < count; first += 10_000) {
      const lines: string[] = [];
      for (let i = first; i < first + 10_000; i++) {
        const p = 100 + Math.floor((i * (sequence.length - 200)) / count);
        lines.push(`chr1\t${p + 1}\tv${i}\t${sequence[p]}\t${sequence[p] === 'A' ? 'G' : 'A'}\t.\tPASS\t.\n`);
      }
      writeSync(fd, lines.join(''));
    }
    closeSync(fd);
    const scoring = await scoreVcf(saved, genome, vcf, { scores: ['diff'], batchSize: 256 });
    const tally = new VariantProblemTally(vcf);
    let seen = 0;
    let early: Retained | undefined;
    for await (const batch of scoring.batches) {
      for (const { record, alleles } of batch) {
        assert.equal(record.ids[0], `v${seen}`);
        const diff = alleles[0]!.values![0]!; // output A: one A more or one A less
        assert.equal(Math.round(diff), record.alts[0] === 'A' ? 1 : -1);
        tally.add(alleles[0]!);
        seen++;
      }
      if (seen >= 100_000 && early === undefined) early = retainedMemory();
    }
    assert.equal(seen, count);
    assert.equal(tally.skipped, 0);
    // What is still held after a full collection, not what garbage collection has yet to free
    // (which depends on how busy the machine is): a leak of 1 KB a variant would be 200 MB.
    const late = retainedMemory();
    assert.ok(late.heap - early!.heap < 32 * 2 ** 20, `the JS heap and its buffers kept ${mb(late.heap - early!.heap)} more after variant 300,000 than after 100,000`);
    assert.ok(late.tensors - early!.tensors <= 8, `${late.tensors - early!.tensors} more live tensors after variant 300,000 than after 100,000`);
    assert.ok(late.rss - early!.rss < 160 * 2 ** 20, `resident memory grew by ${mb(late.rss - early!.rss)} between variant 100,000 and 300,000`);
  } finally {
    await genome.close();
    saved.model.dispose();
    fixture.remove();
  }
});
