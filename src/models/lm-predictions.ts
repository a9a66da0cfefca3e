/**
 * What a nucleotide language model says about windows of ASCII bases: their token ids, and a
 * masked LM's distribution over A, C, G, T at chosen positions (each masked).
 */
import { inferenceMode, InputError, tensor, tidy, type Tensor } from '../core/index.js';
import { FIRST_BASE_ID, nucleotideIdsOfBytes } from '../genomics/nucleotide-bytes.js';
import { SPECIAL_TOKENS } from '../genomics/tokenizers/tokens.js';
import * as ops from '../ops/index.js';
import type { LanguageModel } from './language-model.js';

/** Single-nucleotide ids of windows of one length: [N, L] int64. */
export function tokenIdsOfWindows(windows: readonly Uint8Array[]): Tensor {
  const L = windows[0]!.length;
  const ids = new Int32Array(windows.length * L);
  const soft = new Uint8Array(windows.length * L);
  windows.forEach((w, i) => {
    if (w.length !== L) throw new InputError(`expected windows of one length ${L}, got ${w.length}`);
    nucleotideIdsOfBytes(w, ids, soft, i * L);
  });
  const t = tensor(ids, [windows.length, L]);
  const long = t.toDType('int64');
  t.dispose();
  return long;
}

/** log P(base) over A, C, G, T at `positions` (one per row) of masked-LM logits: [rows, 4]. */
export function maskedBaseLogProbs(model: LanguageModel, windows: readonly Uint8Array[], positions: readonly number[]): Float32Array {
  return tidy(() => {
    const ids = tokenIdsOfWindows(windows);
    const L = ids.shape[1]!;
    const flat = ids.data<BigInt64Array>();
    positions.forEach((p, r) => (flat[r * L + p] = BigInt(SPECIAL_TOKENS.mask)));
    const masked = tensor(flat, [windows.length, L]);
    const logits = model.forward(masked); // [N, L, V]
    const rows = tensor(Int32Array.from(positions.keys()), [positions.length]).toDType('int64');
    const cols = tensor(Int32Array.from(positions), [positions.length]).toDType('int64');
    const atVariant = ops.index(logits, [rows, cols]); // [N, V]
    return ops.logSoftmax(ops.narrow(atVariant, 1, FIRST_BASE_ID, 4), 1).contiguous().data<Float32Array>();
  });
}

/** A masked LM's distribution over A, C, G, T at every position of `window`, each masked in turn: [L][4]. */
export function maskedBaseDistributions(model: LanguageModel, window: Uint8Array, batchSize = 64): number[][] {
  const out: number[][] = [];
  inferenceMode(() => {
    for (let start = 0; start < window.length; start += batchSize) {
      const positions = Array.from({ length: Math.min(batchSize, window.length - start) }, (_, i) => start + i);
      const logp = maskedBaseLogProbs(model, positions.map(() => window), positions);
      positions.forEach((_, k) => out.push([0, 1, 2, 3].map((b) => Math.exp(logp[k * 4 + b]!))));
    }
  });
  return out;
}
