/**
 * The interface every count model shares, and the Krichevsky-Trofimov (add-1/2) estimate
 * they all use: P(b | context) = (n_b + 1/2) / (n + 2) over the four bases.
 */
import { InputError } from '../../core/errors.js';
import type { DnaSequence, ReadStrand } from './base-codes.js';

export type CountModelKind = 'markov' | 'symmetric';

export interface CountModel {
  readonly kind: CountModelKind;
  /** Context length: k preceding bases (markov), or k on each side (symmetric). */
  readonly k: number;
  /** `markov-<k>` or `symmetric-<k>`. */
  readonly name: string;
  /** Bases counted so far (positions with a valid base and a complete valid context). */
  readonly fittedPositions: number;
  /** Adds the counts of every sequence; returns the model. */
  fit(seqs: DnaSequence | readonly DnaSequence[]): this;
  /**
   * -log2 P(base_i | context) for each position of `codes` (from `encodeBaseCodes`); NaN where
   * the base is not A/C/G/T or its context is incomplete or holds another symbol.
   */
  positionBits(codes: Uint8Array): Float64Array;
  /** Like `positionBits`, from the base given both sides (what `baseDistribution` gives). */
  maskedPositionBits(codes: Uint8Array): Float64Array;
  /**
   * P(A), P(C), P(G), P(T) at position i given the rest of `seq`, or null when position i
   * lacks a complete valid context. With `strand: '-'` the model reads the reverse
   * complement; the result is still in forward-strand A, C, G, T order.
   */
  baseDistribution(seq: DnaSequence, i: number, strand?: ReadStrand): Float64Array | null;
}

/** KT probability of a base seen `count` times in a context seen `total` times. */
export function ktProbability(count: number, total: number): number {
  return (count + 0.5) / (total + 2);
}

/** A distribution over the bases of `strand`, as forward-strand A, C, G, T (complement: reversed order). */
export function forwardOrder(p: Float64Array, strand: ReadStrand): Float64Array {
  return strand === '+' ? p : p.reverse();
}

export function asList(seqs: DnaSequence | readonly DnaSequence[]): readonly DnaSequence[] {
  return typeof seqs === 'string' || seqs instanceof Uint8Array ? [seqs] : seqs;
}

export function checkPosition(seq: DnaSequence, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= seq.length) {
    throw new InputError(`expected a position in [0, ${seq.length}), got ${i}`);
  }
}

/** Probabilities from natural-log weights (in place), scaled by the largest first. */
export function normalizeLogs(logs: Float64Array): Float64Array {
  let top = -Infinity;
  for (let b = 0; b < logs.length; b++) top = Math.max(top, logs[b]!);
  let sum = 0;
  for (let b = 0; b < logs.length; b++) sum += logs[b] = Math.exp(logs[b]! - top);
  for (let b = 0; b < logs.length; b++) logs[b]! /= sum;
  return logs;
}
