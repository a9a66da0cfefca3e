/**
 * Left-alignment and trimming of variant alleles: cases worked by hand, and 3,000 indels and
 * block substitutions written at random places of the 1 Mb chr20 slice (many inside repeats,
 * not left-aligned) normalised exactly as `bcftools norm -f` does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Random } from '../../src/data/random.js';
import { leftAlignAllele, leftAlignWithGenome } from '../../src/genomics/variant-normalize.js';
import type { VariantAllele } from '../../src/genomics/variant-windows.js';
import { SHARED_DATA, tempDir } from '../data/genomic-fixtures.js';
import { needTool } from '../helpers/tools.js';

const at = (start: number, ref: string, alt: string): VariantAllele => ({ chrom: 'c', start, ref, alt });
const align = (genome: string, a: VariantAllele) => leftAlignAllele(a, genome.slice(0, a.start + a.ref.length), 0);

test('by hand: an indel in a run moves to the run start; shared bases are trimmed; what cannot move stays', () => {
  const g = 'GCAAAAT'; // G0 C1 A2 A3 A4 A5 T6
  // Deleting one A of the run, however written, is C1 A2 -> C1.
  for (const written of [at(3, 'AA', 'A'), at(4, 'AA', 'A'), at(5, 'AT', 'T'), at(2, 'AAAA', 'AAA')]) assert.deepEqual(align(g, written), at(1, 'CA', 'C'), JSON.stringify(written));
  // Inserting an A into the run.
  assert.deepEqual(align(g, at(5, 'A', 'AA')), at(1, 'C', 'CA'));
  assert.deepEqual(align(g, at(6, 'T', 'AT')), at(1, 'C', 'CA'));
  // A block substitution with shared flanks becomes the SNV inside it.
  assert.deepEqual(align(g, at(1, 'CAA', 'CTA')), at(2, 'A', 'T'));
  // Unchanged: a SNV, a symbolic allele, a deletion at the chromosome start, equal alleles.
  assert.deepEqual(align(g, at(2, 'A', 'G')), at(2, 'A', 'G'));
  assert.deepEqual(align(g, at(1, 'C', '<DEL>')), at(1, 'C', '<DEL>'));
  assert.deepEqual(align('AAAT', at(0, 'AA', 'A')), at(0, 'AA', 'A'));
  assert.deepEqual(align(g, at(2, 'A', 'A')), at(2, 'A', 'A'));
  // Lower case is compared as upper case.
  assert.deepEqual(align(g, at(4, 'aa', 'a')), at(1, 'CA', 'C'));
  // Too little context to the left: ask for more; the genome reader gives it.
  assert.equal(leftAlignAllele(at(5, 'AT', 'T'), g.slice(4, 7), 4), 'more');
});

test('leftAlignWithGenome reads further left as needed: a deletion at the end of a 300 bp run moves to its start', async () => {
  const genome = `GGC${'A'.repeat(300)}TTG`;
  const reads: number[] = [];
  const fetch = (start: number, end: number) => {
    reads.push(start);
    return genome.slice(start, end);
  };
  assert.deepEqual(await leftAlignWithGenome(at(301, 'AA', 'A'), fetch), at(2, 'CA', 'C'));
  assert.deepEqual(reads, [237, 173, 45, 0]);
});

test('3,000 random indels and block substitutions in chr20 are normalised as bcftools norm -f does', (t) => {
  if (!needTool('bcftools')) return t.skip('bcftools not installed');
  const fasta = join(SHARED_DATA, 'human_chr20_1mb_1kgp3', 'z.fa.gz');
  const sequence = gunzipSync(readFileSync(fasta)).toString('latin1').split('\n').filter((l) => !l.startsWith('>')).join('').toUpperCase();
  const random = new Random(11);
  const variants: VariantAllele[] = [];
  for (let i = 0; i < 3000; i++) {
    const start = 1000 + Math.floor(((i + random.next()) * (sequence.length - 2000)) / 3000);
    const k = 1 + random.int(4);
    const kind = random.int(3);
    const ref = sequence.slice(start, start + 1 + (kind === 0 ? k : kind === 2 ? 2 : 0));
    // deletion of k bases after the anchor; insertion of a copy of the next k bases; a 3 bp block with its middle base changed
    const alt = kind === 0 ? ref[0]! : kind === 1 ? ref + sequence.slice(start + 1, start + 1 + k) : ref[0]! + (ref[1] === 'A' ? 'C' : 'A') + ref[2]!;
    if (/N/.test(ref + alt)) continue;
    variants.push({ chrom: 'z', start, ref, alt });
  }
  const tmp = tempDir('strand-norm-');
  try {
    const vcf = join(tmp.dir, 'written.vcf');
    writeFileSync(vcf, ['##fileformat=VCFv4.2', '##contig=<ID=z>', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO', ...variants.map((v, i) => `z\t${v.start + 1}\tv${i}\t${v.ref}\t${v.alt}\t.\t.\t.`)].join('\n') + '\n');
    const r = spawnSync('bcftools', ['norm', '-f', fasta, vcf], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const expected = new Map<string, VariantAllele>();
    for (const line of r.stdout.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [, pos, id, ref, alt] = line.split('\t');
      expected.set(id!, { chrom: 'z', start: Number(pos) - 1, ref: ref!, alt: alt! });
    }
    assert.equal(expected.size, variants.length);
    let movedLeft = 0;
    variants.forEach((v, i) => {
      const ours = leftAlignAllele(v, sequence.slice(0, v.start + v.ref.length), 0);
      assert.deepEqual(ours, expected.get(`v${i}`), `v${i} ${v.start + 1} ${v.ref}>${v.alt}`);
      if ((ours as VariantAllele).start < v.start) movedLeft++;
    });
    assert.ok(movedLeft > 300, `${movedLeft} of ${variants.length} moved left`);
  } finally {
    tmp.remove();
  }
});
