import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readNpy, writeNpy } from '../../src/io/npy.js';

test('npy: numpy reads ours, we read numpy\'s (float32 and float64)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-'));
  try {
    const a = Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    writeNpy(join(dir, 'a.npy'), { data: a, shape: [2, 3, 4] });
    const back = readNpy(join(dir, 'a.npy'));
    assert.deepEqual(back.shape, [2, 3, 4]);
    assert.deepEqual([...back.data], [...a]);
    const py = spawnSync('/usr/bin/python3', ['-c', `
import numpy as np, sys
a = np.load(sys.argv[1] + '/a.npy')
assert a.dtype == np.float32 and a.shape == (2, 3, 4), (a.dtype, a.shape)
assert (a.ravel() == np.arange(24) * 0.5 - 3).all()
np.save(sys.argv[1] + '/b.npy', np.arange(10, dtype=np.float64).reshape(5, 2) / 3)
`, dir], { encoding: 'utf8' });
    if (py.error || (py.status !== 0 && /No module named/.test(py.stderr))) return t.skip('numpy not available');
    assert.equal(py.status, 0, py.stderr);
    const b = readNpy(join(dir, 'b.npy'));
    assert.deepEqual(b.shape, [5, 2]);
    assert.ok(b.data instanceof Float64Array);
    b.data.forEach((v, i) => assert.equal(v, i / 3));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
