/**
 * Sharded variant scoring: `strand score-variants --workers 2` (one libtorch thread each)
 * against one process with one thread, on bench/score-variants.ts's files (Basset 600 bp x 164
 * tasks, the first 3,000 records of the chr20 1kGP VCF). Wall time of the whole command on
 * both sides (start-up, model loading and the launch of the ranks included); the outputs must
 * be byte-identical. Prints `BENCH score-variants-workers` (goal >= 1.7 on 2 cores).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareVariantBench } from './score-variants.js';
import { median } from './timing.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function run(files: { model: string; fasta: string; vcf: string }, out: string, extra: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'score-variants', '--model', files.model, '--genome', files.fasta, '--vcf', files.vcf, '--out', out, '--scores', 'diff', '--no-report', ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`strand score-variants ${extra.join(' ')} failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function benchScoreVariantsWorkers(emit: (line: string) => void, rounds = 2): void {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-workers-'));
  try {
    const files = prepareVariantBench(dir);
    run(files, join(dir, 'warm.tsv'), ['--threads', '1']); // builds the .fai once, outside the timing
    const one: number[] = [];
    const two: number[] = [];
    for (let r = 0; r < rounds; r++) {
      one.push(run(files, join(dir, 'one.tsv'), ['--threads', '1']));
      two.push(run(files, join(dir, 'two.tsv'), ['--workers', '2']));
    }
    if (!readFileSync(join(dir, 'one.tsv')).equals(readFileSync(join(dir, 'two.tsv')))) throw new Error('--workers 2 wrote another TSV than one process');
    const [o, t] = [median(one), median(two)];
    emit(`BENCH score-variants-workers strand2=${t.toFixed(1)}s strand1=${o.toFixed(1)}s speedup=${(o / t).toFixed(2)} (--workers 2 vs one process, 1 thread each, wall time of the command; outputs identical)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
