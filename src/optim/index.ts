/** Optimizers, learning-rate schedules and gradient clipping. */
export { Optimizer, ParamState } from './optimizer.js';
export type {
  GroupOptions,
  HyperValue,
  OptimizerMeta,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamsInput,
} from './optimizer.js';
export { SGD, type SgdOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RmspropOptions } from './rmsprop.js';
export { LrScheduler } from './lr-scheduler.js';
export type { JsonValue, LrSchedule, LrScheduleState, ScheduledGroup, ScheduledOptimizer } from './lr-scheduler.js';
export { CosineAnnealingLR, ExponentialLR, LinearWarmup, MultiStepLR, StepLR, type LinearWarmupOptions } from './schedules.js';
export { OneCycleLR, type OneCycleOptions } from './one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLrOnPlateauOptions } from './reduce-lr-on-plateau.js';
export { clipGradNorm, clipGradValue } from './clip-grad.js';
