/**
 * What a design may change: editable positions, an edit budget (positions that differ from the
 * start), GC-content bounds, forbidden motifs (e.g. restriction sites; IUPAC codes, both
 * strands), required motifs (positions inside their occurrences in the start are locked), and a
 * longest homopolymer. An edit is allowed when it keeps every constraint the sequence meets, or
 * moves it toward one it does not meet yet (a start with 70% GC may still be edited toward 60%).
 */
import { InputError } from '../core/index.js';

export interface DesignConstraints {
  /** 0-based half-open ranges that may change; default the whole sequence. */
  editable?: readonly (readonly [number, number])[];
  /** Positions that may differ from the start. Default unlimited. */
  maxEdits?: number;
  /** GC fraction bounds [min, max]. */
  gc?: readonly [number, number];
  /** Motifs that must not occur (either strand; IUPAC codes). */
  forbidden?: readonly string[];
  /** Motifs whose occurrences in the start are kept as they are. */
  required?: readonly string[];
  /** Longest run of one base. */
  maxHomopolymer?: number;
}

const IUPAC: Readonly<Record<string, string>> = {
  A: 'A', C: 'C', G: 'G', T: 'T', R: 'AG', Y: 'CT', S: 'CG', W: 'AT', K: 'GT', M: 'AC', B: 'CGT', D: 'AGT', H: 'ACT', V: 'ACG', N: 'ACGT',
};
const COMPLEMENT: Readonly<Record<string, string>> = {
  A: 'T', C: 'G', G: 'C', T: 'A', R: 'Y', Y: 'R', S: 'S', W: 'W', K: 'M', M: 'K', B: 'V', D: 'H', H: 'D', V: 'B', N: 'N',
};

/** The motif as per-position base sets, checked: IUPAC letters only. */
function motifSets(motif: string, field: string): string[] {
  const upper = motif.toUpperCase();
  if (upper.length === 0) throw new InputError(`${field}: empty motif`);
  return [...upper].map((c, i) => {
    const set = IUPAC[c];
    if (set === undefined) throw new InputError(`${field}: '${motif}' has '${c}' at position ${i + 1}; expected IUPAC codes (A C G T R Y S W K M B D H V N)`);
    return set;
  });
}

export function reverseComplementMotif(motif: string): string {
  return [...motif.toUpperCase()].reverse().map((c) => COMPLEMENT[c] ?? c).join('');
}

/** A motif on both strands: where it occurs in a sequence. */
export class MotifMatcher {
  readonly length: number;
  readonly #strands: string[][];

  constructor(readonly motif: string, field = 'motif') {
    const forward = motifSets(motif, field);
    const reverse = motifSets(reverseComplementMotif(motif), field);
    this.length = forward.length;
    this.#strands = forward.join('|') === reverse.join('|') ? [forward] : [forward, reverse];
  }

  /** Whether the motif (either strand) starts at `i` of `seq`. */
  at(seq: string, i: number): boolean {
    if (i < 0 || i + this.length > seq.length) return false;
    return this.#strands.some((sets) => sets.every((set, k) => set.includes(seq[i + k]!)));
  }

  /** Starts of every occurrence (either strand). */
  occurrences(seq: string): number[] {
    const out: number[] = [];
    for (let i = 0; i + this.length <= seq.length; i++) if (this.at(seq, i)) out.push(i);
    return out;
  }

  /** Occurrences overlapping positions lo..hi. */
  countIn(seq: string, lo: number, hi: number): number {
    let n = 0;
    for (let i = lo - this.length + 1; i <= hi; i++) if (this.at(seq, i)) n++;
    return n;
  }
}

function gcCount(seq: string): number {
  let n = 0;
  for (const c of seq) if (c === 'G' || c === 'C') n++;
  return n;
}

function runAround(seq: string, pos: number): number {
  let a = pos;
  let b = pos;
  while (a > 0 && seq[a - 1] === seq[pos]) a--;
  while (b + 1 < seq.length && seq[b + 1] === seq[pos]) b++;
  return b - a + 1;
}

