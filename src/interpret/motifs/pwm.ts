/**
 * Position weight matrix utilities: rows are positions, columns A, C, G, T probabilities
 * (the `Pwm` type of src/data/planted-motifs.ts and of MEME files).
 */
import { InputError } from '../../core/errors.js';
import type { Pwm } from '../../data/planted-motifs.js';

export type { Pwm };
type Row = [number, number, number, number];
const UNIFORM: Row = [0.25, 0.25, 0.25, 0.25];

function checkPwm(pwm: Pwm, name = 'pwm'): void {
  if (pwm.length === 0) throw new InputError(`expected a non-empty ${name}`);
  for (const row of pwm) {
    if (row.length !== 4) throw new InputError(`expected ${name} rows of 4 (A, C, G, T), got a row of ${row.length}`);
  }
}

/** Information content (bits) of each position: sum_b p_b log2(p_b / bg_b). Background default uniform. */
export function informationContent(pwm: Pwm, background: readonly number[] = UNIFORM): number[] {
  checkPwm(pwm);
  return pwm.map((row) => row.reduce((s, p, b) => (p > 0 ? s + p * Math.log2(p / background[b]!) : s), 0));
}

/** The most probable base at each position (ties: first of A, C, G, T). */
export function consensus(pwm: Pwm): string {
  checkPwm(pwm);
  return pwm.map((row) => 'ACGT'[row.indexOf(Math.max(...row))]!).join('');
}

/** The PWM of the reverse-complement strand: rows reversed, A<->T and C<->G swapped. */
export function reverseComplementPwm(pwm: Pwm): Row[] {
  checkPwm(pwm);
  return [...pwm].reverse().map((r) => [r[3], r[2], r[1], r[0]]);
}

export interface TrimmedPwm {
  pwm: Row[];
  /** First kept position of the input (0-based) and one past the last. */
  start: number;
  end: number;
}

/**
 * Drops low-information flanks: keeps positions from the first to the last whose information
 * content is >= minInformation bits (default 0.5, background uniform). When no position
 * qualifies the whole PWM is returned.
 */
export function trimPwm(pwm: Pwm, minInformation = 0.5): TrimmedPwm {
  const ic = informationContent(pwm);
  let start = ic.findIndex((v) => v >= minInformation);
  let end = ic.length - [...ic].reverse().findIndex((v) => v >= minInformation);
  if (start < 0) [start, end] = [0, pwm.length];
  return { pwm: pwm.slice(start, end).map((r) => [...r] as Row), start, end };
}

/** Counts [L][4] -> probabilities with `pseudocount` added to every cell (default 0.5). */
export function countsToPwm(counts: readonly (readonly number[])[], pseudocount = 0.5): Row[] {
  if (pseudocount < 0) throw new InputError(`expected a non-negative pseudocount, got ${pseudocount}`);
  return counts.map((c) => {
    const total = c.reduce((a, b) => a + b, 0) + 4 * pseudocount;
    if (total <= 0) return [...UNIFORM];
    return c.map((v) => (v + pseudocount) / total) as Row;
  });
}

export interface LogOddsOptions {
  background?: readonly number[];
  /** Added to each probability before renormalising (default 0.01, avoids log 0). */
  pseudocount?: number;
}

/** Log-odds matrix [L][4]: log2((p + pc) / (1 + 4 pc) / bg). */
export function logOdds(pwm: Pwm, options: LogOddsOptions = {}): number[][] {
  checkPwm(pwm);
  const bg = options.background ?? UNIFORM;
  const pc = options.pseudocount ?? 0.01;
  return pwm.map((row) => row.map((p, b) => Math.log2((p + pc) / (1 + 4 * pc) / bg[b]!)));
}
