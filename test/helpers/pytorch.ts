/**
 * Runs a Python snippet against Debian's python3-torch to get independent expected values.
 * The snippet reads the JSON object `inputs` and assigns a JSON-serialisable `result`.
 * Returns null when PyTorch is not installed, unless running in CI, where it must be.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = ['/usr/bin/python3', 'python3'];
let interpreter: string | null | undefined;

export function pytorchPython(): string | null {
  if (interpreter !== undefined) return interpreter;
  interpreter = null;
  for (const py of candidates) {
    if (py.startsWith('/') && !existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (r.status === 0) {
      interpreter = py;
      break;
    }
  }
  if (interpreter === null && process.env.CI === 'true') {
    throw new Error('python3-torch is required in CI (apt-get install python3-torch)');
  }
  return interpreter;
}

export function runPyTorch<T = unknown>(code: string, inputs: Record<string, unknown> = {}): T | null {
  const py = pytorchPython();
  if (py === null) return null;
  const program = [
    'import json, sys, math',
    'import torch, numpy as np',
    'torch.set_num_threads(1)',
    'inputs = json.loads(sys.stdin.read())',
    'result = None',
    code,
    'print(json.dumps(result))',
  ].join('\n');
  const r = spawnSync(py, ['-c', program], { input: JSON.stringify(inputs), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
