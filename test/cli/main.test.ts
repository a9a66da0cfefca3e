import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomeSeed, reportOutcome } from '../helpers/outcome.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function strand(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

test('bad command lines exit non-zero with one strand: error line', () => {
  for (const args of [['bogus'], ['demo', '--epochs', 'x'], ['demo', '--seed', '-1'], ['demo', '--nope']]) {
    const r = strand(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^strand: error: /);
  }
});

test('--help and --version exit 0', () => {
  const help = strand('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /demo/);
  assert.equal(strand('demo', '--help').status, 0);
  assert.match(strand('--version').stdout, /^\d+\.\d+\.\d+/);
});

test('strand demo trains and prints a held-out AUROC', () => {
  const out = mkdtempSync(join(tmpdir(), 'strand-demo-cli-'));
  const r = strand('demo', '--epochs', '3', '--seed', String(outcomeSeed(5)), '--out', out);
  rmSync(out, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  const auroc = Number(/^held-out AUROC (\S+)$/m.exec(r.stdout)?.[1]);
  // weakest of make test-kernels (5 seeds, 5 kernel paths; 2026-12-03): 0.9944
  reportOutcome('demo-cli-3-epochs-auroc', auroc, '> 0.8');
  assert.ok(auroc > 0.8 && auroc <= 1, r.stdout);
});
