/**
 * DeepLIFT with the rescale rule, and DeepSHAP-style averaging over dinucleotide-shuffled
 * references, without autograd hooks: the model runs once on [x; reference] stacked in one
 * batch, and each nonlinearity y = f(z) of the x half is replaced by the line through the
 * reference point, y = f(z_ref) + (z - z_ref) * m with m = (f(z) - f(z_ref)) / (z - z_ref)
 * held constant (f'(z) where |z - z_ref| < 1e-6). The x half is then affine in x and equals
 * f(x) at x and f(x_ref) at x_ref, so gradient * (x - x_ref) sums to f(x) - f(x_ref).
 *
 * Max pooling (MaxPool1d, GlobalMaxPool1d): with i the position chosen in x's window and j the
 * one chosen in the reference's, d_i = z_i - zref_i >= out - out_ref >= d_j = z_j - zref_j, so
 * the output difference is written as t * d_i + (1 - t) * d_j with t in [0, 1] held constant:
 * the gradient goes through the x-chosen position (and, where the reference chose another
 * position, partly through that one). Summation to delta holds exactly.
 */
import { InputError, noGrad, tidy, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import {
  AvgPool1d,
  BatchNorm1d,
  ConstantPad1d,
  Conv1d,
  Dropout,
  Exp,
  Flatten,
  GlobalAvgPool1d,
  GlobalMaxPool1d,
  Linear,
  MaxPool1d,
  Module,
  ReLU,
  Sigmoid,
  Softplus,
  Tanh,
} from '../nn/index.js';
import { makeBaselines } from './baselines.js';
import { modelLayers, type LayerChain } from './layer-chain.js';
import { checkOneHot, checkPositiveInt, selectTarget, withInputGradOnly, type ForwardModel, type Target } from './target.js';

const EPS = 1e-6;

/** The layers of a model DeepLIFT can walk, or an InputError naming what it supports. */
function layersOf(module: Module): Module[] {
  const chain = (module as Partial<LayerChain>).layerChain;
  if (typeof chain === 'function') chain.call(module); // throws its own reason when this configuration has no chain
  const layers = modelLayers(module);
  if (layers !== null) return layers;
  throw new InputError(
    `DeepLIFT supports Sequential models, models with a Sequential 'body' or 'layers', and models listing their layer chain; got ${module.constructor.name}`,
  );
}

/** Value and derivative of an element-wise activation, or null when the layer is not one. */
function activation(layer: Module): ((z: Tensor) => { y: Tensor; dy: () => Tensor }) | null {
  if (layer instanceof ReLU) return (z) => ({ y: z.relu(), dy: () => z.gt(0).toDType(z.dtype) });
  if (layer instanceof Sigmoid)
    return (z) => {
      const y = z.sigmoid();
      return { y, dy: () => y.mul(y.neg().add(1)) };
    };
  if (layer instanceof Tanh)
    return (z) => {
      const y = z.tanh();
      return { y, dy: () => y.mul(y).neg().add(1) };
    };
  if (layer instanceof Softplus) return (z) => ({ y: layer.forward(z), dy: () => z.mul(layer.beta).sigmoid() });
  if (layer instanceof Exp)
    return (z) => {
      const y = z.exp();
      return { y, dy: () => y };
    };
  return null;
}

function rescale(f: (z: Tensor) => { y: Tensor; dy: () => Tensor }, z: Tensor, zr: Tensor): Tensor {
  const yr = f(zr).y;
  const m = noGrad(() => {
    const { y, dy } = f(z.detach());
    const dz = z.detach().sub(zr);
    const small = dz.abs().lt(EPS);
    return ops.whereSelf(small, dy(), y.sub(yr).div(ops.whereScalarSelf(small, 1, dz)));
  });
  return yr.add(z.sub(zr).mul(m));
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

function layerForward(layer: Module, h: Tensor, n: number): Tensor {
  if (layer.training && (layer instanceof BatchNorm1d || layer instanceof Dropout)) {
    throw new InputError(`DeepLIFT needs the model in eval mode (call model.eval()): ${layer.constructor.name} is in training mode`);
  }
  if (layer instanceof Flatten && (layer.startDim === 0 || layer.startDim < -h.ndim + 1)) {
    throw new InputError('DeepLIFT needs Flatten to keep the batch dimension (startDim >= 1)');
  }
  if (
    layer instanceof Conv1d ||
    layer instanceof Linear ||
    layer instanceof BatchNorm1d ||
    layer instanceof Dropout ||
    layer instanceof Flatten ||
    layer instanceof AvgPool1d ||
    layer instanceof GlobalAvgPool1d ||
    layer instanceof ConstantPad1d
  ) {
    return (layer as unknown as ForwardModel).forward(h);
  }
  const z = h.narrow(0, 0, n);
  const zr = h.narrow(0, n, n);
  const f = activation(layer);
  if (f !== null) return ops.cat([rescale(f, z, zr), f(zr).y]);
  if (layer instanceof MaxPool1d) {
    const { kernelSize, stride, padding, dilation, ceilMode } = layer;
    const [v, i] = ops.maxPool1dWithIndices(z, kernelSize, { stride, padding, dilation, ceilMode });
    const [vr, ir] = ops.maxPool1dWithIndices(zr, kernelSize, { stride, padding, dilation, ceilMode });
    return ops.cat([rescaleMax(z, zr, v, vr, i, ir), vr]);
  }
  if (layer instanceof GlobalMaxPool1d) {
    const i = z.argmax({ dim: 2, keepdim: true });
    const ir = zr.argmax({ dim: 2, keepdim: true });
    const vr = zr.gather(2, ir);
    return ops.cat([rescaleMax(z, zr, z.gather(2, i), vr, i, ir), vr]).squeezeDim(2);
  }
  throw new InputError(`DeepLIFT does not support layer ${layer.constructor.name}`);
}

/**
 * Runs `module` in reference-aware mode on x and xRef (same shape [B, ...]).
 * @returns [2B, ...]: rows 0..B-1 the x outputs (differentiable w.r.t. x with DeepLIFT
 * multipliers), rows B..2B-1 the reference outputs.
 */
export function deepliftForward(module: Module, x: Tensor, xRef: Tensor): Tensor {
  if (x.shape.join() !== xRef.shape.join()) {
    throw new InputError(`expected x and reference of the same shape, got (${x.shape.join(', ')}) and (${xRef.shape.join(', ')})`);
  }
  const layers = layersOf(module);
  const n = x.shape[0]!;
  let h = ops.cat([x, xRef]);
  for (const layer of layers) h = layerForward(layer, h, n);
  return h;
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
 * @param model a Sequential of supported layers (or a model with a Sequential `body`), in eval mode.
 * @param x [N, 4, L] float32 / float64; not modified.
 */
export function deeplift(model: Module, x: Tensor, options: DeepLiftOptions = {}): DeepLift {
  const { target, references = 'shuffle', shuffles = 10, seed = 0, batchSize = 64 } = options;
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
            const out = deepliftForward(model, xb, rb);
            const y = selectTarget(out.narrow(0, 0, m), target);
            const yr = selectTarget(out.narrow(0, m, m), target).detach();
            y.sum().backward();
            return { a: xb.grad!.mul(xb.detach().sub(rb)), y: y.detach(), yr };
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
