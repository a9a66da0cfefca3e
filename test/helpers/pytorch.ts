/**
 * Runs Python snippets against Debian's python3-torch / python3-sklearn to get independent
 * expected values. The snippet reads the JSON object `inputs` and assigns a JSON-serialisable
 * `result`. Returns null when the required modules are not installed, unless running in CI,
 * where they must be (make test installs them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const interpreters = new Map<string, string | null>();

function pythonWith(modules: readonly string[]): string | null {
  const key = modules.join(',');
  const known = interpreters.get(key);
  if (known !== undefined) return known;
  let found: string | null = null;
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (py.startsWith('/') && !existsSync(py)) continue;
    if (spawnSync(py, ['-c', `import ${key}`], { encoding: 'utf8' }).status === 0) {
      found = py;
      break;
    }
  }
  if (found === null && process.env.CI === 'true') {
    throw new Error(`Python modules ${key} are required in CI (scripts/setup.sh --peers installs them)`);
  }
  interpreters.set(key, found);
  return found;
}

/** The python3 that has torch and numpy, or null. */
export function pytorchPython(): string | null {
  return pythonWith(['torch', 'numpy']);
}

export function runPython<T = unknown>(
  code: string,
  inputs: Record<string, unknown> = {},
  modules: readonly string[] = ['torch', 'numpy'],
): T | null {
  const py = pythonWith(modules);
  if (py === null) return null;
  const program = [
    'import json, sys, math',
    ...modules.map((m) => `import ${m}`),
    ...(modules.includes('numpy') ? ['import numpy as np'] : []),
    ...(modules.includes('torch') ? ['torch.set_num_threads(1)'] : []),
    'inputs = json.loads(sys.stdin.read())',
    'result = None',
    code,
    'print(json.dumps(result))',
  ].join('\n');
  const r = spawnSync(py, ['-c', program], { input: JSON.stringify(inputs), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** runPython with torch and numpy imported. */
export function runPyTorch<T = unknown>(code: string, inputs: Record<string, unknown> = {}): T | null {
  return runPython<T>(code, inputs, ['torch', 'numpy']);
}
