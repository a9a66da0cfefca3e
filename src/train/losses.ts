/**
 * Training losses, one per task kind, and `lossFor(task, options)`: the registry the trainer
 * and configs use. Every loss takes tensors and returns a scalar (0-d) tensor that keeps the
 * autograd graph; intermediate tensors are freed before it returns.
 *
 * Missing labels: for the element-wise losses (binary, regression, Poisson, Gaussian) a NaN
 * target marks a missing label (multi-task data where not every example is labelled for
 * every task). Such entries contribute neither loss nor gradient, and the mean is taken over
 * the observed entries only; with nothing observed the loss is 0. An optional `mask`
 * (bool or 0/1, the targets' shape) removes further entries the same way. With no NaN and no
 * mask every loss equals PyTorch's `reduction='mean'` result.
 */
import { z } from 'zod';
import { ConfigError, InputError, Tensor, tensor, tidy } from '../core/index.js';
import * as ops from '../ops/index.js';

/** ATen reduction codes. */
const NONE = 0;
const MEAN = 1;

const FLOAT_TYPES: ReadonlySet<string> = new Set(['float32', 'float64', 'float16', 'bfloat16']);
const INT_TYPES: ReadonlySet<string> = new Set(['int64', 'int32', 'int16', 'int8', 'uint8']);

function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

function got(t: Tensor): string {
  return `${shapeText(t.shape)} ${t.dtype}`;
}

/** `t` is a float tensor with one of the ranks in `ndims`; `layouts` spells the expected shape for the message. */
function checkFloat(name: string, t: Tensor, ndims: readonly number[], layouts: string): void {
  if (!FLOAT_TYPES.has(t.dtype) || !ndims.includes(t.ndim)) {
    throw new InputError(`expected a ${layouts} float tensor for ${name}, got ${got(t)}`);
  }
}

function checkSameShape(name: string, t: Tensor, like: Tensor, likeName: string): void {
  const a = t.shape;
  const b = like.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new InputError(`expected ${name} of the same shape as ${likeName} ${shapeText(b)}, got ${got(t)}`);
  }
}

/** `t` as a floating tensor of `like`'s dtype (targets given as int / bool 0/1 are accepted). */
function asFloatLike(name: string, t: Tensor, like: Tensor): Tensor {
  if (t.dtype === like.dtype) return t;
  if (!FLOAT_TYPES.has(t.dtype) && !INT_TYPES.has(t.dtype) && t.dtype !== 'bool') {
    throw new InputError(`expected a numeric tensor for ${name}, got ${got(t)}`);
  }
  return t.toDType(like.dtype);
}

