/**
 * DeepLIFT with the rescale rule, and DeepSHAP-style averaging over dinucleotide-shuffled
 * references, without autograd hooks: the model runs once on [x; reference] stacked in one
 * batch, and each nonlinearity y = f(z) of the x half is replaced by the line through the
 * reference point, y = f(z_ref) + (z - z_ref) * m with m = (f(z) - f(z_ref)) / (z - z_ref)
 * held constant (f'(z) where |z - z_ref| < 1e-6). The x half is then affine in x and equals
 * f(x) at x and f(x_ref) at x_ref, so gradient * (x - x_ref) sums to f(x) - f(x_ref).
 *
 * The nonlinearities are the model's activation and max-pooling modules, whose `forward` is
 * replaced for the pass; everything else (convolutions, residual additions, crops, heads) runs
 * as written, so any model built from such modules works (Sequential chains, Basset, bpnet's
 * residual blocks and two heads). A model that lists a `layerChain()` (DeepBind) runs that chain.
 * Nonlinear operations written inline in a forward would break the summation, so every pass is
 * checked: contributions must sum to the output difference of each pair.
 *
 * Max pooling (MaxPool1d, GlobalMaxPool1d): with i the position chosen in x's window and j the
 * one chosen in the reference's, d_i = z_i - zref_i >= out - out_ref >= d_j = z_j - zref_j, so
 * the output difference is written as t * d_i + (1 - t) * d_j with t in [0, 1] held constant:
 * the gradient goes through the x-chosen position (and, where the reference chose another
 * position, partly through that one). Summation to delta holds exactly.
 */
