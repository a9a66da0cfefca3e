/**
 * Discrete design searches, each seeded and reproducible:
 * - greedy evolution (tangermeme's greedy_substitution, gReLU's evolve with ISM moves): every
 *   allowed single-base edit of each beam member scored at once (DesignModel.substitutionDeltas),
 *   the best `beam` children kept, until no edit improves the objective, the edit budget is
 *   spent or the rounds run out;
 * - pattern insertion (gReLU's pattern moves): a motif written over every allowed offset on
 *   either strand, the best insertion kept, round after round while it improves;
 * - random screening: the best of N random sequences that meet the constraints.
 * Between rounds the searches yield to the event loop, so a Ctrl-C can stop them with the
 * best sequence so far.
 */
import { InputError } from '../core/index.js';
import type { Random } from '../data/random.js';
import { reverseComplementMotif, type ConstraintChecker } from './constraints.js';
import type { DesignModel } from './design-model.js';
import type { Objective } from './objective.js';

const BASES = 'ACGT';

/** One accepted change: a base (from -> to at position) or an inserted pattern (from: the bases it replaced). */
export interface DesignStep {
  round: number;
  /** 0-based first position changed. */
  position: number;
  from: string;
  to: string;
  /** The objective and every prediction after the change. */
  objective: number;
  predictions: number[];
}

export type StopReason = 'converged' | 'max-edits' | 'rounds' | 'interrupted';

export interface DesignResult {
  start: string;
  sequence: string;
  startObjective: number;
  objective: number;
  startPredictions: number[];
  predictions: number[];
  steps: DesignStep[];
  /** The best objective after each round (round 0: the start). */
  objectivePerRound: number[];
  stopped: StopReason;
}