function longestRun(seq: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < seq.length; i++) {
    run = i > 0 && seq[i] === seq[i - 1] ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

/** Checks the constraints of one design from its start sequence (upper-case A, C, G, T). */
export class ConstraintChecker {
  readonly editable: Uint8Array;
  readonly #forbidden: MotifMatcher[];
  readonly #required: MotifMatcher[];

  constructor(readonly start: string, readonly constraints: DesignConstraints = {}) {
    const L = start.length;
    if (!/^[ACGT]*$/.test(start)) throw new InputError('a design starts from A, C, G and T only (no N)');
    this.editable = new Uint8Array(L).fill(constraints.editable === undefined ? 1 : 0);
    for (const [a, b] of constraints.editable ?? []) {
      if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b <= L && a < b)) throw new InputError(`editable range ${a}-${b} is not inside the ${L} bp sequence`);
      this.editable.fill(1, a, b);
    }
    const { gc, maxEdits, maxHomopolymer } = constraints;
    if (gc !== undefined && !(gc[0] >= 0 && gc[1] <= 1 && gc[0] <= gc[1])) throw new InputError(`GC bounds must satisfy 0 <= min <= max <= 1, got ${gc[0]}-${gc[1]}`);
    if (maxEdits !== undefined && !(Number.isInteger(maxEdits) && maxEdits >= 0)) throw new InputError(`maxEdits must be a non-negative integer, got ${maxEdits}`);
    if (maxHomopolymer !== undefined && !(Number.isInteger(maxHomopolymer) && maxHomopolymer >= 1)) throw new InputError(`maxHomopolymer must be a positive integer, got ${maxHomopolymer}`);
    this.#forbidden = (constraints.forbidden ?? []).map((m) => new MotifMatcher(m, 'forbidden motif'));
    this.#required = (constraints.required ?? []).map((m) => new MotifMatcher(m, 'required motif'));
    for (const r of this.#required) for (const i of r.occurrences(start)) this.editable.fill(0, i, i + r.length);
  }

  /** Positions that differ from the start. */
  edits(seq: string): number {
    let n = 0;
    for (let i = 0; i < seq.length; i++) if (seq[i] !== this.start[i]) n++;
    return n;
  }

  /** Whether `seq` with `base` at `pos` is allowed (see the module comment); `seq` is the current sequence. */
  allows(seq: string, pos: number, base: string): boolean {
    if (seq[pos] === base) return false;
    return this.allowsChange(seq, seq.slice(0, pos) + base + seq.slice(pos + 1), [pos]);
  }

  /** Whether changing `seq` into `next` (which differ at `changed`) is allowed (see the module comment). */
  allowsChange(seq: string, next: string, changed: readonly number[]): boolean {
    if (changed.some((p) => !this.editable[p])) return false;
    const { maxEdits, gc, maxHomopolymer } = this.constraints;
    if (maxEdits !== undefined) {
      const after = this.edits(next);
      if (after > maxEdits && after > this.edits(seq)) return false;
    }
    if (gc !== undefined) {
      const distance = (f: number) => Math.max(0, gc[0] - f, f - gc[1]);
      const after = distance(gcCount(next) / next.length);
      if (after > 0 && after >= distance(gcCount(seq) / seq.length)) return false;
    }
    if (maxHomopolymer !== undefined) {
      for (const pos of changed) {
        const run = runAround(next, pos);
        if (run > maxHomopolymer && run > runAround(seq, pos)) return false;
      }
    }
    if (this.#forbidden.length > 0) {
      const lo = Math.min(...changed);
      const hi = Math.max(...changed);
      for (const f of this.#forbidden) if (f.countIn(next, lo, hi) > f.countIn(seq, lo, hi)) return false;
    }
    return true;
  }

  /** The constraints `seq` breaks, in words (empty when it meets them all). */
  violations(seq: string): string[] {
    const out: string[] = [];
    const { maxEdits, gc, maxHomopolymer } = this.constraints;
    const edits = this.edits(seq);
    if (maxEdits !== undefined && edits > maxEdits) out.push(`${edits} edits (at most ${maxEdits})`);
    for (let i = 0; i < seq.length; i++) if (seq[i] !== this.start[i] && !this.editable[i]) out.push(`position ${i + 1} edited but not editable`);
    if (gc !== undefined) {
      const f = gcCount(seq) / seq.length;
      if (f < gc[0] || f > gc[1]) out.push(`GC ${(100 * f).toFixed(1)}% (bounds ${100 * gc[0]}-${100 * gc[1]}%)`);
    }
    if (maxHomopolymer !== undefined && longestRun(seq) > maxHomopolymer) out.push(`a homopolymer of ${longestRun(seq)} (at most ${maxHomopolymer})`);
    for (const f of this.#forbidden) {
      const at = f.occurrences(seq);
      if (at.length > 0) out.push(`forbidden motif ${f.motif} at ${at.map((i) => i + 1).join(', ')}`);
    }
    for (const r of this.#required) if (r.occurrences(seq).length === 0) out.push(`required motif ${r.motif} absent`);
    return out;
  }
}
