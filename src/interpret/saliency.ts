/** Saliency maps: the gradient of one output w.r.t. the one-hot input, optionally times the input. */
import { tidy, type Tensor } from '../core/index.js';
import { checkOneHot, inputGradient, withInputGradOnly, type ForwardModel, type Target } from './target.js';

export interface SaliencyOptions {
  /** The output to explain (task index or function); see `Target`. */
  target?: Target;
  /** 'gradient-x-input' (default) or the plain 'gradient'. */
  method?: 'gradient-x-input' | 'gradient';
}

export interface Saliency {
  /** [N, 4, L], same dtype as x. */
  attributions: Tensor;
}

/**
 * Gradient (x input) of the selected output of `model` at x.
 * @param x [N, 4, L] float32 / float64 one-hot; not modified.
 */
export function saliency(model: ForwardModel, x: Tensor, { target, method = 'gradient-x-input' }: SaliencyOptions = {}): Saliency {
  checkOneHot(x);
  return tidy(() =>
    withInputGradOnly(model, () => {
      const g = inputGradient((input) => model.forward(input), x, target);
      return { attributions: method === 'gradient' ? g : g.mul(x) };
    }),
  );
}
