/**
 * Is libtorch 1.13's fused CPU encoder layer (`aten::_transformer_encoder_layer_fwd`, inference
 * only) faster than transformer-lm's own block for the inference of ISM and variant scoring?
 * Both run one pre-norm GELU block of transformer-lm's shape (dim 128, 4 heads, ff 512) with the
 * same weights and no position terms (the fused layer has no place for rotary or ALiBi ones),
 * in inference mode, 1 thread. Prints the largest difference and the time of each.
 *
 * `node dist/bench/transformer-fast-path.js`
 */
import { inferenceMode, manualSeed, setNumThreads, tidy, type Tensor } from '../src/core/index.js';
import { TransformerLm } from '../src/models/transformer-lm.js';
import * as ops from '../src/ops/index.js';
import { medianMs } from './timing.js';

setNumThreads(1);
manualSeed(1);
const dim = 128;
const heads = 4;
const model = new TransformerLm({ vocabSize: 9, dim, heads, layers: 1 });
model.eval();
const block = model.blocks[0]!;
const p = (name: string): Tensor => model.stateDict()[`blocks.0.${name}`]!;

function ours(x: Tensor): Tensor {
  return block.forward(x, null, null);
}

function fused(x: Tensor): Tensor {
  return ops._transformerEncoderLayerFwd(
    x, dim, heads,
    p('attention.qkv.weight'), p('attention.qkv.bias'), p('attention.out.weight'), p('attention.out.bias'),
    true, true, 1e-5,
    p('norm1.weight'), p('norm1.bias'), p('norm2.weight'), p('norm2.bias'),
    p('ff1.weight'), p('ff1.bias'), p('ff2.weight'), p('ff2.bias'),
  );
}

for (const [N, T] of [[16, 256], [1, 1024], [4, 1024], [1, 4096]] as const) {
  inferenceMode(() =>
    tidy(() => {
      const x = ops.randn([N, T, dim]);
      const difference = ops.amax(ours(x).sub(fused(x)).abs(), { dim: [0, 1, 2] }).item();
      const a = medianMs(() => tidy(() => void ours(x)), 2, 7);
      const b = medianMs(() => tidy(() => void fused(x)), 2, 7);
      process.stdout.write(`BENCH transformer-fast-path N=${N} T=${T} ours=${a.toFixed(1)}ms fused=${b.toFixed(1)}ms speedup=${(a / b).toFixed(2)} max_abs_diff=${difference.toExponential(2)}\n`);
    }),
  );
}
