/**
 * One masked-LM training step of Strand's language models (transformer-lm with rotary positions
 * at 1 kb context, batch 16; conv-lm the same), Strand vs the same models and objective in
 * PyTorch (bench/peers/torch_lm.py), same thread count, in the same run.
 * speedup = peer ms / strand ms (> 1: Strand is faster).
 */
import { fileURLToPath } from 'node:url';
import { manualSeed, ops, setNumThreads, tidy } from '../src/index.js';
import { createModel, type LanguageModel } from '../src/models/index.js';
import { AdamW } from '../src/optim/index.js';
import { lmLoss } from '../src/train/pretrain.js';
import { benchLine, median, medianMs, runPeer } from './timing.js';

const peerScript = fileURLToPath(new URL('../../bench/peers/torch_lm.py', import.meta.url));
const CASES = [
  { name: 'transformer-lm', options: { dim: 128, heads: 4, layers: 4 }, window: 1024, batch: 16, warmup: 2, runs: 5 },
  { name: 'conv-lm', options: { dim: 128 }, window: 1024, batch: 16, warmup: 2, runs: 5 },
] as const;

function strandStepMs(c: (typeof CASES)[number]): number {
  manualSeed(0);
  const model = createModel(c.name, { ...c.options, vocabSize: 9 }) as LanguageModel;
  const ids = ops.randint(4, [c.batch, c.window]).add(5);
  const chosen = ops.rand([c.batch, c.window]).lt(0.15);
  const inputs = ops.maskedFillScalar(ids, chosen, 4);
  const targets = ops.maskedFillScalar(ids, chosen.logicalNot(), -100);
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  model.train();
  const ms = medianMs(
    () =>
      tidy(() => {
        optimizer.zeroGrad({ setToNone: false });
        const loss = lmLoss(model.forward(inputs), targets);
        loss.backward();
        optimizer.step();
        loss.item();
      }),
    c.warmup,
    c.runs,
  );
  model.dispose();
  optimizer.dispose();
  return ms;
}

export function benchLmStep(threads: number, emit: (line: string) => void, rounds = 2): void {
  setNumThreads(threads);
  for (const c of CASES) {
    const strand: number[] = [];
    const peer: number[] = [];
    for (let r = 0; r < rounds; r++) {
      peer.push(runPeer<{ train_ms: number }>(peerScript, [c.name, threads, c.warmup, c.runs, c.window, c.batch]).train_ms);
      strand.push(strandStepMs(c));
    }
    const [s, p] = [median(strand), median(peer)];
    emit(benchLine(`lm-pretrain-step-${c.name}`, s, p, p / s, 'ms') + ` (${c.window} bases x batch ${c.batch}, ${((c.window * c.batch) / (s / 1000)).toFixed(0)} tokens/s)`);
  }
}
