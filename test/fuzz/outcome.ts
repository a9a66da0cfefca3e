/**
 * The outcome classes of one fuzz input. `ok` and `strand-error` are fine; the other three
 * are bugs: `raw-exception` (a TypeError, RangeError, a library's own Error, or a Strand
 * error whose message does not name the file), `hang` (over the time box) and `crash` (the
 * process died).
 */
import { StrandError } from '../../src/core/errors.js';

export const OUTCOME_CLASSES = ['ok', 'strand-error', 'raw-exception', 'hang', 'crash'] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

export const BAD_OUTCOMES: readonly OutcomeClass[] = ['raw-exception', 'hang', 'crash'];

export interface Outcome {
  outcome: OutcomeClass;
  /** For errors: the class name and the first line of the message. */
  detail?: string;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Classifies what a reader threw for input files `paths`. */
export function classifyError(error: unknown, paths: readonly string[]): Outcome {
  if (error instanceof StrandError) {
    const detail = `${error.name}: ${firstLine(error.message)}`;
    if (paths.some((p) => error.message.includes(p))) return { outcome: 'strand-error', detail };
    return { outcome: 'raw-exception', detail: `${detail} (does not name the file)` };
  }
  if (error instanceof Error) {
    const stack = (error.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' | ');
    return { outcome: 'raw-exception', detail: `${error.constructor.name}: ${firstLine(error.message)} @ ${stack}` };
  }
  return { outcome: 'raw-exception', detail: `non-Error thrown: ${firstLine(String(error))}` };
}

/** Per-class counts of one target. */
export type OutcomeCounts = Record<OutcomeClass, number>;

export function emptyCounts(): OutcomeCounts {
  return { ok: 0, 'strand-error': 0, 'raw-exception': 0, hang: 0, crash: 0 };
}
