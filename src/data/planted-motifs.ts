/**
 * A generated data set with known answers: random DNA in which positives carry a planted
 * motif instance at a random position (sampled from the motif's PWM), negatives do not.
 */
import { InputError } from '../core/errors.js';
import { Random } from './random.js';

/** Position weight matrix: rows are positions, columns A, C, G, T probabilities. */
export type Pwm = readonly (readonly [number, number, number, number])[];

export interface PlantedMotif {
  name: string;
  pwm: Pwm;
}

export interface PlantedMotifOptions {
  count: number;
  length: number;
  motifs: readonly PlantedMotif[];
  /** Fraction of sequences that carry each motif (per task, independently). Default 0.5. */
  positiveFraction?: number;
  /** Background base probabilities A, C, G, T. Default uniform. */
  background?: readonly [number, number, number, number];
  seed?: number;
}

export interface LabelledSequences {
  sequences: string[];
  /** labels[i][t] = 1 when sequence i carries motif t. */
  labels: number[][];
  tasks: string[];
}

/** A PWM from a consensus string (1 for the base, 0 elsewhere). */
export function consensusPwm(consensus: string): Pwm {
  return [...consensus.toUpperCase()].map((b) => {
    const i = 'ACGT'.indexOf(b);
    if (i < 0) throw new InputError(`consensus must use A, C, G, T, got '${b}'`);
    return [0, 1, 2, 3].map((j) => (j === i ? 1 : 0)) as unknown as [number, number, number, number];
  });
}

function sample(probs: readonly number[], rng: Random): string {
  let u = rng.next();
  for (let i = 0; i < 4; i++) {
    u -= probs[i]!;
    if (u < 0) return 'ACGT'[i]!;
  }
  return 'T';
}

export function plantedMotifDataset(options: PlantedMotifOptions): LabelledSequences {
  const { count, length, motifs } = options;
  const fraction = options.positiveFraction ?? 0.5;
  const background = options.background ?? [0.25, 0.25, 0.25, 0.25];
  if (!Number.isInteger(count) || count < 1) throw new InputError(`count must be a positive integer, got ${count}`);
  if (motifs.length === 0) throw new InputError('expected at least one motif');
  for (const m of motifs) {
    if (m.pwm.length > length) throw new InputError(`motif ${m.name} (${m.pwm.length} bp) is longer than the sequences (${length} bp)`);
  }
  const rng = new Random(options.seed ?? 1);
  const sequences: string[] = [];
  const labels: number[][] = [];
  for (let n = 0; n < count; n++) {
    const bases = Array.from({ length }, () => sample(background, rng));
    const row: number[] = [];
    const used: [number, number][] = [];
    for (const m of motifs) {
      const positive = rng.next() < fraction;
      row.push(positive ? 1 : 0);
      if (!positive) continue;
      // Place instances without overlapping earlier ones where possible.
      let start = rng.int(length - m.pwm.length + 1);
      for (let tries = 0; tries < 20 && used.some(([s, e]) => start < e && start + m.pwm.length > s); tries++) {
        start = rng.int(length - m.pwm.length + 1);
      }
      used.push([start, start + m.pwm.length]);
      m.pwm.forEach((probs, i) => (bases[start + i] = sample(probs, rng)));
    }
    sequences.push(bases.join(''));
    labels.push(row);
  }
  return { sequences, labels, tasks: motifs.map((m) => m.name) };
}