export interface SearchControl {
  /** Checked between rounds: true stops the search with the best so far. */
  shouldStop?: () => boolean;
  /** After each round. */
  onRound?: (round: number, best: number) => void;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Scored {
  sequence: string;
  objective: number;
  predictions: number[];
  steps: DesignStep[];
}

function scoreAll(model: DesignModel, objective: Objective, sequences: readonly string[]): { objective: number; predictions: number[] }[] {
  const T = model.outputs.length;
  const values = model.predict(sequences);
  return sequences.map((_, i) => {
    const predictions = Array.from(values.subarray(i * T, (i + 1) * T));
    return { objective: objective.ofRow(predictions), predictions };
  });
}

function checkStart(model: DesignModel, start: string): void {
  if (start.length !== model.length) throw new InputError(`a design start must be ${model.length} bp (the model's input length), got ${start.length}`);
}

function finish(start: Scored, best: Scored, perRound: number[], stopped: StopReason): DesignResult {
  return {
    start: start.sequence,
    sequence: best.sequence,
    startObjective: start.objective,
    objective: best.objective,
    startPredictions: start.predictions,
    predictions: best.predictions,
    steps: best.steps,
    objectivePerRound: perRound,
    stopped,
  };
}

export interface GreedyOptions extends SearchControl {
  rounds: number;
  /** Sequences kept per round. Default 1 (plain greedy). */
  beam?: number;
}

/** Greedy single-base evolution with an optional beam (see the module comment). */
export async function greedyEvolution(model: DesignModel, objective: Objective, checker: ConstraintChecker, options: GreedyOptions): Promise<DesignResult> {
  const { start } = checker;
  checkStart(model, start);
  const beamWidth = options.beam ?? 1;
  const L = start.length;
  const [first] = scoreAll(model, objective, [start]);
  const origin: Scored = { sequence: start, ...first!, steps: [] };
  let beam: Scored[] = [origin];
  let best = origin;
  const perRound = [origin.objective];
  let stopped: StopReason = 'rounds';
  for (let round = 1; round <= options.rounds; round++) {
    if (options.shouldStop?.()) {
      stopped = 'interrupted';
      break;
    }
    const candidates: { parent: Scored; pos: number; base: string; gain: number }[] = [];
    for (const parent of beam) {
      const deltas = model.substitutionDeltas(parent.sequence, objective);
      for (let b = 0; b < 4; b++) {
        for (let pos = 0; pos < L; pos++) {
          const gain = deltas[b * L + pos]!;
          if (gain > 0 && checker.allows(parent.sequence, pos, BASES[b]!)) candidates.push({ parent, pos, base: BASES[b]!, gain });
        }
      }
    }
    if (candidates.length === 0) {
      const budget = checker.constraints.maxEdits;
      stopped = budget !== undefined && beam.every((s) => checker.edits(s.sequence) >= budget) ? 'max-edits' : 'converged';
      break;
    }
    // Best children first (ties: earlier position, then A < C < G < T), one per distinct sequence.
    candidates.sort((a, b) => b.parent.objective + b.gain - (a.parent.objective + a.gain) || a.pos - b.pos || a.base.localeCompare(b.base));
    const children = new Map<string, (typeof candidates)[number]>();
    for (const c of candidates) {
      const sequence = c.parent.sequence.slice(0, c.pos) + c.base + c.parent.sequence.slice(c.pos + 1);
      if (!children.has(sequence)) children.set(sequence, c);
      if (children.size === beamWidth) break;
    }
    const sequences = [...children.keys()];
    const scored = scoreAll(model, objective, sequences);
    beam = sequences.map((sequence, i) => {
      const c = children.get(sequence)!;
      const step: DesignStep = { round, position: c.pos, from: c.parent.sequence[c.pos]!, to: c.base, ...scored[i]! };
      return { sequence, ...scored[i]!, steps: [...c.parent.steps, step] };
    });
    beam.sort((a, b) => b.objective - a.objective);
    const improved = beam[0]!.objective > best.objective;
    if (improved) best = beam[0]!;
    perRound.push(best.objective);
    options.onRound?.(round, best.objective);
    await nextTick();
    if (!improved && beamWidth === 1) {
      stopped = 'converged';
      break;
    }
  }
  return finish(origin, best, perRound, stopped);
}

export interface InsertionOptions extends SearchControl {
  /** Motifs to insert (IUPAC-free: A, C, G, T). */
  patterns: readonly string[];
  /** Insertions at most. Default 1. */
  rounds?: number;
}

/** Pattern insertion (see the module comment). */
export async function insertPatterns(model: DesignModel, objective: Objective, checker: ConstraintChecker, options: InsertionOptions): Promise<DesignResult> {
  const { start } = checker;
  checkStart(model, start);
  for (const p of options.patterns) if (!/^[ACGT]+$/.test(p) || p.length > start.length) throw new InputError(`a pattern to insert is A, C, G, T and at most ${start.length} bp, got '${p}'`);
  const variants = [...new Set(options.patterns.flatMap((p) => [p, reverseComplementMotif(p)]))];
  const [first] = scoreAll(model, objective, [start]);
  const origin: Scored = { sequence: start, ...first!, steps: [] };
  let best = origin;
  const perRound = [origin.objective];
  let stopped: StopReason = 'rounds';
  for (let round = 1; round <= (options.rounds ?? 1); round++) {
    if (options.shouldStop?.()) {
      stopped = 'interrupted';
      break;
    }
    const seq = best.sequence;
    const moves: { sequence: string; position: number; pattern: string }[] = [];
    for (const pattern of variants) {
      for (let at = 0; at + pattern.length <= seq.length; at++) {
        const next = seq.slice(0, at) + pattern + seq.slice(at + pattern.length);
        if (next === seq) continue;
        const changed = [...pattern].flatMap((c, k) => (seq[at + k] !== c ? [at + k] : []));
        if (checker.allowsChange(seq, next, changed)) moves.push({ sequence: next, position: at, pattern });
      }
    }
    if (moves.length === 0) {
      stopped = 'converged';
      break;
    }
    const scored = scoreAll(model, objective, moves.map((m) => m.sequence));
    let top = 0;
    scored.forEach((s, i) => (s.objective > scored[top]!.objective ? (top = i) : undefined));
    if (!(scored[top]!.objective > best.objective)) {
      stopped = 'converged';
      break;
    }
    const move = moves[top]!;
    const step: DesignStep = { round, position: move.position, from: seq.slice(move.position, move.position + move.pattern.length), to: move.pattern, ...scored[top]! };
    best = { sequence: move.sequence, ...scored[top]!, steps: [...best.steps, step] };
    perRound.push(best.objective);
    options.onRound?.(round, best.objective);
    await nextTick();
  }
  return finish(origin, best, perRound, stopped);
}

/** `count` random sequences of `length` bases (uniform bases) that meet `accept`, drawn with `random`. */
export function randomSequences(count: number, length: number, random: Random, accept: (s: string) => boolean = () => true): string[] {
  const out: string[] = [];
  for (let tries = 0; out.length < count; tries++) {
    if (tries > 1000 * count) throw new InputError(`could not draw ${count} random ${length} bp sequences that meet the constraints (${out.length} after ${tries} tries)`);
    const s = Array.from({ length }, () => BASES[random.int(4)]!).join('');
    if (accept(s)) out.push(s);
  }
  return out;
}

/** The best `keep` of `candidates` by the objective, best first. */
export function screenSequences(model: DesignModel, objective: Objective, candidates: readonly string[], keep: number): { sequence: string; objective: number; predictions: number[] }[] {
  const scored = scoreAll(model, objective, candidates).map((s, i) => ({ sequence: candidates[i]!, ...s }));
  return scored.sort((a, b) => b.objective - a.objective).slice(0, keep);
}
