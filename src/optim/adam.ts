/** Adam (torch.optim.Adam), with optional AMSGrad and L2 weight decay; the update AdamW shares. */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkAtLeast, checkBoolean, checkUnitInterval, withDefaults } from './hyper-parameters.js';
import { Optimizer, type GroupOptions, type ParamState, type ParamsInput } from './optimizer.js';

export interface AdamOptions extends GroupOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Decay rates of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay `p <- p * (1 - lr * weightDecay)`. Default 0 (AdamW 1e-2). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

export function checkAdamOptions(o: AdamOptions): void {
  checkAtLeast('learning rate', 'lr', o.lr);
  checkAtLeast('epsilon value', 'eps', o.eps);
  if (!Array.isArray(o.betas) || o.betas.length !== 2) {
    throw new InputError(`Invalid betas: expected [beta1, beta2], got ${String(o.betas)}`);
  }
  checkUnitInterval('beta parameter at index 0', 'betas[0]', o.betas[0]);
  checkUnitInterval('beta parameter at index 1', 'betas[1]', o.betas[1]);
  checkAtLeast('weight_decay value', 'weightDecay', o.weightDecay);
  checkBoolean('amsgrad', o.amsgrad);
  checkBoolean('maximize', o.maximize);
}

/**
 * One Adam / AdamW update of `param`, as PyTorch 1.13's `_single_tensor_adam(w)`, with
 * t = state.step (already incremented):
 *   g <- -g if maximize;  Adam: g <- g + wd * p;  AdamW: p <- p * (1 - lr * wd)
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  (AMSGrad: vmax <- max(vmax, v), used for v)
 *   p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * State: `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad.
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: ParamState, group: Readonly<AdamOptions>, decoupled: boolean): void {
  const [beta1, beta2] = group.betas;
  let g = group.maximize ? ops.neg(grad) : grad;
  const expAvg = state.ensure('exp_avg', () => ops.zerosLike(param));
  const expAvgSq = state.ensure('exp_avg_sq', () => ops.zerosLike(param));
  if (decoupled) {
    param.mul_(1 - group.lr * group.weightDecay);
  } else if (group.weightDecay !== 0) {
    g = g.add(param, { alpha: group.weightDecay });
  }
  expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });

  const biasCorrection1 = 1 - beta1 ** state.step;
  const biasCorrection2 = 1 - beta2 ** state.step;
  const stepSize = group.lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let second = expAvgSq;
  if (group.amsgrad) {
    const maxExpAvgSq = state.ensure('max_exp_avg_sq', () => ops.zerosLike(param));
    maxExpAvgSq.copy_(ops.maximum(maxExpAvgSq, expAvgSq));
    second = maxExpAvgSq;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(group.eps);
  param.addcdiv_(expAvg, denom, { value: -stepSize });
}

/** Adam with L2 weight decay added to the gradient (see `adamUpdate` for the exact rule). */
export class Adam extends Optimizer<AdamOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, betas?, ... }` overriding the options
   * @param options defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, amsgrad false, maximize false
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const defaults = withDefaults<AdamOptions>(
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
      options ?? {},
    );
    super('Adam', params, defaults, checkAdamOptions);
  }

  protected override updateParameter(param: Tensor, grad: Tensor, state: ParamState, group: Readonly<AdamOptions>): void {
    adamUpdate(param, grad, state, group, false);
  }
}
