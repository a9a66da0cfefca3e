/**
 * Seqlets from attribution maps and their clustering into motifs (a simple TF-MoDISco-like
 * procedure).
 *
 * 1. Per-position importance: sum over channels of attribution x input ([N, 4, L] each).
 * 2. Smoothed with a centred window sum (`window`, default 7).
 * 3. Peaks: greedily the highest smoothed positions above `threshold`, none within `width`
 *    of an earlier one; each cuts a seqlet of `width` bases centred on it (clipped to the
 *    sequence). Default threshold: `thresholdFraction` (0.2) of the 99.9th percentile of the
 *    smoothed importance over all positions.
 * 4. Greedy clustering, strongest seqlet first: a seqlet joins the first cluster whose seed
 *    (its first seqlet) it matches with cosine similarity >= `similarity` (default 0.6) of
 *    their contribution matrices (attribution x input, [width, 4]), maximised over shifts of
 *    up to width / 2 and both strands; otherwise it seeds a new cluster (at most
 *    `maxClusters`).
 * 5. Each cluster's aligned one-hot sequences are counted into a PWM (pseudocount 0.5 by
 *    default; positions past a sequence end are not counted). Clusters come largest first.
 */
import { InputError, type Tensor } from '../../core/index.js';
import { countsToPwm, type Pwm } from './pwm.js';

export interface Seqlet {
  /** Sequence index and first base (0-based) of the seqlet. */
  sequence: number;
  start: number;
  /** Smoothed importance at the peak. */
  score: number;
}

export interface ClusteredSeqlet extends Seqlet {
  strand: '+' | '-';
  /** Cluster column j is the seqlet's (strand-oriented) column j + shift. */
  shift: number;
}

export interface SeqletCluster {
  pwm: Pwm;
  counts: number[][];
  seqlets: ClusteredSeqlet[];
}

export interface SeqletOptions {
  window?: number;
  width?: number;
  threshold?: number;
  thresholdFraction?: number;
  similarity?: number;
  maxSeqlets?: number;
  maxClusters?: number;
  pseudocount?: number;
}

function checkMaps(attributions: Tensor, inputs: Tensor): [number, number] {
  const ok = (t: Tensor) => t.ndim === 3 && t.shape[1] === 4 && t.dtype === 'float32';
  if (!ok(inputs)) throw new InputError(`expected a (N, 4, L) float32 tensor for inputs, got (${inputs.shape.join(', ')}) ${inputs.dtype}`);
  if (!ok(attributions) || attributions.shape.join() !== inputs.shape.join()) {
    throw new InputError(`expected attributions of the inputs' shape (${inputs.shape.join(', ')}) float32, got (${attributions.shape.join(', ')}) ${attributions.dtype}`);
  }
  return [inputs.shape[0]!, inputs.shape[2]!];
}

/** Seqlets (strongest first) from attributions and one-hot inputs, both [N, 4, L] float32. */
export function findSeqlets(attributions: Tensor, inputs: Tensor, options: SeqletOptions = {}): Seqlet[] {
  const [N, L] = checkMaps(attributions, inputs);
  const { window = 7, width = 20, thresholdFraction = 0.2, maxSeqlets = 2000 } = options;
  if (!Number.isInteger(width) || width < 1 || width > L) throw new InputError(`expected width in [1, ${L}], got ${width}`);
  const a = attributions.data<Float32Array>();
  const x = inputs.data<Float32Array>();
  const smooth = new Float32Array(N * L);
  const half = Math.floor(window / 2);
  for (let n = 0; n < N; n++) {
    const imp = new Float64Array(L);
    for (let b = 0; b < 4; b++) for (let i = 0; i < L; i++) imp[i]! += a[(n * 4 + b) * L + i]! * x[(n * 4 + b) * L + i]!;
    for (let i = 0; i < L; i++) {
      let s = 0;
      for (let j = Math.max(0, i - half); j <= Math.min(L - 1, i + half); j++) s += imp[j]!;
      smooth[n * L + i] = s;
    }
  }
  let threshold = options.threshold;
  if (threshold === undefined) {
    const sorted = Float32Array.from(smooth).sort();
    threshold = thresholdFraction * sorted[Math.min(sorted.length - 1, Math.floor(0.999 * sorted.length))]!;
  }
  const candidates: Seqlet[] = [];
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < L; i++) {
      const v = smooth[n * L + i]!;
      if (v > threshold && (i === 0 || v >= smooth[n * L + i - 1]!) && (i === L - 1 || v >= smooth[n * L + i + 1]!)) {
        candidates.push({ sequence: n, start: Math.min(L - width, Math.max(0, i - Math.floor(width / 2))), score: v });
      }
    }
  }
  candidates.sort((p, q) => q.score - p.score);
  const taken = new Map<number, number[]>();
  const out: Seqlet[] = [];
  for (const c of candidates) {
    const centres = taken.get(c.sequence) ?? [];
    if (centres.some((s) => Math.abs(s - c.start) < width)) continue;
    centres.push(c.start);
    taken.set(c.sequence, centres);
    out.push(c);
    if (out.length >= maxSeqlets) break;
  }
  return out;
}

