/** ROC and precision-recall curve points from scores and 0/1 labels (plain arrays). */

export interface CurvePoints {
  points: [number, number][];
}

function sortedByScore(scores: ArrayLike<number>, labels: ArrayLike<number>): { s: number[]; y: number[] } {
  const idx = Array.from({ length: scores.length }, (_, i) => i).filter((i) => Number.isFinite(labels[i]!) && Number.isFinite(scores[i]!));
  idx.sort((a, b) => scores[b]! - scores[a]!);
  return { s: idx.map((i) => scores[i]!), y: idx.map((i) => (labels[i]! > 0.5 ? 1 : 0)) };
}

/** (false positive rate, true positive rate) at every distinct threshold, from (0, 0) to (1, 1). */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): CurvePoints {
  const { s, y } = sortedByScore(scores, labels);
  const P = y.reduce((a, b) => a + b, 0);
  const N = y.length - P;
  const points: [number, number][] = [[0, 0]];
  if (P === 0 || N === 0) return { points };
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < s.length; i++) {
    if (y[i]) tp++;
    else fp++;
    if (i === s.length - 1 || s[i + 1] !== s[i]) points.push([fp / N, tp / P]);
  }
  return { points };
}

/** (recall, precision) at every distinct threshold. */
export function precisionRecallCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): CurvePoints {
  const { s, y } = sortedByScore(scores, labels);
  const P = y.reduce((a, b) => a + b, 0);
  const points: [number, number][] = [];
  if (P === 0) return { points };
  let tp = 0;
  for (let i = 0; i < s.length; i++) {
    if (y[i]) tp++;
    if (i === s.length - 1 || s[i + 1] !== s[i]) points.push([tp / P, tp / (i + 1)]);
  }
  return { points: [[0, points[0]?.[1] ?? 1], ...points] };
}

/** At most `max` points, evenly thinned (charts do not need 100,000 vertices). */
export function thin(points: [number, number][], max = 400): [number, number][] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}
