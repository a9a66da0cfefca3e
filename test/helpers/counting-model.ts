/**
 * A model whose outputs are base counts, so expected variant effects can be worked out by
 * hand: global average pooling, then a linear layer with weight `length` and bias -1, so
 * output 0 is (#A - 1) and output 1 is (#G - 1) in the window (N counts 1/4).
 */
import { tensor } from '../../src/core/index.js';
import { createModel } from '../../src/models/registry.js';
import { describeModel, type SavedModel } from '../../src/models/saved-model.js';

export function countingModel(kind: 'binary' | 'multiclass' | 'regression', length = 5): SavedModel {
  const options = { layers: ['globalavgpool', { type: 'linear', units: 2 }], length };
  const model = createModel('custom', options);
  const [weight, bias] = [...model.namedParameters().keys()];
  model.loadStateDict({ [weight!]: tensor([length, 0, 0, 0, 0, 0, length, 0], [2, 4]), [bias!]: tensor([-1, -1]) });
  const description = describeModel({ architecture: { name: 'custom', options }, input: { kind: 'sequence', alphabet: 'ACGT', length }, task: { kind, outputs: ['A', 'G'] } });
  return { model, description };
}