/** [width * 4] contribution matrix of a seqlet on one strand (rows positions, columns A, C, G, T). */
function contribution(a: Float32Array, x: Float32Array, L: number, s: Seqlet, width: number, reverse: boolean): Float64Array {
  const m = new Float64Array(width * 4);
  for (let j = 0; j < width; j++) {
    const pos = reverse ? s.start + width - 1 - j : s.start + j;
    for (let b = 0; b < 4; b++) {
      const src = reverse ? 3 - b : b;
      m[j * 4 + b] = a[(s.sequence * 4 + src) * L + pos]! * x[(s.sequence * 4 + src) * L + pos]!;
    }
  }
  return m;
}

function bestShift(seed: Float64Array, m: Float64Array, width: number, maxShift: number): { sim: number; shift: number } {
  let best = { sim: -Infinity, shift: 0 };
  for (let d = -maxShift; d <= maxShift; d++) {
    let dot = 0;
    let n1 = 0;
    let n2 = 0;
    for (let j = Math.max(0, -d); j < Math.min(width, width - d); j++) {
      for (let b = 0; b < 4; b++) {
        const u = seed[j * 4 + b]!;
        const v = m[(j + d) * 4 + b]!;
        dot += u * v;
        n1 += u * u;
        n2 += v * v;
      }
    }
    const sim = n1 > 0 && n2 > 0 ? dot / Math.sqrt(n1 * n2) : 0;
    if (sim > best.sim) best = { sim, shift: d };
  }
  return best;
}

/** Clusters seqlets (see the file comment) into motifs, largest cluster first. */
export function clusterSeqlets(seqlets: readonly Seqlet[], attributions: Tensor, inputs: Tensor, options: SeqletOptions = {}): SeqletCluster[] {
  const [, L] = checkMaps(attributions, inputs);
  const { width = 20, similarity = 0.6, maxClusters = 50, pseudocount = 0.5 } = options;
  const a = attributions.data<Float32Array>();
  const x = inputs.data<Float32Array>();
  const maxShift = Math.floor(width / 2);
  const clusters: { seed: Float64Array; members: ClusteredSeqlet[] }[] = [];
  for (const s of [...seqlets].sort((p, q) => q.score - p.score)) {
    const fwd = contribution(a, x, L, s, width, false);
    const rev = contribution(a, x, L, s, width, true);
    let joined = false;
    for (const c of clusters) {
      const f = bestShift(c.seed, fwd, width, maxShift);
      const r = bestShift(c.seed, rev, width, maxShift);
      const [best, strand] = r.sim > f.sim ? [r, '-' as const] : [f, '+' as const];
      if (best.sim >= similarity) {
        c.members.push({ ...s, strand, shift: best.shift });
        joined = true;
        break;
      }
    }
    if (!joined && clusters.length < maxClusters) clusters.push({ seed: fwd, members: [{ ...s, strand: '+', shift: 0 }] });
  }
  const result = clusters.map((c) => {
    const counts = Array.from({ length: width }, () => [0, 0, 0, 0]);
    for (const m of c.members) {
      for (let j = 0; j < width; j++) {
        const o = j + m.shift; // strand-oriented seqlet column
        const pos = m.strand === '+' ? m.start + o : m.start + width - 1 - o;
        if (pos < 0 || pos >= L) continue;
        for (let b = 0; b < 4; b++) counts[j]![m.strand === '+' ? b : 3 - b]! += x[(m.sequence * 4 + b) * L + pos]!;
      }
    }
    return { pwm: countsToPwm(counts, pseudocount), counts, seqlets: c.members };
  });
  return result.sort((p, q) => q.seqlets.length - p.seqlets.length);
}
