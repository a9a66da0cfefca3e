import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, noGrad, tensor, tidy } from '../../src/core/index.js';
import { SequenceTransformer } from '../../src/models/sequence-transformer.js';
import { assertClose } from '../helpers/assert-close.js';

test('transformer attention maps: one [N, L, L] map a layer, rows sum to 1, padding keys get no weight', () => {
  manualSeed(3);
  const model = new SequenceTransformer({ input: 'tokens', vocabSize: 12, dModel: 16, heads: 2, layers: 2, dropout: 0, pooling: 'mean', tasks: 1 });
  model.eval();
  tidy(() =>
    noGrad(() => {
      // second sequence: last two positions are padding (id 0)
      const x = tensor([[5, 6, 7, 8, 9, 10], [5, 6, 7, 8, 0, 0]], undefined, 'int64');
      const maps = model.attentionMaps(x);
      assert.equal(maps.length, 2);
      for (const m of maps) {
        assert.deepEqual(m.shape, [2, 6, 6]);
        assertClose(m.sumDimIntList([2]), new Array(12).fill(1), { atol: 1e-5 });
        const padded = m.select(0, 1).narrow(1, 4, 2); // weights on the padding keys
        assertClose(padded, new Array(12).fill(0), { atol: 1e-7 });
      }
      // the first layer's map is what its attention module (checked against PyTorch in test/nn) gives for the layer's input
      const layer = model.encoder.layers[0]!;
      const embedded = model.positions.forward(model.embed.forward(x));
      const input = layer.normFirst ? layer.norm1.forward(embedded) : embedded;
      const expected = layer.selfAttn.forward(input, input, input, { keyPaddingMask: x.eq(0), needWeights: true }).weights!;
      assertClose(maps[0]!, expected.toArray(), { atol: 1e-6 });
    }),
  );
  model.dispose();
});
