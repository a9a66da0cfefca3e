/**
 * A parameter-free oracle for design tests: two outputs, the best match fraction of an AP-1
 * site TGACTCA and of a GATA site AGATAA over every offset and both strands (1 = a full site).
 * Its forward is tensor ops (a fixed convolution and a max), so gradients reach the bases.
 */
import { tensor, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { Module } from '../../src/nn/index.js';

export const AP1 = 'TGACTCA';
export const GATA = 'AGATAA';

function revcomp(s: string): string {
  return [...s].reverse().map((c) => ({ A: 'T', C: 'G', G: 'C', T: 'A' })[c as 'A']).join('');
}

/** Filters [4, 4, 7]: AP-1, its reverse complement, GATA and its reverse complement (zero-padded to 7), each divided by its length. */
function filters(): Tensor {
  const w = new Float32Array(4 * 4 * 7);
  [AP1, revcomp(AP1), GATA, revcomp(GATA)].forEach((motif, f) => {
    for (let k = 0; k < motif.length; k++) w[(f * 4 + 'ACGT'.indexOf(motif[k]!)) * 7 + k] = 1 / motif.length;
  });
  return tensor(w, [4, 4, 7]);
}

export class MotifOracle extends Module {
  readonly weight = filters();

  /** x [N, 4, L] -> [N, 2]: AP-1 and GATA best match fractions. */
  forward(x: Tensor): Tensor {
    const scores = ops.amax(ops.conv1d(x, this.weight), { dim: 2 }); // [N, 4]
    const ap1 = ops.maximum(ops.select(scores, 1, 0), ops.select(scores, 1, 1));
    const gata = ops.maximum(ops.select(scores, 1, 2), ops.select(scores, 1, 3));
    return ops.stack([ap1, gata], { dim: 1 });
  }
}

/** The oracle's two outputs of a sequence, by string matching: matches / length at the best offset and strand. */
export function oracleScores(seq: string): [number, number] {
  const best = (motif: string) => {
    let top = 0;
    for (const m of [motif, revcomp(motif)]) {
      for (let i = 0; i + 7 <= seq.length; i++) {
        let n = 0;
        for (let k = 0; k < m.length; k++) if (seq[i + k] === m[k]) n++;
        top = Math.max(top, n / m.length);
      }
    }
    return top;
  };
  return [best(AP1), best(GATA)];
}

export function hasSite(seq: string, motif: string): boolean {
  return seq.includes(motif) || seq.includes(revcomp(motif));
}
