/**
 * 1,000-bp one-hot windows per second, sampled at random (seeded) from a generated ~50 Mb
 * genome (4 chromosomes, 60-column FASTA lines, soft-masked runs, N runs), read from the
 * indexed plain FASTA and from its 2bit, in batches of 64 windows, encoded to [64, 4, 1000]
 * float32. Peer: pyfaidx + numpy lookup-table one-hot of the same windows
 * (bench/peers/pyfaidx_windows.py), one core each. py2bit is not installed, so the 2bit line
 * uses the same pyfaidx FASTA figure as its reference.
 * speedup = strand / peer (windows/s; above 1: Strand is faster).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/data/random.js';
import { oneHotBytes } from '../src/genomics/encode-bytes.js';
import { openGenome, type Genome, type GenomeInterval } from '../src/io/genome.js';
import { writeTwoBit } from '../src/io/twobit-writer.js';
import { median, runPeer } from './timing.js';

const CHROMOSOMES: [string, number][] = [['chr1', 20_000_000], ['chr2', 15_000_000], ['chr3', 10_000_000], ['chr4', 5_000_000]];
const LENGTH = 1000;
const BATCH = 64;
const WINDOWS = 20_000;
const WARMUP = 2_000;
const CHECK = 256;
const LINE = 60;

const peerScript = fileURLToPath(new URL('../../bench/peers/pyfaidx_windows.py', import.meta.url));

/** Random bases; every 10-kb block soft-masked with probability 0.4; a 50-kb N run per chromosome. */
function generateChromosome(random: Random, length: number): Uint8Array {
  const bases = new Uint8Array(length);
  const ACGT = [65, 67, 71, 84];
  for (let i = 0; i < length; i += 16) {
    let bits = Math.floor(random.next() * 4294967296);
    for (let k = 0; k < 16 && i + k < length; k++, bits >>>= 2) bases[i + k] = ACGT[bits & 3]!;
  }
  for (let b = 0; b < length; b += 10_000) {
    if (random.next() < 0.4) for (let i = b; i < Math.min(length, b + 10_000); i++) bases[i]! |= 0x20;
  }
  const n = random.int(length - 50_000);
  bases.fill(78, n, n + 50_000);
  return bases;
}

function fastaBytes(name: string, bases: Uint8Array): Buffer {
  const header = Buffer.from(`>${name}\n`);
  const lines = Math.ceil(bases.length / LINE);
  const out = Buffer.allocUnsafe(header.length + bases.length + lines);
  header.copy(out);
  let at = header.length;
  for (let i = 0; i < bases.length; i += LINE) {
    const end = Math.min(bases.length, i + LINE);
    out.set(bases.subarray(i, end), at);
    at += end - i;
    out[at++] = 10;
  }
  return out;
}

function sampleWindows(random: Random): { windows: GenomeInterval[]; chrom: number[]; start: number[] } {
  const total = CHROMOSOMES.reduce((s, [, l]) => s + l, 0);
  const chrom: number[] = [];
  const start: number[] = [];
  for (let i = 0; i < WINDOWS; i++) {
    let pick = random.int(total);
    let c = 0;
    while (pick >= CHROMOSOMES[c]![1]) pick -= CHROMOSOMES[c++]![1];
    chrom.push(c);
    start.push(random.int(CHROMOSOMES[c]![1] - LENGTH + 1));
  }
  const windows = chrom.map((c, i) => ({ chrom: CHROMOSOMES[c]![0], start: start[i]!, end: start[i]! + LENGTH }));
  return { windows, chrom, start };
}

/** Reads and encodes `windows` in batches, as a loader would; returns windows per second. */
async function strandWindowsPerSecond(genome: Genome, windows: GenomeInterval[]): Promise<number> {
  const bytes = new Uint8Array(BATCH * LENGTH);
  const x = new Float32Array(BATCH * 4 * LENGTH);
  const batches: GenomeInterval[][] = [];
  for (let b = 0; b < windows.length; b += BATCH) batches.push(windows.slice(b, b + BATCH));
  const run = async (list: GenomeInterval[][]) => {
    for (const batch of list) oneHotBytes(await genome.fetchWindows(batch, bytes), LENGTH, x, 0);
  };
  await run(batches.slice(0, Math.ceil(WARMUP / BATCH)));
  const t0 = process.hrtime.bigint();
  await run(batches);
  return windows.length / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Same definition as the peer's checksum: sum of (channel + 1) * value over the first CHECK windows. */
async function checksum(genome: Genome, windows: GenomeInterval[]): Promise<number> {
  const x = new Float32Array(CHECK * 4 * LENGTH);
  oneHotBytes(await genome.fetchWindows(windows.slice(0, CHECK)), LENGTH, x, 0);
  let sum = 0;
  for (let w = 0; w < CHECK; w++) for (let c = 0; c < 4; c++) for (let i = 0; i < LENGTH; i++) sum += (c + 1) * x[(w * 4 + c) * LENGTH + i]!;
  return sum;
}

function line(name: string, strand: number, peer: number): string {
  return `BENCH ${name} strand=${strand.toFixed(0)} peer=${peer.toFixed(0)} speedup=${(strand / peer).toFixed(2)}`;
}

export async function benchWindows(emit: (line: string) => void, rounds = 2): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-windows-'));
  try {
    const random = new Random(20261121);
    const fasta = join(dir, 'genome.fa');
    const twoBit = join(dir, 'genome.2bit');
    const records = CHROMOSOMES.map(([name, length]) => ({ name, sequence: generateChromosome(random, length) }));
    writeFileSync(fasta, Buffer.concat(records.map((r) => fastaBytes(r.name, r.sequence))));
    writeTwoBit(twoBit, records);
    const { windows, chrom, start } = sampleWindows(random);
    const spec = join(dir, 'windows.json');
    writeFileSync(spec, JSON.stringify({ fasta, chroms: CHROMOSOMES.map(([n]) => n), chrom, start, length: LENGTH, batch: BATCH, warmup: WARMUP, check: CHECK }));

    const fastaGenome = await openGenome(fasta); // builds and writes genome.fa.fai, which pyfaidx then reads
    const twoBitGenome = await openGenome(twoBit);
    const want = await checksum(fastaGenome, windows);
    if ((await checksum(twoBitGenome, windows)) !== want) throw new Error('2bit and FASTA windows differ');

    const peer: number[] = [];
    const strandFasta: number[] = [];
    const strandTwoBit: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const p = runPeer<{ windows_per_s: number; checksum: number }>(peerScript, [spec]);
      if (p.checksum !== want) throw new Error(`peer encoded different windows: checksum ${p.checksum}, Strand ${want}`);
      peer.push(p.windows_per_s);
      strandFasta.push(await strandWindowsPerSecond(fastaGenome, windows));
      strandTwoBit.push(await strandWindowsPerSecond(twoBitGenome, windows));
    }
    await fastaGenome.close();
    await twoBitGenome.close();
    emit(line('windows-fasta', median(strandFasta), median(peer)));
    // no 2bit reader in the peer's environment (py2bit is not installed): its FASTA figure is the reference
    emit(line('windows-2bit', median(strandTwoBit), median(peer)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchWindows((l) => console.log(l));
