/** Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (torch.optim.SGD). */
import { InputError, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { checkAtLeast, checkBoolean, withDefaults } from './hyper-parameters.js';
import { Optimizer, type GroupOptions, type ParamState, type ParamsInput } from './optimizer.js';

export interface SgdOptions extends GroupOptions {
  /** Learning rate (required). */
  lr: number;
  /** Momentum factor; 0 = plain SGD. Default 0. */
  momentum: number;
  /** Dampening of the gradient's contribution to the momentum buffer. Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient (`g + weightDecay * p`). Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

function checkSgdOptions(o: SgdOptions): void {
  checkAtLeast('learning rate', 'lr', o.lr);
  checkAtLeast('momentum value', 'momentum', o.momentum);
  checkAtLeast('weight_decay value', 'weightDecay', o.weightDecay);
  if (typeof o.dampening !== 'number' || Number.isNaN(o.dampening)) {
    throw new InputError(`Invalid dampening value: expected a number, got ${String(o.dampening)}`);
  }
  checkBoolean('nesterov', o.nesterov);
  checkBoolean('maximize', o.maximize);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new InputError(
      `Nesterov momentum requires a momentum and zero dampening: expected momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`,
    );
  }
}

/**
 * SGD, exactly as PyTorch 1.13 computes it (per parameter, with g its gradient):
 *   g <- -g if maximize;  g <- g + weightDecay * p
 *   b <- g on the first step, else momentum * b + (1 - dampening) * g
 *   g <- g + momentum * b if nesterov, else b          (when momentum != 0)
 *   p <- p - lr * g
 * State: `momentum_buffer` (shaped like p) when momentum != 0.
 */
export class SGD extends Optimizer<SgdOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, momentum?, ... }` overriding the options
   * @param options `lr` is required; the others default to 0 / false
   */
  constructor(params: ParamsInput<SgdOptions>, options: Partial<SgdOptions> & { lr: number }) {
    const defaults = withDefaults<SgdOptions>(
      { lr: Number.NaN, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
      options ?? {},
    );
    super('SGD', params, defaults, checkSgdOptions);
  }

  protected override updateParameter(param: Tensor, grad: Tensor, state: ParamState, group: Readonly<SgdOptions>): void {
    let d = group.maximize ? ops.neg(grad) : grad;
    if (group.weightDecay !== 0) d = d.add(param, { alpha: group.weightDecay });
    if (group.momentum !== 0) {
      const fresh = !state.tensors.has('momentum_buffer');
      const buffer = state.ensure('momentum_buffer', () => d.clone());
      if (!fresh) buffer.mul_(group.momentum).add_(d, { alpha: 1 - group.dampening });
      d = group.nesterov ? d.add(buffer, { alpha: group.momentum }) : buffer;
    }
    param.add_(d, { alpha: -group.lr });
  }
}
