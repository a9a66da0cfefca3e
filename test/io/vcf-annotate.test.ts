import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { AtomicFileWriter } from '../../src/io/atomic-write.js';
import { BGZF_EOF } from '../../src/io/bgzf.js';
import { countVcfRecords } from '../../src/io/vcf.js';
import { appendInfo, infoHeaderLine, infoKeyPart, insertHeaderLines } from '../../src/io/vcf-annotate.js';
import { SHARED_DATA, tempDir } from '../data/genomic-fixtures.js';

test('INFO header lines escape quotes and backslashes; keys are checked', () => {
  assert.equal(
    infoHeaderLine({ id: 'S_x.1', number: 'A', type: 'Float', description: 'say "hi" \\ bye' }),
    '##INFO=<ID=S_x.1,Number=A,Type=Float,Description="say \\"hi\\" \\\\ bye">',
  );
  assert.throws(() => infoHeaderLine({ id: '1bad', number: '1', type: 'Float', description: '' }), /not a valid VCF INFO key/);
  assert.equal(infoKeyPart('H3K27ac (liver)/rep-1'), 'H3K27ac__liver__rep_1');
});

test('appendInfo: after existing INFO, replacing ".", keeping FORMAT and sample columns', () => {
  assert.equal(appendInfo('1\t5\t.\tA\tG\t.\tPASS\tDP=3', ['X=1', 'F']), '1\t5\t.\tA\tG\t.\tPASS\tDP=3;X=1;F');
  assert.equal(appendInfo('1\t5\t.\tA\tG\t.\tPASS\t.\tGT\t0/1', ['X=1']), '1\t5\t.\tA\tG\t.\tPASS\tX=1\tGT\t0/1');
  assert.throws(() => appendInfo('1\t5\t.\tA', ['X=1']), /at least 8 tab-separated columns/);
  assert.equal(insertHeaderLines('##fileformat=VCFv4.2\n#CHROM\tPOS', ['##INFO=<x>']), '##fileformat=VCFv4.2\n##INFO=<x>\n#CHROM\tPOS');
});

test('BGZF output: gunzip reads back exactly what was written, ending with the EOF block', () => {
  const { dir, remove } = tempDir();
  try {
    const path = join(dir, 'out.txt.gz');
    const writer = new AtomicFileWriter(path, { bgzf: true });
    const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i}\t${'ACGT'.repeat(i % 7)}\n`);
    for (const l of lines) writer.write(l);
    writer.commit();
    const bytes = readFileSync(path);
    assert.equal(gunzipSync(bytes).toString('utf8'), lines.join(''));
    assert.deepEqual(bytes.subarray(bytes.length - 28), Buffer.from(BGZF_EOF));
    assert.ok(bytes.length > 3 * 28, 'several blocks');
  } finally {
    remove();
  }
});

test('countVcfRecords counts data lines of plain and bgzip VCFs', async () => {
  assert.equal(await countVcfRecords(join(SHARED_DATA, 'human_chr20_1mb_1kgp3', 'z.vcf.gz')), 28998);
  const { dir, remove } = tempDir();
  try {
    writeFileSync(join(dir, 'a.vcf'), '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\r\n1\t1\t.\tA\tG\t.\t.\t.\r\n1\t2\t.\tA\tG\t.\t.\t.');
    assert.equal(await countVcfRecords(join(dir, 'a.vcf')), 2);
  } finally {
    remove();
  }
});
