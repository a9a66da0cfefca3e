/**
 * How far each language model reaches on this machine: for contexts of 1, 4 and 16 kb (batch 1,
 * one thread), the time per token of a masked-LM training step (forward, backward, AdamW) and
 * of inference (the encoder in inference mode), and the peak resident memory, each measured
 * in a fresh child process. A case whose attention scores alone would pass MEMORY_BUDGET is
 * not run; its line says what it would need. Run: node dist/bench/lm-context.js
 * Prints `BENCH lm-context` lines.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inferenceMode, manualSeed, ops, setNumThreads, tidy } from '../src/index.js';
import { createModel, type LanguageModel } from '../src/models/index.js';
import { AdamW } from '../src/optim/index.js';
import { lmLoss } from '../src/train/pretrain.js';
import { medianMs } from './timing.js';

const MODELS = {
  'transformer-lm': { dim: 128, heads: 4, layers: 4 },
  'conv-lm': { dim: 128 },
} as const;
type ModelName = keyof typeof MODELS;
const CONTEXTS = [1024, 4096, 16384];
const MEMORY_BUDGET = 16 * 2 ** 30;

/** Bytes of float32 attention scores a pass keeps: scores and probabilities of every head and layer (training), or of one layer (inference). */
function attentionBytes(name: ModelName, length: number, training: boolean): number {
  if (name !== 'transformer-lm') return 0;
  const { heads, layers } = MODELS[name];
  return heads * length * length * 4 * 2 * (training ? layers : 1);
}

function peakRssMb(): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** In the child: one case, printed as JSON. */
function measure(name: ModelName, length: number, mode: 'train' | 'infer'): void {
  setNumThreads(1);
  manualSeed(0);
  const model = createModel(name, { ...MODELS[name], vocabSize: 9 }) as LanguageModel;
  const ids = ops.randint(4, [1, length]).add(5);
  const chosen = ops.rand([1, length]).lt(0.15);
  const inputs = ops.maskedFillScalar(ids, chosen, 4);
  const targets = ops.maskedFillScalar(ids, chosen.logicalNot(), -100);
  const before = peakRssMb();
  let ms: number;
  if (mode === 'train') {
    const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
    model.train();
    ms = medianMs(() => tidy(() => {
      optimizer.zeroGrad({ setToNone: false });
      const loss = lmLoss(model.forward(inputs), targets);
      loss.backward();
      optimizer.step();
      loss.item();
    }), 1, 3);
  } else {
    model.eval();
    ms = medianMs(() => inferenceMode(() => tidy(() => void model.encode(ids).sum().item())), 1, 3);
  }
  process.stdout.write(`${JSON.stringify({ msPerToken: ms / length, peakMb: peakRssMb(), baseMb: before })}\n`);
}

export function benchLmContext(emit: (line: string) => void): void {
  const script = fileURLToPath(import.meta.url);
  for (const name of Object.keys(MODELS) as ModelName[]) {
    for (const length of CONTEXTS) {
      const parts: string[] = [];
      for (const mode of ['train', 'infer'] as const) {
        const need = attentionBytes(name, length, mode === 'train');
        if (need > MEMORY_BUDGET) {
          parts.push(`${mode}=not-run(attention scores alone ~${(need / 2 ** 30).toFixed(0)} GB)`);
          continue;
        }
        const r = spawnSync(process.execPath, [script, name, String(length), mode], { encoding: 'utf8' });
        if (r.status !== 0) {
          parts.push(`${mode}=failed(${r.signal ?? `exit ${r.status}`})`);
          continue;
        }
        const { msPerToken, peakMb } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { msPerToken: number; peakMb: number };
        parts.push(`${mode}=${(msPerToken * 1000).toFixed(1)}us/token peak-${mode}=${peakMb.toFixed(0)}MB`);
      }
      emit(`BENCH lm-context model=${name} context=${length} ${parts.join(' ')} (batch 1, 1 thread)`);
    }
  }
}

const [name, length, mode] = process.argv.slice(2);
if (name !== undefined && length !== undefined && (mode === 'train' || mode === 'infer')) measure(name as ModelName, Number(length), mode);
else if (process.argv[1] === fileURLToPath(import.meta.url)) benchLmContext((line) => console.log(line));
