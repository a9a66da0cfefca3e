/**
 * Runs fuzz inputs over the targets in child processes, time-boxing each input. The range of
 * each target is cut into chunks; `parallel` children work through the chunks. A child that
 * overruns the time box is killed (a `hang`, after one re-run with five times the budget to
 * rule out a busy machine); a child that dies while an input runs is a `crash`. Either way a
 * new child carries on with the next input.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInput, writeInput } from './fuzz-input.js';
import { BAD_OUTCOMES, emptyCounts, type OutcomeClass, type OutcomeCounts } from './outcome.js';
import type { ChildMessage, FuzzJob } from './protocol.js';

const CHILD = fileURLToPath(new URL('./fuzz-child.js', import.meta.url));

export interface CampaignOptions {
  targets: readonly string[];
  /** The campaign seed: input `i` of target `t` is the same for the same seed. */
  seed: number;
  /** Inputs per target (indexes 0 .. n-1), or per target name. */
  inputs: number | ((target: string) => number);
  /** Time box per input, ms. Default 2000. */
  timeoutMs?: number;
  /** Child processes at once. Default 1. */
  parallel?: number;
  /** Inputs per child job. Default 500. */
  chunk?: number;
  /** Where the files of bad inputs are copied (one folder each), when set. */
  failureDir?: string;
  /** Called after each finished chunk. */
  onChunk?: (target: string, done: number, total: number) => void;
}

export interface FuzzFailure {
  target: string;
  index: number;
  outcome: OutcomeClass;
  detail: string;
  steps: string[];
}

export interface TargetReport {
  target: string;
  inputs: number;
  counts: OutcomeCounts;
  failures: FuzzFailure[];
}

interface ChunkResult {
  outcome: OutcomeClass;
  index: number;
  detail: string;
  steps: string[];
}

/** Runs inputs [from, to) of one target, one child at a time; returns one result per input. */
async function runChunk(target: string, seed: number, from: number, to: number, timeoutMs: number, workDir: string): Promise<ChunkResult[]> {
  const results: ChunkResult[] = [];
  let next = from;
  while (next < to) {
    const ended = await runChild({ target, seed, from: next, to, dir: workDir }, timeoutMs, (r) => results.push(r));
    if (ended.kind === 'done') break;
    if (ended.kind === 'stopped') {
      // the child reported an uncaught error as its last result and exited
      next = ended.lastIndex + 1;
      continue;
    }
    let result: ChunkResult = { outcome: ended.kind, index: ended.index, detail: ended.detail, steps: [] };
    if (ended.kind === 'hang') {
      // rule out a busy machine: the same input alone, with five times the budget
      const again: ChunkResult[] = [];
      const rerun = await runChild({ target, seed, from: ended.index, to: ended.index + 1, dir: workDir }, timeoutMs * 5, (r) => again.push(r));
      if (again.length === 1) result = { ...again[0]!, detail: `${again[0]!.detail} (slow: over ${timeoutMs} ms once)` };
      else if (rerun.kind === 'hang' || rerun.kind === 'crash') result.detail = rerun.detail;
    }
    result.steps = buildInput(target, seed, ended.index).steps;
    results.push(result);
    next = ended.index + 1;
  }
  return results;
}

type ChildEnd =
  | { kind: 'done' }
  | { kind: 'hang' | 'crash'; index: number; detail: string }
  | { kind: 'stopped'; lastIndex: number };

/** One child on `job`; resolves when it has finished, or at the first input it hung or died on. */
function runChild(job: FuzzJob, timeoutMs: number, onResult: (r: ChunkResult) => void): Promise<ChildEnd> {
  return new Promise((resolve) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: ['--max-old-space-size=1024'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (t: string) => {
      stderr = (stderr + t).slice(-2000);
    });
    let running: number | undefined;
    let lastIndex = job.from - 1;
    let timer: NodeJS.Timeout | undefined;
    let end: ChildEnd | undefined;
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'start') {
        running = m.index;
        timer = setTimeout(() => {
          end ??= { kind: 'hang', index: m.index, detail: `no answer within ${timeoutMs} ms` };
          child.kill('SIGKILL');
        }, timeoutMs);
      } else if (m.kind === 'result') {
        clearTimeout(timer);
        running = undefined;
        lastIndex = Math.max(lastIndex, m.index);
        onResult({ outcome: m.outcome, index: m.index, detail: m.detail ?? '', steps: m.steps });
      } else {
        end ??= { kind: 'done' };
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (running !== undefined) {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        end ??= { kind: 'crash', index: running, detail: `child died (code ${code}, signal ${signal}): ${last}` };
      }
      resolve(end ?? { kind: 'stopped', lastIndex });
    });
    child.send(job);
  });
}

/** Runs the campaign; one report per target, in `targets` order. */
export async function runCampaign(options: CampaignOptions): Promise<TargetReport[]> {
  const { seed, timeoutMs = 2000, parallel = 1, chunk = 500 } = options;
  const count = (t: string) => (typeof options.inputs === 'number' ? options.inputs : options.inputs(t));
  const workDir = mkdtempSync(join(tmpdir(), 'strand-fuzz-'));
  const reports = new Map(options.targets.map((t) => [t, { target: t, inputs: count(t), counts: emptyCounts(), failures: [] } as TargetReport]));
  const queue = options.targets.flatMap((t) => {
    const n = count(t);
    return Array.from({ length: Math.ceil(n / chunk) }, (_, k) => ({ target: t, from: k * chunk, to: Math.min(n, (k + 1) * chunk) }));
  });
  const done = new Map<string, number>();
  try {
    const worker = async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        const report = reports.get(job.target)!;
        for (const r of await runChunk(job.target, seed, job.from, job.to, timeoutMs, workDir)) {
          report.counts[r.outcome]++;
          if (BAD_OUTCOMES.includes(r.outcome)) {
            const failure = { target: job.target, ...r };
            report.failures.push(failure);
            if (options.failureDir !== undefined) saveFailure(options.failureDir, seed, failure);
          }
        }
        done.set(job.target, (done.get(job.target) ?? 0) + job.to - job.from);
        options.onChunk?.(job.target, done.get(job.target)!, report.inputs);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return options.targets.map((t) => reports.get(t)!);
}

/** Copies a bad input's files into `dir/<target>-<index>/` with a note of how it was made. */
function saveFailure(dir: string, seed: number, failure: FuzzFailure): void {
  const folder = join(dir, `${failure.target}-${failure.index}`);
  writeInput(buildInput(failure.target, seed, failure.index), folder);
  writeFileSync(join(folder, 'FAILURE.txt'), `${failure.outcome}: ${failure.detail}\nseed ${seed}, index ${failure.index}\nsteps: ${failure.steps.join('; ')}\n`);
}

/** The per-target table: target, inputs, then one column per outcome class. */
export function formatReport(reports: readonly TargetReport[]): string {
  const classes: OutcomeClass[] = ['ok', 'strand-error', 'raw-exception', 'hang', 'crash'];
  const rows = [['target', 'inputs', ...classes], ...reports.map((r) => [r.target, String(r.inputs), ...classes.map((c) => String(r.counts[c]))])];
  const total = ['total', String(reports.reduce((n, r) => n + r.inputs, 0)), ...classes.map((c) => String(reports.reduce((n, r) => n + r.counts[c], 0)))];
  rows.push(total);
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((row) => row[j]!.length)));
  return rows.map((row) => row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  ')).join('\n');
}
