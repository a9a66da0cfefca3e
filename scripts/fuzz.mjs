// Fuzzes every input reader with mutations of real files (test/fuzz/), in child processes with
// a time box per input; prints per-reader counts of each outcome class and exits 1 when any
// input ended in a raw exception, a hang or a crash. Run `make fuzz` (or build first: npx tsc).
//   node scripts/fuzz.mjs [--inputs N] [--seed S] [--timeout MS] [--parallel P] [--targets a,b] [--save DIR] [--serve N]
// --inputs is the total over the readers (default 100000), shared equally; --serve N also sends
// N random requests to a running `strand serve` (default 2000; 0 to skip).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '2000' },
    parallel: { type: 'string', default: '2' },
    targets: { type: 'string' },
    save: { type: 'string', default: 'fuzz-failures' },
    serve: { type: 'string', default: '2000' },
  },
});

const { FUZZ_TARGETS } = await import('../dist/test/fuzz/targets.js');
const { runCampaign, formatReport } = await import('../dist/test/fuzz/campaign.js');

const targets = values.targets ? values.targets.split(',') : FUZZ_TARGETS.map((t) => t.name);
const perTarget = Math.ceil(Number(values.inputs) / targets.length);
const started = Date.now();
console.log(`strand fuzz: ${perTarget} inputs for each of ${targets.length} readers, seed ${values.seed}, time box ${values.timeout} ms`);
const reports = await runCampaign({
  targets,
  seed: Number(values.seed),
  inputs: perTarget,
  timeoutMs: Number(values.timeout),
  parallel: Number(values.parallel),
  failureDir: values.save,
  onChunk: (target, done, total) => process.stderr.write(`  ${target}: ${done}/${total}\n`),
});
console.log(formatReport(reports));
let bad = 0;
for (const r of reports) {
  for (const f of r.failures.slice(0, 5)) console.log(`  ${r.target} #${f.index} ${f.outcome}: ${f.detail}\n      steps: ${f.steps.join('; ')}`);
  bad += r.failures.length;
}
console.log(`readers: ${bad} bad inputs (saved under ${values.save}/) in ${((Date.now() - started) / 1000).toFixed(0)} s`);

if (Number(values.serve) > 0) {
  const { fuzzServeApi, formatServeReport } = await import('../dist/test/fuzz/serve-api.js');
  const serveReport = await fuzzServeApi({ requests: Number(values.serve), seed: Number(values.seed) });
  console.log(formatServeReport(serveReport));
  bad += serveReport.failures.length;
}
process.exit(bad > 0 ? 1 : 0);
