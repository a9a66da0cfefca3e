/**
 * The `design:` section of `strand design --config design.yaml`: the method, the objective, the
 * constraints and each method's options. Command-line flags set the same fields (and win).
 * Positions are 1-based and inclusive, as a genome browser shows them: `editable: [11-50]`.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** `a-b`, 1-based inclusive, or one position `a`. */
export const positionRange = z.string().regex(/^\d+(-\d+)?$/, 'expected a 1-based position or range like 11-50');

export const designConstraintsSchema = z
  .strictObject({
    /** Positions that may change (default all). */
    editable: z.array(positionRange).min(1).optional(),
    /** Positions that may differ from the start. */
    maxEdits: z.number().int().nonnegative().optional(),
    /** GC fraction bounds. */
    gc: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional(),
    /** Motifs that must not occur, either strand, IUPAC codes (e.g. restriction sites GAATTC, GGATCC). */
    forbidden: z.array(z.string().min(1)).optional(),
    /** Motifs whose occurrences in the start are kept. */
    required: z.array(z.string().min(1)).optional(),
    /** Longest run of one base. */
    maxHomopolymer: positiveInt.optional(),
  })
  .default({});

export const designOptionsSchema = z.strictObject({
  /** greedy: single-base evolution; insert: motif insertion; screen: best of random sequences; gradient: Ledidi. */
  method: z.enum(['greedy', 'insert', 'screen', 'gradient']).default('greedy'),
  /** Terms over the model's outputs, e.g. `max:bound`, `specific:HepG2/K562;offWeight=0.5` (src/design/objective.ts). */
  objective: z.string().min(1),
  constraints: designConstraintsSchema,
  /** greedy and insert: rounds at most (greedy stops earlier when no edit helps). */
  rounds: positiveInt.default(20),
  /** greedy: sequences kept per round. */
  beam: positiveInt.default(1),
  /** insert: the motifs to write (A, C, G, T). */
  patterns: z.array(z.string().regex(/^[ACGTacgt]+$/, 'expected A, C, G, T only')).min(1).optional(),
  /** screen: designs kept (the best of the random sequences). */
  keep: positiveInt.default(10),
  /** gradient: optimiser steps, samples per step, learning rate, edit penalty, Gumbel-softmax temperature. */
  steps: positiveInt.default(200),
  samples: positiveInt.default(16),
  lr: z.number().positive().default(0.5),
  lambda: z.number().nonnegative().default(0.01),
  temperature: z.number().positive().default(1),
  seed: z.number().int().nonnegative().default(1),
});

/** The file form: every field optional (the flags may give the rest). */
export const designConfigSchema = z.strictObject({ design: designOptionsSchema.partial() });

export type DesignOptions = z.infer<typeof designOptionsSchema>;

/** 1-based inclusive `a-b` texts -> 0-based half-open ranges. */
export function editableRanges(texts: readonly string[]): [number, number][] {
  return texts.map((t) => {
    const [a, b = a] = t.split('-').map(Number) as [number, number?];
    return [a - 1, b!];
  });
}