/** A [length] vector of per-task / per-class weights on `like`'s device and dtype. */
function weightVector(name: string, values: Tensor | ArrayLike<number>, length: number, like: Tensor, axis: string): Tensor {
  if (values instanceof Tensor) {
    if (values.ndim !== 1 || values.shape[0] !== length) {
      throw new InputError(`expected ${name} of shape (${axis}) = (${length}), got ${got(values)}`);
    }
    return values.dtype === like.dtype && values.device === like.device ? values : values.toDevice(like.device, like.dtype);
  }
  if (values.length !== length) {
    throw new InputError(`expected ${name} of shape (${axis}) = (${length}), got (${values.length})`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new InputError(`expected non-negative finite ${name}, got ${v} at ${i}`);
  }
  return tensor(Float64Array.from(values), [length]).toDevice(like.device, like.dtype);
}

/**
 * The observed-entry weights (1 observed, 0 missing) for `targets`, and the targets with NaN
 * replaced by 0 so that the element-wise loss stays finite where it is ignored.
 */
function observed(targets: Tensor, mask: Tensor | undefined, like: Tensor): { clean: Tensor; weight: Tensor } {
  const missing = targets.isnan();
  let weight = missing.logicalNot().toDType(like.dtype);
  if (mask !== undefined) {
    checkSameShape('mask', mask, targets, 'targets');
    weight = weight.mul(mask.toDType(like.dtype));
  }
  return { clean: targets.maskedFill(missing, 0), weight };
}

/** Sum of `elementLoss * weight` over the observed count (0 when nothing is observed). */
function maskedMean(elementLoss: Tensor, weight: Tensor): Tensor {
  return elementLoss.mul(weight).sum().div(weight.sum().clampMin(1));
}

// ---------------------------------------------------------------------------------------------
// Classification

export interface BinaryCrossEntropyOptions {
  /** Per-task weight of the positive term, [T] (PyTorch's `pos_weight`): e.g. negatives / positives per task. */
  posWeight?: Tensor | ArrayLike<number>;
  /** Extra entries to ignore: bool or 0/1, the targets' shape. NaN targets are always ignored. */
  mask?: Tensor;
}

/**
 * Multi-label binary cross-entropy on logits (sigmoid inside, numerically stable).
 * @param logits [N, T] (or [N]) float
 * @param targets same shape, 0/1 (or soft labels in [0, 1]); NaN = missing label
 * @returns scalar: mean over observed (example, task) entries
 */
export function binaryCrossEntropy(logits: Tensor, targets: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  checkFloat('logits', logits, [1, 2], '(N, T) or (N)');
  checkSameShape('targets', targets, logits, 'logits');
  const tasks = logits.ndim === 2 ? logits.shape[1]! : 1;
  return tidy(() => {
    const posWeight = options.posWeight === undefined ? undefined : weightVector('posWeight', options.posWeight, tasks, logits, 'T');
    const { clean, weight } = observed(asFloatLike('targets', targets, logits), options.mask, logits);
    const element = ops.binaryCrossEntropyWithLogits(logits, clean, { posWeight: posWeight ?? null, reduction: NONE });
    return maskedMean(element, weight);
  });
}

export interface CrossEntropyOptions {
  /** Per-class weights, [C] (PyTorch's `weight`); the mean is then weighted as in PyTorch. */
  classWeights?: Tensor | ArrayLike<number>;
  /** Label smoothing in [0, 1]. Default 0. */
  labelSmoothing?: number;
  /** Target value marking a missing label. Default -100 (PyTorch's). */
  ignoreIndex?: number;
}

/**
 * Multi-class cross-entropy on logits (log-softmax inside), as `torch.nn.functional.cross_entropy`.
 * @param logits [N, C] float, or [N, C, d1, ...] for per-position classes
 * @param targets int64 class indices in [0, C), [N] (or [N, d1, ...]); `ignoreIndex` = missing
 * @returns scalar: mean over labelled examples (weighted by class weight when given, as PyTorch);
 *   0 when every label is missing (PyTorch gives NaN there)
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { labelSmoothing = 0, ignoreIndex = -100 } = options;
  if (!FLOAT_TYPES.has(logits.dtype) || logits.ndim < 2) {
    throw new InputError(`expected a (N, C) or (N, C, L...) float tensor for logits, got ${got(logits)}`);
  }
  const shape = logits.shape;
  const classes = shape[1]!;
  const targetShape = [shape[0]!, ...shape.slice(2)];
  if (!INT_TYPES.has(targets.dtype) || targets.ndim !== targetShape.length || targets.shape.some((d, i) => d !== targetShape[i])) {
    throw new InputError(`expected int64 class indices of shape ${shapeText(targetShape)} for targets, got ${got(targets)}`);
  }
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new InputError(`expected labelSmoothing in [0, 1], got ${labelSmoothing}`);
  }
  if (!Number.isInteger(ignoreIndex)) throw new InputError(`expected an integer ignoreIndex, got ${ignoreIndex}`);
  return tidy(() => {
    const labels = targets.dtype === 'int64' ? targets : targets.toDType('int64');
    const ignored = labels.eq(ignoreIndex);
    const outOfRange = ops.logicalAnd(ops.logicalOr(labels.lt(0), labels.ge(classes)), ignored.logicalNot());
    if (outOfRange.any().item() !== 0) {
      const bad = ops.maskedSelect(labels, outOfRange).toArray()[0];
      throw new InputError(`expected targets to be class indices in [0, ${classes}) or ignoreIndex ${ignoreIndex}, got ${bad}`);
    }
    if (ops.all(ignored).item() !== 0) return logits.sum().mul(0);
    const weight = options.classWeights === undefined ? null : weightVector('classWeights', options.classWeights, classes, logits, 'C');
    return ops.crossEntropyLoss(logits, labels, { weight, reduction: MEAN, ignoreIndex, labelSmoothing });
  });
}

// ---------------------------------------------------------------------------------------------
// Regression

export interface MaskOptions {
  /** Extra entries to ignore: bool or 0/1, the targets' shape. NaN targets are always ignored. */
  mask?: Tensor;
}

