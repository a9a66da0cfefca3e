/**
 * Attributions of genome windows as one track: each base's attribution summed over A, C, G, T
 * (for gradient x input, the attribution of the base that is there), bases covered by several
 * windows averaged, bases past a chromosome end dropped; sorted, non-overlapping intervals per
 * chromosome in the genome's order, as bigWig and bedGraph require.
 */
import type { OutputTrack } from './prediction-tracks.js';

export interface PlacedWindow {
  chrom: string;
  /** The window's first base (may be negative: N-padded). */
  start: number;
}

/** attributions: [N, L, 4] row-major for `windows` (N of them, each L long). */
export function attributionTrack(windows: readonly PlacedWindow[], attributions: Float32Array, length: number, sizes: ReadonlyMap<string, number>): OutputTrack[] {
  const byChrom = new Map<string, { sum: Float64Array; count: Uint32Array }>();
  windows.forEach((w, n) => {
    const size = sizes.get(w.chrom)!;
    let acc = byChrom.get(w.chrom);
    if (acc === undefined) {
      acc = { sum: new Float64Array(size), count: new Uint32Array(size) };
      byChrom.set(w.chrom, acc);
    }
    for (let j = 0; j < length; j++) {
      const base = w.start + j;
      if (base < 0 || base >= size) continue;
      const o = (n * length + j) * 4;
      acc.sum[base] += attributions[o]! + attributions[o + 1]! + attributions[o + 2]! + attributions[o + 3]!;
      acc.count[base]!++;
    }
  });
  const out: OutputTrack[] = [];
  for (const chrom of sizes.keys()) {
    const acc = byChrom.get(chrom);
    if (acc === undefined) continue;
    const track: OutputTrack = { chrom, starts: [], ends: [], values: [] };
    for (let b = 0; b < acc.count.length; b++) {
      if (acc.count[b] === 0) continue;
      track.starts.push(b);
      track.ends.push(b + 1);
      track.values.push(acc.sum[b]! / acc.count[b]!);
    }
    out.push(track);
  }
  return out;
}
