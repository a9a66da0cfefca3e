/**
 * `make bench`: every benchmark, Strand vs its peer in the same run with the same thread
 * count (STRAND_BENCH_THREADS, default: libtorch's own default on this machine, which both
 * sides would use untouched). Prints `BENCH ...` lines.
 */
import { getNumThreads, torchVersion } from '../src/index.js';
import { benchModelSteps } from './model-steps.js';

const threads = Number(process.env.STRAND_BENCH_THREADS ?? getNumThreads());
// The peers' BLAS (OpenBLAS) ignores torch.set_num_threads; Strand's --threads sets it too. Same count on both sides.
process.env.OPENBLAS_NUM_THREADS = String(threads);
console.log(`# strand bench: libtorch ${torchVersion()}, ${threads} thread(s), batch 64`);
benchModelSteps(threads, (line) => console.log(line));
(await import('./lm-step.js')).benchLmStep(threads, (line) => console.log(line));
await (await import('./windows.js')).benchWindows((line) => console.log(line));
await (await import('./train-epoch.js')).benchTrainEpoch(threads, (line) => console.log(line));
(await import('./interpret.js')).benchInterpret(threads, (line) => console.log(line));
(await import('./score-variants.js')).benchScoreVariants(threads, (line) => console.log(line));
(await import('./score-variants-workers.js')).benchScoreVariantsWorkers((line) => console.log(line));
await (await import('./ddp-train-epoch.js')).benchDdpTrainEpoch((line) => console.log(line));
await (await import('./serve-load.js')).benchServeLoad(threads, (line) => console.log(line));
await (await import('./design.js')).benchDesign(threads, (line) => console.log(line));
