import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Random } from '../../src/data/random.js';
import { openGenome } from '../../src/io/genome.js';
import { scoreVcf, VariantProblemTally } from '../../src/interpret/score-vcf.js';
import { randomDna, writeGenome } from '../data/genomic-fixtures.js';
import { countingModel } from '../helpers/counting-model.js';

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
    let early = 0;
    let peak = 0;
    for await (const batch of scoring.batches) {
      for (const { record, alleles } of batch) {
        assert.equal(record.ids[0], `v${seen}`);
        const diff = alleles[0]!.values![0]!; // output A: one A more or one A less
        assert.equal(Math.round(diff), record.alts[0] === 'A' ? 1 : -1);
        tally.add(alleles[0]!);
        seen++;
      }
      if (seen >= 100_000 && early === 0) early = process.memoryUsage().rss;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    assert.equal(seen, count);
    assert.equal(tally.skipped, 0);
    assert.ok(peak - early < 64 * 2 ** 20, `resident memory grew by ${((peak - early) / 2 ** 20).toFixed(1)} MB between variant 100,000 and 300,000 (a leak of 1 KB a variant would be 200 MB)`);
  } finally {
    await genome.close();
    saved.model.dispose();
    fixture.remove();
  }
});
