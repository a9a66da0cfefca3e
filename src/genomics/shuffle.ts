/**
 * Dinucleotide-preserving shuffle (Altschul & Erickson 1985, via a random Eulerian walk as in
 * uShuffle / fasta-ushuffle): the result has exactly the dinucleotide counts of the input,
 * and the same first and last letter. Used for DeepBind-style negatives and for shuffled
 * reference sequences in attribution methods.
 */
import { InputError } from '../core/errors.js';

/** A source of uniform numbers in [0, 1) (e.g. data/random.ts's Random). */
export interface UniformSource {
  next(): number;
}

/** Shuffles `seq` keeping its dinucleotide counts. Any alphabet; case-sensitive. */
export function dinucleotideShuffle(seq: string, random: UniformSource): string {
  if (seq.length <= 2) return seq;
  // Outgoing edges per letter, in sequence order.
  const edges = new Map<string, string[]>();
  for (let i = 0; i < seq.length - 1; i++) {
    const from = seq[i]!;
    let list = edges.get(from);
    if (list === undefined) edges.set(from, (list = []));
    list.push(seq[i + 1]!);
  }
  const last = seq[seq.length - 1]!;
  const pick = (n: number) => Math.floor(random.next() * n);

  // Choose each letter's final outgoing edge so that they form a tree rooted at `last`
  // (Wilson-style rejection: retry until following final edges from any letter reaches `last`).
  let finalEdge = new Map<string, number>();
  for (let attempt = 0; ; attempt++) {
    if (attempt > 10_000) throw new InputError('dinucleotide shuffle failed to find an Eulerian arrangement');
    finalEdge = new Map();
    for (const [letter, list] of edges) if (letter !== last) finalEdge.set(letter, pick(list.length));
    let ok = true;
    for (const start of finalEdge.keys()) {
      const seen = new Set<string>();
      let v = start;
      while (v !== last) {
        if (seen.has(v)) {
          ok = false;
          break;
        }
        seen.add(v);
        v = edges.get(v)![finalEdge.get(v)!]!;
      }
      if (!ok) break;
    }
    if (ok) break;
  }

  // Shuffle every letter's other edges, put its final edge last, then walk.
  const order = new Map<string, string[]>();
  for (const [letter, list] of edges) {
    const keep = finalEdge.get(letter);
    const rest = list.filter((_, i) => i !== keep);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = pick(i + 1);
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    if (keep !== undefined) rest.push(list[keep]!);
    order.set(letter, rest);
  }
  const used = new Map<string, number>();
  let v = seq[0]!;
  let out = v;
  for (let i = 1; i < seq.length; i++) {
    const k = used.get(v) ?? 0;
    used.set(v, k + 1);
    v = order.get(v)![k]!;
    out += v;
  }
  return out;
}
