/** Gradient clipping (torch.nn.utils.clip_grad_norm_ and clip_grad_value_). Gradients change in place. */
import { InputError, noGrad, Tensor, tidy } from '../core/index.js';
import * as ops from '../ops/index.js';

function checkParams(fn: string, params: readonly Tensor[]): void {
  if (!Array.isArray(params) || !params.every((p) => p instanceof Tensor)) {
    throw new InputError(`${fn}: expected an array of parameter Tensors, got ${String(params)}`);
  }
}

/** The gradients of `params` that exist (handles owned by the enclosing tidy). */
function gradsOf(params: readonly Tensor[]): Tensor[] {
  return params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/**
 * Scales the gradients of `params` so that their joint norm (all gradients viewed as one
 * vector) is at most `maxNorm`: every gradient is multiplied by min(1, maxNorm / (norm + 1e-6)).
 * Parameters without a gradient are ignored.
 * @param normType p of the p-norm, default 2; `Infinity` for the max-abs norm
 * @param options errorIfNonfinite: throw instead of scaling when the norm is NaN or infinite (default false)
 * @returns the joint norm before clipping (0 when no parameter has a gradient)
 */
export function clipGradNorm(
  params: readonly Tensor[],
  maxNorm: number,
  normType = 2,
  { errorIfNonfinite = false }: { errorIfNonfinite?: boolean } = {},
): number {
  checkParams('clipGradNorm', params);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new InputError(`clipGradNorm: expected maxNorm to be a number, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new InputError(`clipGradNorm: expected normType > 0 (or Infinity), got ${String(normType)}`);
  }
  return noGrad(() =>
    tidy(() => {
      const grads = gradsOf(params);
      if (grads.length === 0) return 0;
      let total: Tensor;
      if (normType === Infinity) {
        const norms = grads.map((g) => g.abs().max());
        total = norms.length === 1 ? norms[0]! : ops.stack(norms).max();
      } else {
        const norms = grads.map((g) => ops.normScalarOptDim(g, normType, [...g.shape.keys()]));
        total = ops.normScalarOptDim(ops.stack(norms), normType, [0]);
      }
      const value = total.item();
      if (errorIfNonfinite && !Number.isFinite(value)) {
        throw new InputError(
          `clipGradNorm: the total norm of order ${normType} of the gradients is non-finite (${value}), so it cannot be clipped`,
        );
      }
      // As PyTorch: coef = maxNorm / (norm + 1e-6), computed in the gradients' dtype, clamped to <= 1.
      const coef = ops.reciprocal(total.add(1e-6)).mul(maxNorm).clampMax(1);
      for (const g of grads) g.mul_(coef);
      return value;
    }),
  );
}

/**
 * Clamps every gradient of `params` element-wise to [-clipValue, clipValue].
 * Parameters without a gradient are ignored.
 */
export function clipGradValue(params: readonly Tensor[], clipValue: number): void {
  checkParams('clipGradValue', params);
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new InputError(`clipGradValue: expected clipValue >= 0, got ${String(clipValue)}`);
  }
  noGrad(() =>
    tidy(() => {
      for (const g of gradsOf(params)) g.clamp_({ min: -clipValue, max: clipValue });
    }),
  );
}
