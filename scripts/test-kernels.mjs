// `make test-kernels`: the tests that assert what a training run achieves, rerun over seeds and
// over every kernel path this CPU can take, with the weakest value each assertion saw.
// Usage: node scripts/test-kernels.mjs [--seeds N | --offsets a,b,...] [--no-kernels]   (after the build)
//   seeds: STRAND_TEST_SEED_OFFSET = 0..N-1 (or the listed offsets) on the default kernels (N = 5)
//   kernels: ATEN_CPU_CAPABILITY = default / avx2 / avx512 (when the CPU has AVX-512),
//            ONEDNN_MAX_CPU_ISA = SSE41 / AVX2, each at seed offset 0 (--no-kernels skips them)
// A test file takes part when it imports test/helpers/outcome (outcomeSeed / reportOutcome).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const seeds = Number(option('--seeds') ?? 5);
const offsets = option('--offsets')?.split(',').map(Number) ?? Array.from({ length: seeds }, (_, i) => i);
if (!offsets.every((o) => Number.isInteger(o) && o >= 0)) {
  console.error('strand: error: --seeds needs a non-negative integer and --offsets non-negative integers');
  process.exit(2);
}
const kernels = !args.includes('--no-kernels');

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}
const files = find('dist/test').filter((f) => readFileSync(f, 'utf8').includes('helpers/outcome.js')).sort();
const cpuFlags = readFileSync('/proc/cpuinfo', 'utf8');

const runs = [];
for (const offset of offsets) runs.push({ label: `seed offset ${offset}`, env: { STRAND_TEST_SEED_OFFSET: String(offset) } });
if (kernels) {
  for (const capability of ['default', 'avx2', ...(/\bavx512f\b/.test(cpuFlags) ? ['avx512'] : [])]) {
    runs.push({ label: `ATEN_CPU_CAPABILITY=${capability}`, env: { ATEN_CPU_CAPABILITY: capability } });
  }
  for (const isa of ['SSE41', 'AVX2']) runs.push({ label: `ONEDNN_MAX_CPU_ISA=${isa}`, env: { ONEDNN_MAX_CPU_ISA: isa } });
}

/** name -> { bound, values: [{ value, label }] } */
const outcomes = new Map();
const failures = [];
console.log(`# test-kernels: ${files.length} test files, ${runs.length} runs`);
for (const run of runs) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    env: { ...process.env, ...run.env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const failed = r.status !== 0;
  for (const m of r.stdout.matchAll(/outcome (\S+) (\S+) \(need ([^)]+)\)/g)) {
    const [, name, value, bound] = m;
    if (!outcomes.has(name)) outcomes.set(name, { bound, values: [] });
    outcomes.get(name).values.push({ value: Number(value), label: run.label });
  }
  const notOk = [...r.stdout.matchAll(/^not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  if (failed) failures.push({ label: run.label, tests: notOk });
  console.log(`${run.label}: ${failed ? `FAIL (${notOk.join('; ') || `exit ${r.status}`})` : 'pass'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The value furthest on the failing side: the minimum for lower bounds, the maximum for upper ones. */
function weakest(bound, values) {
  const lowerIsBad = /^>/.test(bound) || /^in /.test(bound);
  return values.reduce((w, v) => ((lowerIsBad ? v.value < w.value : v.value > w.value) ? v : w));
}
console.log('\noutcome | need | weakest (run) | range');
for (const [name, { bound, values }] of [...outcomes].sort(([a], [b]) => a.localeCompare(b))) {
  const w = weakest(bound, values);
  const all = values.map((v) => v.value);
  console.log(`${name} | ${bound} | ${w.value} (${w.label}) | ${Math.min(...all)} .. ${Math.max(...all)} over ${all.length} runs`);
}
if (failures.length > 0) {
  console.log(`\n${failures.length} of ${runs.length} runs failed`);
  process.exit(1);
}
