export { DISTRIBUTED_UNAVAILABLE, distributedAvailable, requireDistributed } from './availability.js';
export { DEFAULT_TIMEOUT_MS, ProcessGroup, type ProcessGroupOptions, type ReduceOp, type StoreOptions } from './process-group.js';
export { DEFAULT_MASTER_ADDR, DEFAULT_MASTER_PORT, groupOptionsFromEnv, processGroupFromEnv, readLaunchEnv, type LaunchEnv } from './launch-env.js';
export { buckets, DataParallel, DEFAULT_BUCKET_BYTES, type DataParallelOptions } from './data-parallel.js';
export { freePort, launchLocalRanks, type LaunchOptions } from './launch.js';
export { gatherParts, ownsPart, type PartShard } from './ordered-gather.js';
