import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/core/index.js';
import { DISTRIBUTED_UNAVAILABLE, distributedAvailable, launchLocalRanks, requireDistributed } from '../../src/distributed/index.js';
import { lastJson, rankScript, runRanks, type RankRun } from './spawn-ranks.js';

const skip = distributedAvailable() ? false : 'addon built without gloo';

interface Collected {
  rank: number;
  sum: { a: number[]; b: number[]; c: number[] };
  avg: number[];
  max: number[];
  broadcast: { f: number[]; g: number[] };
  allgather: { shape: number[]; values: number[] }[];
}

/** What collectives-rank.ts must print on every rank of a group of W, computed by hand. */
function expected(w: number, rank: number): Collected {
  const ranks = Array.from({ length: w }, (_, r) => r);
  const total = (f: (r: number) => number) => ranks.reduce((s, r) => s + f(r), 0);
  return {
    rank,
    sum: { a: [total((r) => r + 1), total((r) => 10 * (r + 1)), total((r) => -r)], b: [total((r) => 0.5 * r), 3 * w], c: [total((r) => r), 7 * w] },
    avg: [total((r) => r) / w, total((r) => 2 * r + 1) / w],
    max: [w - 1, 0],
    broadcast: { f: [100 * (w - 1), 100 * (w - 1) + 1], g: [w - 1] },
    allgather: ranks.map((r) => ({ shape: [1, 2], values: [r, r * r] })),
  };
}

function checkAll(runs: RankRun[], w: number): void {
  for (const run of runs) {
    assert.equal(run.code, 0, `rank ${run.rank} exited ${run.code}: ${run.stderr}`);
    assert.deepEqual(lastJson<Collected>(run), expected(w, run.rank));
  }
}

test('allreduce (sum, avg, max), broadcast, allgather and barrier on 3 ranks over a TCP store', { skip }, async () => {
  checkAll(await runRanks(rankScript('collectives-rank'), 3), 3);
});

test('the same collectives on 2 ranks over a file store', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-filestore-'));
  try {
    checkAll(await runRanks(rankScript('collectives-rank'), 2, { env: { STRAND_TEST_STORE_FILE: join(dir, 'store') } }), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const errorOf = (run: RankRun) => lastJson<{ error?: string }>(run).error ?? '';

test('a rank that never joins is named by the ranks that wait for it', { skip }, async () => {
  const [rank0] = await runRanks(rankScript('stall-rank'), 2, { ranks: [0] });
  assert.equal(rank0!.code, 1);
  assert.match(errorOf(rank0!), /rank 0 of 2: waited 2000 ms at the store 127\.0\.0\.1:\d+ for rank 1, which never joined/);
});

test('a rank that cannot reach the store names its address', { skip }, async () => {
  const [rank1] = await runRanks(rankScript('stall-rank'), 2, { ranks: [1] });
  assert.equal(rank1!.code, 1);
  assert.match(errorOf(rank1!), /rank 1 of 2: could not reach the TCP store at 127\.0\.0\.1:\d+ within 2000 ms/);
});

test('a barrier that times out names the rank that did not arrive', { skip }, async () => {
  const runs = await runRanks(rankScript('stall-rank'), 2, { env: { STRAND_TEST_OP: 'barrier', STRAND_TEST_STALL_RANK: '1', STRAND_TEST_STALL_MS: '4000' } });
  assert.equal(runs[0]!.code, 1);
  assert.match(errorOf(runs[0]!), /^barrier on rank 0 of 2: .*Ranks? 1 failed to pass monitoredBarrier in 2000 ms/);
});

test('an allreduce that times out says which operation and how long it waited', { skip }, async () => {
  const runs = await runRanks(rankScript('stall-rank'), 2, { env: { STRAND_TEST_OP: 'allreduce', STRAND_TEST_STALL_RANK: '1', STRAND_TEST_STALL_MS: '4000' } });
  assert.equal(runs[0]!.code, 1);
  assert.match(errorOf(runs[0]!), /^allreduce on rank 0 of 2: .*Timed out waiting 2000ms/);
});

test('without the gloo headers the addon has no process group, and the error says what to install', () => {
  assert.throws(() => requireDistributed({}), (err: unknown) => err instanceof InputError && err.message === DISTRIBUTED_UNAVAILABLE);
  assert.match(DISTRIBUTED_UNAVAILABLE, /libgloo-dev/);
  assert.equal(typeof distributedAvailable(), 'boolean');
});

test('ranks launched on one machine meet through a file store: nothing listens beyond loopback', { skip }, async () => {
  // The detector first: under torchrun's variables rank 0 serves c10d's TCP store, which listens on every interface.
  const tcp = await runRanks(rankScript('listen-rank'), 2);
  const served = lastJson<{ listening: string[] }>(tcp[0]!).listening;
  assert.ok(served.some((a) => a === '0.0.0.0' || a === '::'), `TCP store rank 0 listens on ${served.join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'strand-listen-'));
  try {
    const lines: string[] = [];
    const code = await launchLocalRanks({ nproc: 2, args: [rankScript('listen-rank')], env: { STRAND_TEST_OUT: dir }, report: (l) => lines.push(l) });
    assert.equal(code, 0, lines.join('\n'));
    for (const rank of [0, 1]) {
      const { listening } = JSON.parse(readFileSync(join(dir, `${rank}.json`), 'utf8')) as { listening: string[] };
      assert.ok(listening.every((a) => a.startsWith('127.') || a === '::1'), `rank ${rank} listens on ${listening.join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