/**
 * Mean squared error.
 * @param predictions [N, ...] float
 * @param targets same shape; NaN = missing
 * @returns scalar: mean over observed entries
 */
export function meanSquaredError(predictions: Tensor, targets: Tensor, options: MaskOptions = {}): Tensor {
  checkFloat('predictions', predictions, [1, 2, 3, 4, 5], '(N, ...)');
  checkSameShape('targets', targets, predictions, 'predictions');
  return tidy(() => {
    const { clean, weight } = observed(asFloatLike('targets', targets, predictions), options.mask, predictions);
    return maskedMean(ops.mseLoss(predictions, clean, { reduction: NONE }), weight);
  });
}

export interface PoissonNllOptions extends MaskOptions {
  /** Predictions are log-rates (loss exp(x) - y x). Default true; false: rates (loss x - y log(x + eps)). */
  logInput?: boolean;
  /** Add the Stirling approximation of log(y!) (PyTorch's `full`). Default false. */
  full?: boolean;
  /** Added to rates before the log when `logInput` is false. Default 1e-8. */
  eps?: number;
}

/**
 * Poisson negative log-likelihood, as `torch.nn.functional.poisson_nll_loss`
 * (default log_input=True, full=False: the constant log(y!) is left out).
 * @param predictions [N, ...] float log-rates (or rates with logInput false)
 * @param targets same shape, non-negative counts; NaN = missing
 * @returns scalar: mean over observed entries
 */
export function poissonNll(predictions: Tensor, targets: Tensor, options: PoissonNllOptions = {}): Tensor {
  const { logInput = true, full = false, eps = 1e-8 } = options;
  checkFloat('predictions', predictions, [1, 2, 3, 4, 5], '(N, ...)');
  checkSameShape('targets', targets, predictions, 'predictions');
  if (!(eps > 0)) throw new InputError(`expected a positive eps, got ${eps}`);
  return tidy(() => {
    const { clean, weight } = observed(asFloatLike('targets', targets, predictions), options.mask, predictions);
    return maskedMean(ops.poissonNllLoss(predictions, clean, logInput, full, eps, NONE), weight);
  });
}

export interface GaussianNllOptions extends MaskOptions {
  /** Add the constant 0.5 log(2 pi). Default false. */
  full?: boolean;
  /** Variances are clamped to at least eps (gradients pass through the clamp, as PyTorch). Default 1e-6. */
  eps?: number;
}

/**
 * Gaussian negative log-likelihood with predicted variance, as
 * `torch.nn.functional.gaussian_nll_loss`: 0.5 (log v + (x - y)^2 / v) per entry.
 * @param mean [N, ...] float predicted means
 * @param targets same shape; NaN = missing
 * @param variance same shape, or the same shape with last dimension 1 (one variance per example); positive
 * @returns scalar: mean over observed entries
 */
