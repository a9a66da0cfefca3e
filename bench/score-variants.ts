/**
 * Variant scoring rate: `strand score-variants` vs the pyfaidx + PyTorch loop people write
 * (bench/peers/pyfaidx_score_variants.py), on the same Basset model (600 bp, 164 tasks; the
 * peer loads Strand's model.safetensors), the same genome (chr20 1 Mb slice, plain FASTA), the
 * same variants (the first 3,000 records of the 1kGP VCF), batch 64 variants, diff scores of
 * every task written as TSV. Each side times itself from opening the genome to its TSV written
 * (model loading excluded on both sides). speedup = strand variants/s / peer variants/s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { manualSeed } from '../src/index.js';
import { createModel } from '../src/models/registry.js';
import { describeModel, saveModel } from '../src/models/saved-model.js';
import { median } from './timing.js';

const peerScript = fileURLToPath(new URL('../../bench/peers/pyfaidx_score_variants.py', import.meta.url));
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const data = fileURLToPath(new URL('../../../shared/data/human_chr20_1mb_1kgp3', import.meta.url));
const RECORDS = 3000;
const BATCH = 64;

export function prepareVariantBench(dir: string): { model: string; fasta: string; vcf: string } {
  manualSeed(0);
  const options = { length: 600, tasks: 164 };
  const model = createModel('basset', options);
  const outputs = Array.from({ length: 164 }, (_, i) => `task${i}`);
  saveModel(join(dir, 'model'), model, describeModel({ architecture: { name: 'basset', options }, input: { kind: 'sequence', alphabet: 'ACGT', length: 600 }, task: { kind: 'binary', outputs } }));
  model.dispose();
  writeFileSync(join(dir, 'z.fa'), gunzipSync(readFileSync(join(data, 'z.fa.gz'))));
  const lines = gunzipSync(readFileSync(join(data, 'z.vcf.gz'))).toString('utf8').split('\n');
  const header = lines.filter((l) => l.startsWith('#'));
  const records = lines.filter((l) => l.length > 0 && !l.startsWith('#')).slice(0, RECORDS);
  writeFileSync(join(dir, 'v.vcf'), `${[...header, ...records].join('\n')}\n`);
  return { model: join(dir, 'model'), fasta: join(dir, 'z.fa'), vcf: join(dir, 'v.vcf') };
}

function strandRun(files: { model: string; fasta: string; vcf: string }, out: string, threads: number): { seconds: number; alleles: number } {
  const r = spawnSync(process.execPath, [cli, 'score-variants', '--model', files.model, '--genome', files.fasta, '--vcf', files.vcf, '--out', out, '--scores', 'diff', '--batch-size', String(BATCH), '--threads', String(threads)], { encoding: 'utf8' });
  const m = /scored (\d+) alleles of \d+ variants in ([\d.]+) s/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`strand score-variants failed:\n${r.stderr}`);
  return { alleles: Number(m[1]), seconds: Number(m[2]) };
}

function peerRun(files: { model: string; fasta: string; vcf: string }, out: string, threads: number): { seconds: number; alleles: number } {
  const r = spawnSync('/usr/bin/python3', [peerScript, files.model, files.fasta, files.vcf, out, String(BATCH), String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`peer ${peerScript} failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as { seconds: number; alleles: number };
}

/** Largest |strand - peer| over the diff columns of the two TSVs (same rows in the same order). */
function maxDifference(a: string, b: string): number {
  const rows = (p: string) => readFileSync(p, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
  const [x, y] = [rows(a), rows(b)];
  if (x.length !== y.length) throw new Error(`strand wrote ${x.length} rows, the peer ${y.length}`);
  let max = 0;
  x.forEach((row, i) => {
    if (row.slice(0, 5).join() !== y[i]!.slice(0, 5).join()) throw new Error(`row ${i}: ${row.slice(0, 5).join(' ')} vs ${y[i]!.slice(0, 5).join(' ')}`);
    for (let j = 5; j < row.length; j++) max = Math.max(max, Math.abs(Number(row[j]) - Number(y[i]![j])));
  });
  return max;
}

export function benchScoreVariants(threads: number, emit: (line: string) => void, rounds = 2): void {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-variants-'));
  try {
    const files = prepareVariantBench(dir);
    strandRun(files, join(dir, 'warm.tsv'), threads); // builds the .fai once, outside the timing
    const strand: number[] = [];
    const peer: number[] = [];
    let alleles = 0;
    for (let r = 0; r < rounds; r++) {
      const p = peerRun(files, join(dir, 'peer.tsv'), threads);
      const s = strandRun(files, join(dir, 'strand.tsv'), threads);
      if (p.alleles !== s.alleles) throw new Error(`strand scored ${s.alleles} alleles, the peer ${p.alleles}`);
      alleles = s.alleles;
      peer.push(p.alleles / p.seconds);
      strand.push(s.alleles / s.seconds);
    }
    const [s, p] = [median(strand), median(peer)];
    const gap = maxDifference(join(dir, 'strand.tsv'), join(dir, 'peer.tsv'));
    emit(`BENCH score-variants strand=${s.toFixed(0)}variants/s peer=${p.toFixed(0)}variants/s speedup=${(s / p).toFixed(2)} (${alleles} alleles, Basset 600 bp x 164 tasks, max |diff gap| ${gap.toExponential(1)})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
