/** Timing helpers shared by the benchmarks: median of repeated runs, and the peer process. */
import { spawnSync } from 'node:child_process';

/** Median wall time of `fn` in milliseconds over `runs` runs after `warmup` untimed runs. */
export function medianMs(fn: () => void, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs a Python peer script (Debian python3) and parses the JSON object it prints last. */
export function runPeer<T>(script: string, args: readonly (string | number)[]): T {
  const r = spawnSync('/usr/bin/python3', [script, ...args.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`peer ${script} failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** One result line: `BENCH <name> strand=<x> peer=<y> speedup=<s>`. */
export function benchLine(name: string, strand: number, peer: number, speedup: number, unit: string): string {
  return `BENCH ${name} strand=${strand.toFixed(1)}${unit} peer=${peer.toFixed(1)}${unit} speedup=${speedup.toFixed(2)}`;
}