import { enableGrad, InputError, noGrad, tidy, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import {
  BatchNorm1d,
  Dropout,
  ELU,
  Embedding,
  Exp,
  Flatten,
  GELU,
  GlobalMaxPool1d,
  GRU,
  LayerNorm,
  LeakyReLU,
  LogSoftmax,
  LSTM,
  MaxPool1d,
  Module,
  MultiheadAttention,
  ReLU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
} from '../nn/index.js';
import { makeBaselines } from './baselines.js';
import { modelLayers, type LayerChain } from './layer-chain.js';
import { checkOneHot, checkPositiveInt, isLinearTarget, isProfileOutput, selectTarget, withInputGradOnly, type ForwardModel, type ModelOutput, type Target } from './target.js';

const EPS = 1e-6;

const ELEMENTWISE = [ReLU, GELU, Sigmoid, Tanh, Softplus, LeakyReLU, ELU, SiLU, Exp] as const;
/** Modules whose nonlinearity mixes positions or channels; DeepLIFT's rescale rule does not cover them. */
const UNSUPPORTED = [LSTM, GRU, MultiheadAttention, LayerNorm, Softmax, LogSoftmax] as const;

type TensorForward = (x: Tensor) => Tensor;

/** The derivative of element-wise `layer` (computing f) at z: by formula for the common activations, else by autograd. */
function derivative(layer: Module, f: TensorForward, z: Tensor): Tensor {
  if (layer instanceof ReLU) return z.gt(0).toDType(z.dtype);
  if (layer instanceof Sigmoid) {
    const y = z.sigmoid();
    return y.mul(y.neg().add(1));
  }
  if (layer instanceof Tanh) {
    const y = z.tanh();
    return y.mul(y).neg().add(1);
  }
  if (layer instanceof Exp) return z.exp();
  return enableGrad(() => {
    const leaf = z.detach().clone().requiresGrad_();
    f(leaf).sum().backward();
    return leaf.grad!;
  });
}

/** [x half in rescale form; reference half] of element-wise `layer` (computing f). */
function rescale(layer: Module, f: TensorForward, z: Tensor, zr: Tensor): Tensor {
  const yr = f(zr);
  const m = noGrad(() => {
    const zd = z.detach();
    const dz = zd.sub(zr);
    const small = dz.abs().lt(EPS);
    return ops.whereSelf(small, derivative(layer, f, zd), f(zd).sub(yr).div(ops.whereScalarSelf(small, 1, dz)));
  });
  return ops.cat([yr.add(z.sub(zr).mul(m)), yr]);
}

/** Max pooling in reference-aware form (see the module comment). v, vr: pooled values; i, ir: chosen positions (dim 2). */
function rescaleMax(z: Tensor, zr: Tensor, v: Tensor, vr: Tensor, i: Tensor, ir: Tensor): Tensor {
  const di = z.gather(2, i).sub(zr.gather(2, i));
  const dj = z.gather(2, ir).sub(zr.gather(2, ir));
  const t = noGrad(() => {
    const spread = di.detach().sub(dj.detach());
    const small = spread.abs().lt(EPS);
    const raw = v.detach().sub(vr).sub(dj.detach()).div(ops.whereScalarSelf(small, 1, spread));
    return ops.whereScalarSelf(small, 1, raw).clamp({ min: 0, max: 1 });
  });
  return vr.add(t.mul(di)).add(t.neg().add(1).mul(dj));
}

/** The reference-aware forward of a nonlinear module on [x rows; reference rows] (n each), or null for modules run as they are. */
function referenceAware(layer: Module, n: number): TensorForward | null {
  const halves = (h: Tensor): [Tensor, Tensor] => [h.narrow(0, 0, n), h.narrow(0, n, n)];
  if (ELEMENTWISE.some((kind) => layer instanceof kind)) {
    const f = (layer as Module & { forward: TensorForward }).forward.bind(layer);
    return (h) => {
      const [z, zr] = halves(h);
      return rescale(layer, f, z, zr);
    };
  }
  if (layer instanceof MaxPool1d) {
    const { kernelSize, stride, padding, dilation, ceilMode } = layer;
    return (h) => {
      const [z, zr] = halves(h);
      const [v, i] = ops.maxPool1dWithIndices(z, kernelSize, { stride, padding, dilation, ceilMode });
      const [vr, ir] = ops.maxPool1dWithIndices(zr, kernelSize, { stride, padding, dilation, ceilMode });
      return ops.cat([rescaleMax(z, zr, v, vr, i, ir), vr]);
    };
  }
  if (layer instanceof GlobalMaxPool1d) {
    return (h) => {
      const [z, zr] = halves(h);
      const i = z.argmax({ dim: 2, keepdim: true });
      const ir = zr.argmax({ dim: 2, keepdim: true });
      const vr = zr.gather(2, ir);
      return ops.cat([rescaleMax(z, zr, z.gather(2, i), vr, i, ir), vr]).squeezeDim(2);
    };
  }
  return null;
}

/** Throws an InputError for modules DeepLIFT cannot run: training mode, batch-flattening, unsupported nonlinearities. */
function checkModules(model: Module): void {
  for (const [path, m] of model.namedModules()) {
    const name = path === '' ? m.constructor.name : `${path} (${m.constructor.name})`;
    if (m.training && (m instanceof BatchNorm1d || m instanceof Dropout)) {
      throw new InputError(`DeepLIFT needs the model in eval mode (call model.eval()): ${name} is in training mode`);
    }
    if (m instanceof Flatten && m.startDim === 0) throw new InputError(`DeepLIFT needs Flatten to keep the batch dimension (startDim >= 1): ${name}`);
    if (m instanceof Embedding) throw new InputError(`DeepLIFT cannot run through ${name}: the model reads tokens, gradients do not reach the bases; use ISM for this model`);
    if (UNSUPPORTED.some((kind) => m instanceof kind)) {
      throw new InputError(`DeepLIFT's rescale rule does not cover ${name}; use integrated gradients, saliency or ISM for this model`);
    }
  }
}

/** Runs fn with the listed modules' forward replaced (own properties on the instances), then restores them. */
function withForwards<T>(replacements: Map<Module, TensorForward>, fn: () => T): T {
  const saved = [...replacements.keys()].map((m) => ({ m, own: Object.getOwnPropertyDescriptor(m, 'forward') }));
  try {
    for (const [m, forward] of replacements) Object.defineProperty(m, 'forward', { value: forward, configurable: true, writable: true });
    return fn();
  } finally {
    for (const { m, own } of saved) {
      if (own === undefined) delete (m as { forward?: unknown }).forward;
      else Object.defineProperty(m, 'forward', own);
    }
  }
}

/**
 * Runs `module` in reference-aware mode on x and xRef (same shape [B, ...]).
 * @returns the model output for [x; xRef] ([2B, ...], or both heads of a profile model): rows
 * 0..B-1 the x outputs (differentiable w.r.t. x with DeepLIFT multipliers), rows B..2B-1 the
 * reference outputs.
 */
export function deepliftForward(module: Module, x: Tensor, xRef: Tensor): ModelOutput {
  if (x.shape.join() !== xRef.shape.join()) {
    throw new InputError(`expected x and reference of the same shape, got (${x.shape.join(', ')}) and (${xRef.shape.join(', ')})`);
  }
  const listed = (module as Partial<LayerChain>).layerChain;
  if (typeof listed === 'function') listed.call(module); // throws its own reason when this configuration has no chain
  const chain = modelLayers(module);
  const modules = chain === null ? [module] : chain;
  modules.forEach(checkModules);
  const n = x.shape[0]!;
  const replacements = new Map<Module, TensorForward>();
  for (const m of modules.flatMap((top) => [...top.namedModules().values()])) {
    const forward = referenceAware(m, n);
    if (forward !== null) replacements.set(m, forward);
  }
  const input = ops.cat([x, xRef]);
  return withForwards(replacements, () =>
    chain !== null
      ? chain.reduce((h, layer) => (layer as Module & { forward: TensorForward }).forward(h), input)
      : (module as Module & ForwardModel).forward(input),
  );
}

/** Splits a [2B, ...] output (or both heads) into its x and reference rows. */
function splitRows(out: ModelOutput, m: number): [ModelOutput, ModelOutput] {
  const rows = (t: Tensor, from: number): Tensor => t.narrow(0, from, m);
  if (isProfileOutput(out)) {
    return [
      { profile: rows(out.profile, 0), counts: rows(out.counts, 0) },
      { profile: rows(out.profile, m), counts: rows(out.counts, m) },
    ];
  }
  return [rows(out, 0), rows(out, m)];
}

/**
 * Every pair's contributions must sum to its output difference; a gap means a nonlinearity ran
 * outside the modules DeepLIFT replaces. The tolerance allows float rounding in long sums.
 */
function summationHolds(attributions: Tensor, y: Tensor, yr: Tensor): void {
  const sums = attributions.sumDimIntList([1, 2]).toDType('float64').toArray();
  const scale = attributions.abs().sumDimIntList([1, 2]).toDType('float64').toArray();
  const ys = y.toDType('float64').toArray();
  const yrs = yr.toDType('float64').toArray();
  const unit = attributions.dtype === 'float64' ? 1e-12 : 1e-5;
  sums.forEach((sum, i) => {
    const delta = ys[i]! - yrs[i]!;
    if (Math.abs(sum - delta) > 1e-3 * Math.abs(delta) + unit * (scale[i]! + Math.abs(ys[i]!) + Math.abs(yrs[i]!) + 1)) {
      throw new InputError(
        `DeepLIFT: contributions sum to ${sum.toPrecision(6)} but the output changes by ${delta.toPrecision(6)} from its reference: ` +
          'the model computes a nonlinearity outside its activation and max-pooling layers; use integrated gradients, saliency or ISM for this model',
      );
    }
  });
}

export interface DeepLiftOptions {
  target?: Target;
  /** 'shuffle' (default: dinucleotide shuffles of each sequence), 'zero', or a [N, K, 4, L] tensor. */
  references?: 'shuffle' | 'zero' | Tensor;
  /** Shuffled references per sequence (averaged, DeepSHAP style). Default 10. */
  shuffles?: number;
  seed?: number;
  /** (sequence, reference) pairs per pass. Default 64. */
  batchSize?: number;
  /**
   * Check that each pair's contributions sum to its output difference (an InputError if not).
   * Default: on for targets linear in the output (task index, counts head), off otherwise.
   */
  checkSummation?: boolean;
}

export interface DeepLift {
  /** [N, 4, L]: contributions averaged over references; sum = f(x) - mean_ref f(ref) for a linear target. */
  attributions: Tensor;
  /** [N]: the selected output at x. */
  output: Tensor;
  /** [N]: the selected output averaged over the references. */
  referenceOutput: Tensor;
}

/**
 * DeepLIFT (rescale rule) / DeepSHAP attributions of the selected output.
 * @param model in eval mode, its nonlinearities in element-wise activation and max-pooling modules
 * (recurrent, attention and normalisation layers are an InputError).
 * @param x [N, 4, L] float32 / float64; not modified.
 */
export function deeplift(model: Module, x: Tensor, options: DeepLiftOptions = {}): DeepLift {
  const { target, references = 'shuffle', shuffles = 10, seed = 0, batchSize = 64 } = options;
  const check = options.checkSummation ?? isLinearTarget(target);
  checkOneHot(x);
  checkPositiveInt('batchSize', batchSize);
  return tidy(() =>
    withInputGradOnly(model as unknown as ForwardModel, () => {
      const refs = makeBaselines(x, references, shuffles, seed);
      const [n, k] = refs.shape as [number, number];
      const length = x.shape[2]!;
      const xs = x.unsqueeze(1).expand([n, k, 4, length]).reshape([n * k, 4, length]);
      const rs = refs.reshape([n * k, 4, length]);
      const parts: { a: Tensor; y: Tensor; yr: Tensor }[] = [];
      for (let start = 0; start < n * k; start += batchSize) {
        const m = Math.min(batchSize, n * k - start);
        parts.push(
          tidy(() => {
            const xb = xs.narrow(0, start, m).detach().clone().requiresGrad_();
            const rb = rs.narrow(0, start, m);
            const [outX, outRef] = splitRows(deepliftForward(model, xb, rb), m);
            const y = selectTarget(outX, target);
            const yr = selectTarget(outRef, target).detach();
            y.sum().backward();
            const a = xb.grad!.mul(xb.detach().sub(rb));
            if (check) summationHolds(a, y.detach(), yr);
            return { a, y: y.detach(), yr };
          }),
        );
      }
      const join = (ts: Tensor[]) => (ts.length === 1 ? ts[0]! : ops.cat(ts));
      return {
        attributions: join(parts.map((p) => p.a)).reshape([n, k, 4, length]).meanDim([1]),
        output: join(parts.map((p) => p.y)).reshape([n, k]).meanDim([1]),
        referenceOutput: join(parts.map((p) => p.yr)).reshape([n, k]).meanDim([1]),
      };
    }),
  );
}
