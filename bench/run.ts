/**
 * `make bench`: every benchmark, Strand vs its peer in the same run with the same thread
 * count (STRAND_BENCH_THREADS, default: all cores). Prints `BENCH ...` lines.
 */
import { availableParallelism } from 'node:os';
import { torchVersion } from '../src/index.js';
import { benchModelSteps } from './model-steps.js';

const threads = Number(process.env.STRAND_BENCH_THREADS ?? availableParallelism());
console.log(`# strand bench: libtorch ${torchVersion()}, ${threads} thread(s), batch 64`);
benchModelSteps(threads, (line) => console.log(line));
