/** RMSprop (torch.optim.RMSprop), optionally centered and with momentum. */
import type { Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkAtLeast, checkBoolean, withDefaults } from './hyper-parameters.js';
import { Optimizer, type GroupOptions, type ParamState, type ParamsInput } from './optimizer.js';

export interface RmspropOptions extends GroupOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Smoothing constant of the running average of the squared gradient. Default 0.99. */
  alpha: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment. Default false. */
  centered: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

function checkRmspropOptions(o: RmspropOptions): void {
  checkAtLeast('learning rate', 'lr', o.lr);
  checkAtLeast('epsilon value', 'eps', o.eps);
  checkAtLeast('momentum value', 'momentum', o.momentum);
  checkAtLeast('weight_decay value', 'weightDecay', o.weightDecay);
  checkAtLeast('alpha value', 'alpha', o.alpha);
  checkBoolean('centered', o.centered);
  checkBoolean('maximize', o.maximize);
}

/**
 * RMSprop, exactly as PyTorch 1.13's `_single_tensor_rmsprop`:
 *   g <- -g if maximize;  g <- g + wd * p
 *   v <- alpha v + (1 - alpha) g^2
 *   centered: a <- alpha a + (1 - alpha) g;  d <- sqrt(v - a^2) + eps;  else d <- sqrt(v) + eps
 *   momentum > 0: b <- momentum b + g / d;  p <- p - lr b;   else p <- p - lr g / d
 * State: `square_avg`; `momentum_buffer` with momentum > 0; `grad_avg` when centered.
 */
export class RMSprop extends Optimizer<RmspropOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, alpha?, ... }` overriding the options
   * @param options defaults: lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false, maximize false
   */
  constructor(params: ParamsInput<RmspropOptions>, options: Partial<RmspropOptions> = {}) {
    const defaults = withDefaults<RmspropOptions>(
      { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
      options ?? {},
    );
    super('RMSprop', params, defaults, checkRmspropOptions);
  }

  protected override updateParameter(param: Tensor, grad: Tensor, state: ParamState, group: Readonly<RmspropOptions>): void {
    const { alpha, eps, momentum, lr } = group;
    let g = group.maximize ? ops.neg(grad) : grad;
    if (group.weightDecay !== 0) g = g.add(param, { alpha: group.weightDecay });
    const squareAvg = state.ensure('square_avg', () => ops.zerosLike(param));
    squareAvg.mul_(alpha).addcmul_(g, g, { value: 1 - alpha });
    let avg: Tensor;
    if (group.centered) {
      const gradAvg = state.ensure('grad_avg', () => ops.zerosLike(param));
      gradAvg.mul_(alpha).add_(g, { alpha: 1 - alpha });
      avg = ops.addcmul(squareAvg, gradAvg, gradAvg, { value: -1 }).sqrt_();
    } else {
      avg = squareAvg.sqrt();
    }
    avg.add_(eps);
    if (momentum > 0) {
      const buffer = state.ensure('momentum_buffer', () => ops.zerosLike(param));
      buffer.mul_(momentum).addcdiv_(g, avg);
      param.add_(buffer, { alpha: -lr });
    } else {
      param.addcdiv_(g, avg, { value: -lr });
    }
  }
}
