/**
 * What a design optimises: a sum of terms over a model's predictions (probabilities for
 * classifiers, values for regression, the counts head of a profile model), written as text or
 * as YAML:
 *
 *   max:OUT            maximise an output (weight 1)
 *   min:OUT            minimise it
 *   target:OUT=V       reach a value: -(y - V)^2
 *   specific:ON/OFF    specificity (gReLU's Specificity): mean of the on-outputs minus
 *                      offWeight x mean of relu(off - threshold); ON and OFF are comma lists
 *   2*max:OUT          any term with a weight
 *
 * Several terms are joined with `+`: `max:HepG2 + 0.5*min:K562`. The objective is evaluated on
 * tensors ([N, outputs] -> [N]), so in-silico mutagenesis can score all mutants of a round at
 * once through it.
 */
import { ConfigError, InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';

export type ObjectiveTerm =
  | { kind: 'max' | 'min'; output: string; weight: number }
  | { kind: 'target'; output: string; value: number; weight: number }
  | { kind: 'specific'; on: string[]; off: string[]; offWeight: number; threshold: number; weight: number };

export interface Objective {
  terms: ObjectiveTerm[];
  /** The text form (for reports and design.json). */
  text: string;
  /** [N, outputs] predictions -> [N] objective values. */
  evaluate(predictions: Tensor): Tensor;
  /** The objective of one row of predictions. */
  ofRow(predictions: ArrayLike<number>): number;
}

function termText(t: ObjectiveTerm): string {
  const w = t.weight === 1 ? '' : `${t.weight}*`;
  if (t.kind === 'target') return `${w}target:${t.output}=${t.value}`;
  if (t.kind === 'specific') return `${w}specific:${t.on.join(',')}/${t.off.join(',')}${t.offWeight === 1 ? '' : `;offWeight=${t.offWeight}`}${t.threshold === 0 ? '' : `;threshold=${t.threshold}`}`;
  return `${w}${t.kind}:${t.output}`;
}

/** Parses the text form (see the module comment); `field` names the option in errors. */
export function parseObjective(text: string, field = 'objective'): ObjectiveTerm[] {
  const parts = text.split('+').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new ConfigError(field, `expected terms like max:OUTPUT joined by +, got '${text}'`);
  return parts.map((part) => {
    const weighted = /^([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*\*\s*(.+)$/i.exec(part);
    const weight = weighted ? Number(weighted[1]) : 1;
    const body = weighted ? weighted[2]! : part;
    const m = /^(max|min|target|specific):(.+)$/.exec(body);
    if (m === null) throw new ConfigError(field, `expected max:OUT, min:OUT, target:OUT=VALUE or specific:ON/OFF, got '${part}'`);
    const [, kind, rest] = m as unknown as [string, string, string];
    if (kind === 'max' || kind === 'min') return { kind, output: rest, weight };
    if (kind === 'target') {
      const t = /^(.+)=([-+]?\d*\.?\d+(?:e[-+]?\d+)?)$/i.exec(rest);
      if (t === null) throw new ConfigError(field, `expected target:OUTPUT=VALUE, got '${part}'`);
      return { kind, output: t[1]!, value: Number(t[2]), weight };
    }
    const [sets, ...options] = rest.split(';');
    const [on, off] = sets!.split('/');
    if (on === undefined || off === undefined || on === '' || off === '') throw new ConfigError(field, `expected specific:ON1,ON2/OFF1,OFF2, got '${part}'`);
    const term: ObjectiveTerm = { kind: 'specific', on: on.split(','), off: off.split(','), offWeight: 1, threshold: 0, weight };
    for (const o of options) {
      const kv = /^(offWeight|threshold)=([-+]?\d*\.?\d+(?:e[-+]?\d+)?)$/.exec(o);
      if (kv === null) throw new ConfigError(field, `expected offWeight=W or threshold=T after ';', got '${o}'`);
      term[kv[1] as 'offWeight' | 'threshold'] = Number(kv[2]);
    }
    return term;
  });
}

/** The objective of `terms` over a model whose predictions are named `outputs`. */
export function buildObjective(terms: readonly ObjectiveTerm[], outputs: readonly string[], field = 'objective'): Objective {
  if (terms.length === 0) throw new ConfigError(field, 'expected at least one term');
  const index = (name: string): number => {
    const i = outputs.indexOf(name);
    if (i < 0) throw new InputError(`${field}: unknown output '${name}'; the model's outputs are ${outputs.slice(0, 10).join(', ')}${outputs.length > 10 ? `, ... (${outputs.length})` : ''}`);
    return i;
  };
  const resolved = terms.map((t) =>
    t.kind === 'specific' ? { ...t, onIndex: t.on.map(index), offIndex: t.off.map(index) } : { ...t, at: index(t.output) },
  );
  const column = (y: Tensor, i: number) => ops.select(y, 1, i);
  const meanOf = (y: Tensor, columns: readonly number[]) => columns.map((i) => column(y, i)).reduce((a, b) => a.add(b)).div(columns.length);
  const evaluate = (y: Tensor): Tensor => {
    if (y.ndim !== 2 || y.shape[1] !== outputs.length) throw new InputError(`expected predictions [N, ${outputs.length}], got [${y.shape.join(', ')}]`);
    const values = resolved.map((t) => {
      let v: Tensor;
      if ('onIndex' in t) v = meanOf(y, t.onIndex).sub(meanOf(ops.relu(ops.subScalar(y, t.threshold)), t.offIndex).mul(t.offWeight));
      else if (t.kind === 'target') v = ops.neg(ops.square(ops.subScalar(column(y, t.at), t.value)));
      else v = t.kind === 'max' ? column(y, t.at) : ops.neg(column(y, t.at));
      return t.weight === 1 ? v : v.mul(t.weight);
    });
    return values.reduce((a, b) => a.add(b));
  };
  const ofRow = (p: ArrayLike<number>): number =>
    resolved.reduce((sum, t) => {
      const mean = (cols: readonly number[], f = (v: number) => v) => cols.reduce((s, i) => s + f(p[i]!), 0) / cols.length;
      let v: number;
      if ('onIndex' in t) v = mean(t.onIndex) - t.offWeight * mean(t.offIndex, (x) => Math.max(0, x - t.threshold));
      else if (t.kind === 'target') v = -((p[t.at]! - t.value) ** 2);
      else v = t.kind === 'max' ? p[t.at]! : -p[t.at]!;
      return sum + t.weight * v;
    }, 0);
  return { terms: [...terms], text: terms.map(termText).join(' + '), evaluate, ofRow };
}