export function gaussianNll(mean: Tensor, targets: Tensor, variance: Tensor, options: GaussianNllOptions = {}): Tensor {
  const { full = false, eps = 1e-6 } = options;
  checkFloat('mean', mean, [1, 2, 3, 4, 5], '(N, ...)');
  checkSameShape('targets', targets, mean, 'mean');
  const ms = mean.shape;
  const vs = variance.shape;
  const perExample = [...ms.slice(0, -1), 1];
  const fits = (s: readonly number[]) => vs.length === s.length && vs.every((d, i) => d === s[i]);
  if (!FLOAT_TYPES.has(variance.dtype) || !(fits(ms) || fits(perExample))) {
    throw new InputError(`expected a ${shapeText(ms)} or ${shapeText(perExample)} float tensor for variance, got ${got(variance)}`);
  }
  if (!(eps > 0)) throw new InputError(`expected a positive eps, got ${eps}`);
  return tidy(() => {
    const { clean, weight } = observed(asFloatLike('targets', targets, mean), options.mask, mean);
    const v = variance.add(variance.clampMin(eps).sub(variance).detach());
    let element = v.log().add(mean.sub(clean).square().div(v)).mul(0.5);
    if (full) element = element.add(0.5 * Math.log(2 * Math.PI));
    return maskedMean(element, weight);
  });
}

// ---------------------------------------------------------------------------------------------
// Profiles (BPNet)

export interface MultinomialNllOptions {
  /**
   * Include the multinomial coefficient log(n!) - sum log(k!) (constant in the logits, so it
   * changes the value, never the gradient). Default true: the loss is then the exact negative
   * log-likelihood, as bpnet-lite's MNLLLoss.
   */
  includeConstants?: boolean;
  /**
   * One distribution over all T x L positions of an example (stranded tracks pooled, as
   * bpnet-lite) instead of one per (example, track). Default false.
   */
  jointTracks?: boolean;
}

/**
 * Multinomial negative log-likelihood of per-position counts under softmax(profile logits):
 * -(log n! - sum_l log k_l! + sum_l k_l log_softmax(logits)_l), n = sum_l k_l.
 * @param logits [N, T, L] float profile logits
 * @param counts [N, T, L] non-negative counts (float or int)
 * @returns scalar: mean over the N x T distributions (N with jointTracks)
 */
export function multinomialNll(logits: Tensor, counts: Tensor, options: MultinomialNllOptions = {}): Tensor {
  const { includeConstants = true, jointTracks = false } = options;
  checkFloat('profile logits', logits, [3], '(N, T, L)');
  checkSameShape('counts', counts, logits, 'profile logits');
  return tidy(() => {
    let k = asFloatLike('counts', counts, logits);
    let x = logits;
    if (jointTracks) {
      const n = logits.shape[0]!;
      x = x.reshape([n, -1]);
      k = k.reshape([n, -1]);
    }
    let nll = k.mul(x.logSoftmax(-1)).sumDimIntList([-1]).neg();
    if (includeConstants) {
      const total = k.sumDimIntList([-1]);
      nll = nll.sub(ops.lgamma(total.add(1))).add(ops.lgamma(k.add(1)).sumDimIntList([-1]));
    }
    return nll.mean();
  });
}

export interface CountMseOptions {
  /** As in multinomialNll: total counts over all tracks of an example, logCounts [N] or [N, 1]. Default false. */
  jointTracks?: boolean;
}

/**
 * BPNet's count loss: mean squared error between predicted log counts and log(1 + total counts).
 * @param logCounts [N, T] float (or [N] / [N, 1] with jointTracks)
 * @param counts [N, T, L] per-position counts
 * @returns scalar: mean over N x T
 */
export function countMse(logCounts: Tensor, counts: Tensor, options: CountMseOptions = {}): Tensor {
  const { jointTracks = false } = options;
  if (counts.ndim !== 3) throw new InputError(`expected a (N, T, L) tensor for counts, got ${got(counts)}`);
  const [n, t] = counts.shape as [number, number, number];
  if (jointTracks) {
    const okShape = logCounts.ndim === 1 ? logCounts.shape[0] === n : logCounts.ndim === 2 && logCounts.shape[0] === n && logCounts.shape[1] === 1;
    if (!FLOAT_TYPES.has(logCounts.dtype) || !okShape) {
      throw new InputError(`expected a (${n}) or (${n}, 1) float tensor for log counts, got ${got(logCounts)}`);
    }
  } else if (!FLOAT_TYPES.has(logCounts.dtype) || logCounts.ndim !== 2 || logCounts.shape[0] !== n || logCounts.shape[1] !== t) {
    throw new InputError(`expected a (${n}, ${t}) float tensor for log counts, got ${got(logCounts)}`);
  }
  return tidy(() => {
    const k = asFloatLike('counts', counts, logCounts);
    const totals = jointTracks ? k.sumDimIntList([1, 2]) : k.sumDimIntList([-1]);
    const target = ops.log1p(totals).reshape(logCounts.shape);
    return logCounts.sub(target).square().mean();
  });
}

