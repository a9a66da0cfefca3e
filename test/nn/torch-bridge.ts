/**
 * Moves tensors and state dicts between our modules and a PyTorch snippet as JSON, so the
 * PyTorch side computes expected values with exactly our weights and inputs.
 */
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/core/index.js';
import { init, type Module } from '../../src/nn/index.js';
import { assertClose } from '../helpers/assert-close.js';

export interface TensorJson {
  shape: number[];
  dtype: string;
  values: number[];
}

export function tensorJson(t: Tensor): TensorJson {
  return { shape: t.shape, dtype: t.dtype, values: t.toArray() };
}

export function stateJson(m: Module): Record<string, TensorJson> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, tensorJson(t)]));
}

/**
 * Python helpers prepended to snippets:
 * T(j) builds a tensor from TensorJson; load(module, state) loads a state dict strictly;
 * J(t) turns a tensor back into TensorJson-like {shape, values}.
 */
export const PY_HELPERS = `
def T(j):
    return torch.tensor(j['values'], dtype=getattr(torch, j['dtype'])).reshape(j['shape'])
def load(module, state):
    module.load_state_dict({k: T(v) for k, v in state.items()}, strict=True)
    return module
def J(t):
    return {'shape': list(t.shape), 'values': t.detach().double().flatten().tolist()}
`;

/** Same shape as PyTorch's and close values. */
export function assertMatches(
  actual: Tensor,
  expected: { shape: number[]; values: number[] },
  options: { atol?: number; rtol?: number; message?: string } = {},
): void {
  assert.deepEqual(actual.shape, expected.shape, `${options.message ?? ''} shape`);
  assertClose(actual, expected.values, { atol: 1e-5, rtol: 1e-4, ...options });
}

/** Overwrites every parameter with N(0, 1) draws so that PyTorch comparisons do not rest on ones / zeros defaults. */
export function randomizeParameters(m: Module): void {
  for (const p of m.parameters()) init.normal_(p);
}
