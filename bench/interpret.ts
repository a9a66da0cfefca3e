/**
 * Interpretation on the Basset model built for 1,000 bp: ISM of one sequence (3,000
 * substitutions, batches of 256) and DeepLIFT (rescale rule, zero references) of 64 sequences,
 * Strand vs the same computations written in PyTorch (bench/peers/torch_interpret.py); and
 * DeepLIFT of the counts head of a bpnet-lite-sized BPNet (2,114 bp, 64 filters, 9 residual
 * blocks) for 32 (sequence, reference) pairs vs captum / tangermeme-style hook DeepLIFT in
 * PyTorch (the same peer script). Same thread count, same run.
 * speedup = peer ms / strand ms.
 */
import { fileURLToPath } from 'node:url';
import { manualSeed, ops, tidy } from '../src/index.js';
import { deeplift } from '../src/interpret/deeplift.js';
import { ism } from '../src/interpret/ism.js';
import { Basset } from '../src/models/basset.js';
import { DilatedResidualCNN } from '../src/models/dilated-residual-cnn.js';
import { benchLine, median, medianMs, runPeer } from './timing.js';

const peerScript = fileURLToPath(new URL('../../bench/peers/torch_interpret.py', import.meta.url));
const BPNET = { length: 2114, crop: 557, pairs: 32 };
const WARMUP = 1;
const RUNS = 3;

function strandBpnetMs(): number {
  manualSeed(0);
  const model = new DilatedResidualCNN({ filters: 64, stemKernel: 21, layers: 9, profileKernel: 75, crop: BPNET.crop });
  model.eval();
  const oneHot = () => ops.oneHot(ops.randint(4, [BPNET.pairs, BPNET.length]), { numClasses: 4 }).transpose(1, 2).toDType('float32').contiguous();
  const x = oneHot();
  const refs = oneHot().unsqueeze(1);
  const ms = medianMs(() => tidy(() => void deeplift(model, x, { target: { head: 'counts', task: 0 }, references: refs, batchSize: BPNET.pairs }).attributions.data()), WARMUP, RUNS);
  model.dispose();
  x.dispose();
  refs.dispose();
  return ms;
}

function strandTimes(): { ism: number; deeplift: number } {
  manualSeed(0);
  const model = new Basset({ length: 1000 });
  model.eval();
  const oneHot = (n: number) => ops.oneHot(ops.randint(4, [n, 1000]), { numClasses: 4 }).transpose(1, 2).toDType('float32').contiguous();
  const one = oneHot(1);
  const batch = oneHot(64);
  const times = {
    ism: medianMs(() => tidy(() => void ism(model, one, { target: 0, batchSize: 256 }).deltas.data()), WARMUP, RUNS),
    deeplift: medianMs(() => tidy(() => void deeplift(model, batch, { target: 0, references: 'zero', batchSize: 64 }).attributions.data()), WARMUP, RUNS),
  };
  model.dispose();
  one.dispose();
  batch.dispose();
  return times;
}

export function benchInterpret(threads: number, emit: (line: string) => void, rounds = 2): void {
  const strand = { ism: [] as number[], deeplift: [] as number[], bpnet: [] as number[] };
  const peer = { ism: [] as number[], deeplift: [] as number[], bpnet: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const p = runPeer<{ ism_ms: number; deeplift_ms: number; deeplift_bpnet_ms: number }>(peerScript, [threads, WARMUP, RUNS]);
    peer.ism.push(p.ism_ms);
    peer.deeplift.push(p.deeplift_ms);
    peer.bpnet.push(p.deeplift_bpnet_ms);
    const s = strandTimes();
    strand.ism.push(s.ism);
    strand.deeplift.push(s.deeplift);
    strand.bpnet.push(strandBpnetMs());
  }
  for (const name of ['ism', 'deeplift'] as const) {
    const s = median(strand[name]);
    const p = median(peer[name]);
    emit(benchLine(`${name}-basset-1000bp`, s, p, p / s, 'ms'));
  }
  const s = median(strand.bpnet);
  const p = median(peer.bpnet);
  emit(benchLine('deeplift-bpnet-2114bp', s, p, p / s, 'ms'));
}
