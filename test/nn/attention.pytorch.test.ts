/** MultiheadAttention, TransformerEncoderLayer (pre and post norm) and TransformerEncoder against PyTorch (dropout 0). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { LayerNorm, MultiheadAttention, TransformerEncoder, TransformerEncoderLayer } from '../../src/nn/index.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { assertMatches, PY_HELPERS, randomizeParameters, stateJson, tensorJson, type TensorJson } from './torch-bridge.js';

const bool = (rows: number[][]): Tensor => tensor(new Uint8Array(rows.flat()), [rows.length, rows[0]!.length], 'bool');

test('MultiheadAttention outputs, weights and gradients equal PyTorch\'s', (t) => {
  manualSeed(5);
  const batchFirst = new MultiheadAttention(8, 2, { batchFirst: true });
  const seqFirst = new MultiheadAttention(6, 3);
  const noBias = new MultiheadAttention(4, 2, { bias: false });
  randomizeParameters(batchFirst); // in_proj_bias and out_proj.bias start at zero
  randomizeParameters(seqFirst);

  // A: cross-attention, batch first, key padding mask, weights averaged over heads.
  const q = ops.randn([2, 3, 8]).requiresGrad_();
  const k = ops.randn([2, 5, 8]).requiresGrad_();
  const v = ops.randn([2, 5, 8]);
  const padding = bool([[0, 0, 0, 1, 1], [0, 0, 0, 0, 1]]);
  const a = batchFirst.forward(q, k, v, { keyPaddingMask: padding });
  tidy(() => a.output.sum().add(a.weights!.mul(ops.arange(5)).sum()).backward());
  // B: self-attention, sequence first, causal bool mask and key padding, per-head weights.
  const x = ops.randn([4, 2, 6]);
  const causal = ops.triu(ops.ones([4, 4], { dtype: 'bool' }), { diagonal: 1 });
  const paddingB = bool([[0, 0, 0, 0], [0, 0, 1, 1]]);
  const b = seqFirst.forward(x, x, x, { attnMask: causal, keyPaddingMask: paddingB, averageAttnWeights: false });
  // C: 3-d float attention mask, no bias, no weights.
  const y = ops.randn([3, 2, 4]);
  const floatMask = ops.randn([2 * 2, 3, 3]);
  const c = noBias.forward(y, y, y, { attnMask: floatMask, needWeights: false });

  const expected = runPyTorch<Record<string, TensorJson>>(
    `${PY_HELPERS}
nn = torch.nn
a = load(nn.MultiheadAttention(8, 2, batch_first=True), inputs['a'])
b = load(nn.MultiheadAttention(6, 3), inputs['b'])
c = load(nn.MultiheadAttention(4, 2, bias=False), inputs['c'])
q = T(inputs['q']).requires_grad_(); k = T(inputs['k']).requires_grad_()
ao, aw = a(q, k, T(inputs['v']), key_padding_mask=T(inputs['padding']))
(ao.sum() + (aw * torch.arange(5)).sum()).backward()
x = T(inputs['x'])
bo, bw = b(x, x, x, attn_mask=T(inputs['causal']), key_padding_mask=T(inputs['paddingB']), average_attn_weights=False)
y = T(inputs['y'])
co, cw = c(y, y, y, attn_mask=T(inputs['floatMask']), need_weights=False)
result = {'ao': J(ao), 'aw': J(aw), 'dq': J(q.grad), 'dk': J(k.grad), 'dw': J(a.in_proj_weight.grad),
          'bo': J(bo), 'bw': J(bw), 'co': J(co)}
`,
    {
      a: stateJson(batchFirst),
      b: stateJson(seqFirst),
      c: stateJson(noBias),
      q: tensorJson(q),
      k: tensorJson(k),
      v: tensorJson(v),
      padding: tensorJson(padding),
      x: tensorJson(x),
      causal: tensorJson(causal),
      paddingB: tensorJson(paddingB),
      y: tensorJson(y),
      floatMask: tensorJson(floatMask),
    },
  );
  if (expected === null) return t.skip('python3-torch not installed');
  assertMatches(a.output, expected.ao!, { message: 'batch-first output' });
  assertMatches(a.weights!, expected.aw!, { message: 'batch-first averaged weights' });
  tidy(() => {
    assertMatches(q.grad!, expected.dq!, { message: 'query gradient' });
    assertMatches(k.grad!, expected.dk!, { message: 'key gradient' });
    assertMatches(batchFirst.getParameter('in_proj_weight').grad!, expected.dw!, { message: 'in_proj_weight gradient' });
  });
  assertMatches(b.output, expected.bo!, { message: 'masked self-attention output' });
  assertMatches(b.weights!, expected.bw!, { message: 'per-head weights' });
  assertMatches(c.output, expected.co!, { message: 'float-mask output' });
  assert.equal(c.weights, null, 'no weights when needWeights is false');
  for (const m of [batchFirst, seqFirst, noBias]) m.dispose();
});

test('TransformerEncoderLayer (post-norm and pre-norm) and TransformerEncoder equal PyTorch\'s', (t) => {
  manualSeed(6);
  const post = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
  const pre = new TransformerEncoderLayer(8, 4, { dimFeedforward: 12, dropout: 0, activation: 'gelu', normFirst: true, batchFirst: true, layerNormEps: 1e-4 });
  const stack = new TransformerEncoder(() => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }), 2, { norm: new LayerNorm(4) });
  for (const m of [post, pre, stack]) randomizeParameters(m);

  const xPost = ops.randn([5, 2, 8]).requiresGrad_();
  const padding = bool([[0, 0, 0, 0, 0], [0, 0, 0, 1, 1]]);
  const causal = ops.triu(ops.ones([5, 5], { dtype: 'bool' }), { diagonal: 1 });
  const yPost = post.forward(xPost, { srcKeyPaddingMask: padding, mask: causal });
  tidy(() => yPost.sum().backward());
  const xPre = ops.randn([2, 5, 8]);
  const yPre = pre.forward(xPre, { srcKeyPaddingMask: padding });
  const xStack = ops.randn([3, 2, 4]);
  const yStack = stack.forward(xStack);

  const expected = runPyTorch<Record<string, TensorJson>>(
    `${PY_HELPERS}
nn = torch.nn
post = load(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), inputs['post'])
pre = load(nn.TransformerEncoderLayer(8, 4, dim_feedforward=12, dropout=0.0, activation='gelu', norm_first=True,
                                      batch_first=True, layer_norm_eps=1e-4), inputs['pre'])
stack = load(nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0), 2,
                                   norm=nn.LayerNorm(4), enable_nested_tensor=False), inputs['stack'])
for m in (post, pre, stack):
    m.train()  # the reference (non fast-path) implementation
x = T(inputs['xPost']).requires_grad_()
y = post(x, src_mask=T(inputs['causal']), src_key_padding_mask=T(inputs['padding']))
y.sum().backward()
result = {'post': J(y), 'dx': J(x.grad), 'dff': J(post.linear1.weight.grad),
          'pre': J(pre(T(inputs['xPre']), src_key_padding_mask=T(inputs['padding']))),
          'stack': J(stack(T(inputs['xStack'])))}
`,
    {
      post: stateJson(post),
      pre: stateJson(pre),
      stack: stateJson(stack),
      xPost: tensorJson(xPost),
      padding: tensorJson(padding),
      causal: tensorJson(causal),
      xPre: tensorJson(xPre),
      xStack: tensorJson(xStack),
    },
  );
  if (expected === null) return t.skip('python3-torch not installed');
  assertMatches(yPost, expected.post!, { message: 'post-norm layer' });
  tidy(() => {
    assertMatches(xPost.grad!, expected.dx!, { message: 'post-norm input gradient' });
    assertMatches(post.linear1.weight.grad!, expected.dff!, { message: 'linear1 weight gradient' });
  });
  assertMatches(yPre, expected.pre!, { message: 'pre-norm gelu batch-first layer' });
  assertMatches(yStack, expected.stack!, { message: 'encoder stack' });
  for (const m of [post, pre, stack]) m.dispose();
});
