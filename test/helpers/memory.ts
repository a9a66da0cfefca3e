/**
 * Memory still held, measured after a full garbage collection, so leak checks do not count
 * garbage a busy machine has not collected yet.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { liveTensorCount } from '../../src/core/index.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export interface Retained {
  /** JS heap in use plus memory of buffers outside it (typed arrays). */
  heap: number;
  rss: number;
  /** Native tensors not yet disposed or collected. */
  tensors: number;
}

export function retainedMemory(): Retained {
  collectGarbage();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heap: heapUsed + external, rss, tensors: liveTensorCount() };
}

export const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
