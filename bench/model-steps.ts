/**
 * Training-step and inference time of Basset and DanQ (batch 64, Adam, BCE with logits),
 * Strand vs PyTorch (bench/peers/torch_models.py builds the same models) with the same
 * thread count, in the same run. speedup = peer ms / strand ms (> 1: Strand is faster).
 */
import { fileURLToPath } from 'node:url';
import { inferenceMode, manualSeed, ops, setNumThreads, tidy, type Tensor } from '../src/index.js';
import { Basset } from '../src/models/basset.js';
import { DanQ } from '../src/models/danq.js';
import type { Module } from '../src/nn/index.js';
import { Adam } from '../src/optim/index.js';
import { benchLine, median, medianMs, runPeer } from './timing.js';

interface ModelCase {
  name: 'basset' | 'danq';
  build: () => Module & { forward(x: Tensor): Tensor };
  length: number;
  tasks: number;
  warmup: number;
  runs: number;
}

const CASES: ModelCase[] = [
  { name: 'basset', build: () => new Basset(), length: 600, tasks: 164, warmup: 3, runs: 10 },
  { name: 'danq', build: () => new DanQ(), length: 1000, tasks: 919, warmup: 2, runs: 6 },
];

const peerScript = fileURLToPath(new URL('../../bench/peers/torch_models.py', import.meta.url));

function strandTimes(c: ModelCase): { train: number; infer: number } {
  manualSeed(0);
  const model = c.build();
  const x = ops.oneHot(ops.randint(4, [64, c.length]), { numClasses: 4 }).transpose(1, 2).toDType('float32').contiguous();
  const y = ops.rand([64, c.tasks]).lt(0.1).toDType('float32');
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const trainStep = () =>
    tidy(() => {
      optimizer.zeroGrad({ setToNone: false }); // as the peer: zero_grad() in PyTorch 1.13 zeroes in place
      const loss = ops.binaryCrossEntropyWithLogits(model.forward(x), y, { reduction: 1 });
      loss.backward();
      optimizer.step();
      loss.item();
    });
  const infer = () => tidy(() => inferenceMode(() => model.forward(x).sigmoid().sum().item()));
  model.train();
  const train = medianMs(trainStep, c.warmup, c.runs);
  model.eval();
  const inference = medianMs(infer, c.warmup, c.runs);
  model.dispose();
  optimizer.dispose();
  return { train, infer: inference };
}

/** Runs Strand and the peer alternately for `rounds` rounds, so drift in machine load hits both alike. */
export function benchModelSteps(threads: number, emit: (line: string) => void, rounds = 2): void {
  setNumThreads(threads);
  for (const c of CASES) {
    const strand = { train: [] as number[], infer: [] as number[] };
    const peer = { train: [] as number[], infer: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const p = runPeer<{ train_ms: number; infer_ms: number }>(peerScript, [c.name, threads, c.warmup, c.runs]);
      peer.train.push(p.train_ms);
      peer.infer.push(p.infer_ms);
      const s = strandTimes(c);
      strand.train.push(s.train);
      strand.infer.push(s.infer);
    }
    const [st, pt, si, pi] = [strand.train, peer.train, strand.infer, peer.infer].map(median) as [number, number, number, number];
    emit(benchLine(`${c.name}-train-step`, st, pt, pt / st, 'ms'));
    emit(benchLine(`${c.name}-inference`, si, pi, pi / si, 'ms'));
  }
}