/** Outputs of a profile model (BPNet-style two heads). */
export interface ProfileOutput {
  /** [N, T, L] profile logits. */
  profile: Tensor;
  /** [N, T] predicted log(1 + total counts) (or [N] / [N, 1] with jointTracks); the `counts` head of DilatedResidualCnn. */
  counts: Tensor;
}

export interface ProfileLossOptions extends MultinomialNllOptions {
  /** Weight of the count loss (BPNet's lambda). Default 1. */
  countWeight?: number;
}

/**
 * BPNet loss: multinomialNll(profile) + countWeight * countMse(counts head).
 * @param output profile logits [N, T, L] and predicted log counts [N, T] (DilatedResidualCnn's output)
 * @param counts [N, T, L] observed per-position counts
 * @returns scalar
 */
export function profileLoss(output: ProfileOutput, counts: Tensor, options: ProfileLossOptions = {}): Tensor {
  const { countWeight = 1, ...rest } = options;
  if (!(countWeight >= 0) || !Number.isFinite(countWeight)) {
    throw new InputError(`expected a non-negative countWeight, got ${countWeight}`);
  }
  return tidy(() =>
    multinomialNll(output.profile, counts, rest).add(
      countMse(output.counts, counts, { jointTracks: rest.jointTracks ?? false }).mul(countWeight),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Reconstruction and VAE

/**
 * KL divergence of N(mean, exp(logVar)) from N(0, 1):
 * -0.5 sum_d (1 + logVar - mean^2 - exp(logVar)), summed over latent dimensions.
 * @param mean [N, D] float
 * @param logVar [N, D] float
 * @returns scalar: mean over the N examples
 */
export function klDivergence(mean: Tensor, logVar: Tensor): Tensor {
  checkFloat('latent mean', mean, [2], '(N, D)');
  checkSameShape('latent logVar', logVar, mean, 'latent mean');
  return tidy(() =>
    logVar.add(1).sub(mean.square()).sub(logVar.exp()).sumDimIntList([1]).mean().mul(-0.5),
  );
}

/** Outputs of a variational autoencoder. */
export interface VaeOutput {
  /** [N, F] reconstructed input (the decoder's mean). */
  reconstruction: Tensor;
  /** [N, D] latent means. */
  mu: Tensor;
  /** [N, D] latent log variances. */
  logvar: Tensor;
  /** [N, F] (or [N, 1]) decoder variances; needed for reconstruction 'gaussian'. */
  variance?: Tensor;
}

export interface VaeLossOptions {
  /** Weight of the KL term (beta-VAE). Default 1. */
  beta?: number;
  /** Reconstruction term: 'mse' squared error, 'gaussian' NLL with the decoder's variance. Default 'mse'. */
  reconstruction?: 'mse' | 'gaussian';
}

/**
 * Negative ELBO of a VAE: per example, the reconstruction error summed over features
 * (squared error, or Gaussian NLL 0.5 (log v + (x - r)^2 / v)) plus beta times the KL
 * divergence summed over latent dimensions; averaged over the batch.
 * @param output reconstruction [N, F], mu and logvar [N, D] (variance [N, F] for 'gaussian'), as the Vae model returns
 * @param inputs [N, F] the encoded inputs; NaN = missing (ignored)
 * @returns scalar
 */
export function vaeLoss(output: VaeOutput, inputs: Tensor, options: VaeLossOptions = {}): Tensor {
  const { beta = 1, reconstruction = 'mse' } = options;
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new InputError(`expected a non-negative beta, got ${beta}`);
  const r = output.reconstruction;
  checkFloat('reconstruction', r, [2], '(N, F)');
  checkSameShape('inputs', inputs, r, 'reconstruction');
  if (output.mu.shape[0] !== r.shape[0]) {
    throw new InputError(`expected a (${r.shape[0]}, D) latent mean mu, got ${got(output.mu)}`);
  }
  if (reconstruction === 'gaussian' && output.variance === undefined) {
    throw new InputError(`reconstruction 'gaussian' needs the decoder's variance in the model output`);
  }
  return tidy(() => {
    const { clean, weight } = observed(asFloatLike('inputs', inputs, r), undefined, r);
    const n = r.shape[0]!;
    let element: Tensor;
    if (reconstruction === 'gaussian') {
      const variance = output.variance!;
      const v = variance.add(variance.clampMin(1e-6).sub(variance).detach());
      element = v.log().add(r.sub(clean).square().div(v)).mul(0.5);
    } else {
      element = r.sub(clean).square();
    }
    const recon = element.mul(weight).sum().div(Math.max(n, 1));
    return recon.add(klDivergence(output.mu, output.logvar).mul(beta));
  });
}

// ---------------------------------------------------------------------------------------------
// Registry

export type LossTask = 'binary' | 'multiclass' | 'regression' | 'poisson' | 'profile' | 'reconstruction' | 'vae';

/** What a model returns: one tensor, or named heads (profile: {profile, counts}; vae: {reconstruction, mu, logvar}). */
export type ModelOutput = Tensor | { readonly [head: string]: Tensor | undefined };

/** The uniform loss signature of `lossFor`: model output and target batch to a scalar tensor. */
export type LossFunction = (output: ModelOutput, target: Tensor) => Tensor;

const weights = z.array(z.number().nonnegative().finite());

/** Options of each task's loss, as plain JSON-able data (validated by lossFor and usable inside config schemas). */
export const lossOptionSchemas = {
  binary: z.strictObject({
    /** Per-task positive weights [T]. */
    posWeight: weights.optional(),
  }),
  multiclass: z.strictObject({
    classWeights: weights.optional(),
    labelSmoothing: z.number().min(0).max(1).default(0),
    ignoreIndex: z.number().int().default(-100),
  }),
  regression: z.strictObject({}),
  poisson: z.strictObject({
    logInput: z.boolean().default(true),
    full: z.boolean().default(false),
    eps: z.number().positive().default(1e-8),
  }),
  profile: z.strictObject({
    countWeight: z.number().nonnegative().finite().default(1),
    includeConstants: z.boolean().default(true),
    jointTracks: z.boolean().default(false),
  }),
  reconstruction: z.strictObject({
    reconstruction: z.enum(['mse', 'gaussian']).default('mse'),
  }),
  vae: z.strictObject({
    beta: z.number().nonnegative().finite().default(1),
    reconstruction: z.enum(['mse', 'gaussian']).default('mse'),
  }),
} as const;

/** A loss in a config: `{ task: 'binary', posWeight: [...] }` and so on. */
export const lossConfigSchema = z.discriminatedUnion('task', [
  lossOptionSchemas.binary.extend({ task: z.literal('binary') }),
  lossOptionSchemas.multiclass.extend({ task: z.literal('multiclass') }),
  lossOptionSchemas.regression.extend({ task: z.literal('regression') }),
  lossOptionSchemas.poisson.extend({ task: z.literal('poisson') }),
  lossOptionSchemas.profile.extend({ task: z.literal('profile') }),
  lossOptionSchemas.reconstruction.extend({ task: z.literal('reconstruction') }),
  lossOptionSchemas.vae.extend({ task: z.literal('vae') }),
]);

/** Options accepted by lossFor for each task (before defaults). */
export type LossOptions = { [K in LossTask]: z.input<(typeof lossOptionSchemas)[K]> };
export type LossConfig = z.infer<typeof lossConfigSchema>;

export const LOSS_TASKS: readonly LossTask[] = Object.keys(lossOptionSchemas) as LossTask[];

function single(task: LossTask, output: ModelOutput): Tensor {
  if (output instanceof Tensor) return output;
  throw new InputError(`expected one output tensor for a ${task} loss, got heads {${Object.keys(output).join(', ')}}`);
}

function head(task: LossTask, output: ModelOutput, name: string): Tensor {
  const t = output instanceof Tensor ? undefined : output[name];
  if (t instanceof Tensor) return t;
  const heads = output instanceof Tensor ? 'a single tensor' : `heads {${Object.keys(output).join(', ')}}`;
  throw new InputError(`expected a model output with head '${name}' for a ${task} loss, got ${heads}`);
}

/**
 * The loss of a task kind with its options, as `(output, target) => scalar`.
 * - binary: binaryCrossEntropy(logits [N, T], targets [N, T]); NaN = missing
 * - multiclass: crossEntropy(logits [N, C], int64 targets [N])
 * - regression: meanSquaredError; poisson: poissonNll (log-rate outputs by default)
 * - profile: profileLoss({profile [N, T, L], counts [N, T] log counts}, observed counts [N, T, L])
 * - reconstruction: meanSquaredError(output, inputs), or gaussianNll with output {reconstruction, variance}
 * - vae: vaeLoss({reconstruction, mu, logvar[, variance]}, inputs)
 * Throws ConfigError naming the option for invalid options.
 */
export function lossFor<K extends LossTask>(task: K, options: LossOptions[K] = {} as LossOptions[K]): LossFunction {
  const schema = Object.hasOwn(lossOptionSchemas, task) ? (lossOptionSchemas as Record<string, z.ZodType>)[task] : undefined;
  if (schema === undefined) throw new ConfigError('task', `expected one of ${LOSS_TASKS.join(', ')}, got '${String(task)}'`);
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(issue.path.map(String).join('.'), issue.message);
  }
  const o = parsed.data as Record<string, unknown>;
  switch (task) {
    case 'binary': {
      const posWeight = o.posWeight as number[] | undefined;
      return (output, target) => binaryCrossEntropy(single(task, output), target, posWeight === undefined ? {} : { posWeight });
    }
    case 'multiclass': {
      const { classWeights, labelSmoothing, ignoreIndex } = o as z.infer<typeof lossOptionSchemas.multiclass>;
      return (output, target) =>
        crossEntropy(single(task, output), target, { labelSmoothing, ignoreIndex, ...(classWeights === undefined ? {} : { classWeights }) });
    }
    case 'regression':
      return (output, target) => meanSquaredError(single(task, output), target);
    case 'poisson': {
      const p = o as z.infer<typeof lossOptionSchemas.poisson>;
      return (output, target) => poissonNll(single(task, output), target, p);
    }
    case 'profile': {
      const p = o as z.infer<typeof lossOptionSchemas.profile>;
      return (output, target) =>
        profileLoss({ profile: head(task, output, 'profile'), counts: head(task, output, 'counts') }, target, p);
    }
    case 'reconstruction': {
      const { reconstruction } = o as z.infer<typeof lossOptionSchemas.reconstruction>;
      if (reconstruction === 'gaussian') {
        return (output, target) =>
          gaussianNll(head(task, output, 'reconstruction'), target, head(task, output, 'variance'));
      }
      return (output, target) =>
        meanSquaredError(output instanceof Tensor ? output : head(task, output, 'reconstruction'), target);
    }
    case 'vae': {
      const p = o as z.infer<typeof lossOptionSchemas.vae>;
      return (output, target) => {
        const variance = p.reconstruction === 'gaussian' ? head(task, output, 'variance') : undefined;
        return vaeLoss(
          {
            reconstruction: head(task, output, 'reconstruction'),
            mu: head(task, output, 'mu'),
            logvar: head(task, output, 'logvar'),
            ...(variance === undefined ? {} : { variance }),
          },
          target,
          p,
        );
      };
    }
    default:
      throw new ConfigError('task', `expected one of ${LOSS_TASKS.join(', ')}, got '${String(task)}'`);
  }
}
