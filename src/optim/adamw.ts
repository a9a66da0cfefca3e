/** AdamW (torch.optim.AdamW): Adam with decoupled weight decay. */
import type { Tensor } from '../core/index.js';
import { adamUpdate, checkAdamOptions, type AdamOptions } from './adam.js';
import { withDefaults } from './hyper-parameters.js';
import { Optimizer, type ParamState, type ParamsInput } from './optimizer.js';

/**
 * AdamW: each step first shrinks the parameter, `p <- p * (1 - lr * weightDecay)`, then
 * applies the Adam update without any L2 term (see `adamUpdate`).
 * State: `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad.
 */
export class AdamW extends Optimizer<AdamOptions> {
  /**
   * @param params parameters, or groups `{ params, lr?, weightDecay?, ... }` overriding the options
   * @param options defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2, amsgrad false, maximize false
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const defaults = withDefaults<AdamOptions>(
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
      options ?? {},
    );
    super('AdamW', params, defaults, checkAdamOptions);
  }

  protected override updateParameter(param: Tensor, grad: Tensor, state: ParamState, group: Readonly<AdamOptions>): void {
    adamUpdate(param, grad, state, group, true);
  }
}
