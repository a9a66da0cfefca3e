/** Messages between the fuzz campaign (parent) and a fuzz child process. */
import type { OutcomeClass } from './outcome.js';

/** Parent -> child: run inputs [from, to) of `target` under campaign `seed`, writing files below `dir`. */
export interface FuzzJob {
  target: string;
  seed: number;
  from: number;
  to: number;
  dir: string;
}

/** Child -> parent. */
export type ChildMessage =
  | { kind: 'start'; index: number }
  | { kind: 'result'; index: number; outcome: OutcomeClass; detail?: string; steps: string[] }
  | { kind: 'done' };
