/**
 * Greedy single-base evolution of a Basset model built for 600 bp, 10 rounds from one random
 * sequence, objective = output 0: Strand's `greedyEvolution` (every round's 1,800 substitutions
 * through the patched forward) vs the same loop written plainly in PyTorch, every mutant through
 * the full forward (bench/peers/torch_design.py). Same thread count, same run.
 * speedup = peer ms / strand ms.
 */
import { fileURLToPath } from 'node:url';
import { manualSeed, ops, tidy } from '../src/index.js';
import { ConstraintChecker } from '../src/design/constraints.js';
import { designModel } from '../src/design/design-model.js';
import { buildObjective, parseObjective } from '../src/design/objective.js';
import { greedyEvolution } from '../src/design/search.js';
import { Basset } from '../src/models/basset.js';
import { benchLine, median, runPeer } from './timing.js';

const peerScript = fileURLToPath(new URL('../../bench/peers/torch_design.py', import.meta.url));
const LENGTH = 600;
const ROUNDS = 10;

async function strandMs(): Promise<{ ms: number; rounds: number }> {
  manualSeed(0);
  const model = new Basset({ length: LENGTH });
  model.eval();
  const outputs = Array.from({ length: 164 }, (_, i) => `t${i}`);
  const design = designModel(model, 'regression', outputs, LENGTH);
  const objective = buildObjective(parseObjective('max:t0'), outputs);
  const start = tidy(() => Array.from(ops.randint(4, [LENGTH]).data<BigInt64Array>(), (b) => 'ACGT'[Number(b)]!).join(''));
  await greedyEvolution(design, objective, new ConstraintChecker(start), { rounds: 1 }); // warm-up
  const t0 = process.hrtime.bigint();
  const result = await greedyEvolution(design, objective, new ConstraintChecker(start), { rounds: ROUNDS });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  model.dispose();
  return { ms, rounds: result.steps.length };
}

export async function benchDesign(threads: number, emit: (line: string) => void, runs = 2): Promise<void> {
  const strand: number[] = [];
  let rounds = 0;
  for (let r = 0; r < runs; r++) {
    const s = await strandMs();
    strand.push(s.ms);
    rounds = s.rounds;
  }
  const peer = runPeer<{ design_ms: number }>(peerScript, [threads, ROUNDS, runs]).design_ms;
  // Per round, in case a random model's greedy search stopped early.
  const s = median(strand) / Math.max(1, rounds);
  const p = peer / ROUNDS;
  emit(`${benchLine('design-greedy-basset', s * ROUNDS, p * ROUNDS, p / s, 'ms')} (${LENGTH} bp, ${rounds} of ${ROUNDS} rounds taken by Strand; time per ${ROUNDS} rounds)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const threads = Number(process.env.STRAND_BENCH_THREADS ?? 1);
  process.env.OPENBLAS_NUM_THREADS = String(threads);
  const { setNumThreads } = await import('../src/index.js');
  setNumThreads(threads);
  await benchDesign(threads, (line) => console.log(line));
}
