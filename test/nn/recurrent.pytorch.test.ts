/** LSTM and GRU (2 layers, bidirectional, batch first) against PyTorch: outputs, final states and gradients. */
import { test } from 'node:test';
import { manualSeed, tidy } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import { GRU, LSTM } from '../../src/nn/index.js';
import { runPyTorch } from '../helpers/pytorch.js';
import { assertMatches, PY_HELPERS, stateJson, tensorJson, type TensorJson } from './torch-bridge.js';

test('LSTM and GRU outputs, final states and gradients equal PyTorch\'s', (t) => {
  manualSeed(9);
  const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
  const gru = new GRU(3, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
  const gruSeqFirst = new GRU(3, 4, { numLayers: 1 });
  const x = ops.randn([2, 6, 3]).requiresGrad_();
  const xs = ops.randn([6, 2, 3]);
  const h0 = ops.randn([4, 2, 5]);
  const c0 = ops.randn([4, 2, 5]);
  const h0s = ops.randn([1, 2, 4]);

  const l = lstm.forward(x, { h: h0, c: c0 });
  const lZero = lstm.forward(x);
  const g = gru.forward(x, h0);
  const gs = gruSeqFirst.forward(xs, h0s);
  const gOut = ops.randn(l.output.shape);
  tidy(() => l.output.mul(gOut).sum().add(l.h.sum()).add(g.output.mul(gOut).sum()).add(g.h.sum()).backward());

  const expected = runPyTorch<Record<string, TensorJson>>(
    `${PY_HELPERS}
nn = torch.nn
lstm = load(nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True), inputs['lstm'])
gru = load(nn.GRU(3, 5, num_layers=2, bidirectional=True, batch_first=True), inputs['gru'])
gru_s = load(nn.GRU(3, 4, num_layers=1), inputs['gru_s'])
x = T(inputs['x']).requires_grad_()
h0 = T(inputs['h0']); c0 = T(inputs['c0']); g_out = T(inputs['g_out'])
lo, (lh, lc) = lstm(x, (h0, c0))
lo0, (lh0, lc0) = lstm(x)
go, gh = gru(x, h0)
gso, gsh = gru_s(T(inputs['xs']), T(inputs['h0s']))
((lo * g_out).sum() + lh.sum() + (go * g_out).sum() + gh.sum()).backward()
result = {'lo': J(lo), 'lh': J(lh), 'lc': J(lc), 'lo0': J(lo0), 'lh0': J(lh0), 'lc0': J(lc0),
          'go': J(go), 'gh': J(gh), 'gso': J(gso), 'gsh': J(gsh), 'dx': J(x.grad),
          'lstm_dw': J(lstm.weight_hh_l1_reverse.grad), 'lstm_db': J(lstm.bias_ih_l0.grad),
          'gru_dw': J(gru.weight_ih_l1.grad), 'gru_db': J(gru.bias_hh_l0_reverse.grad)}
`,
    {
      lstm: stateJson(lstm),
      gru: stateJson(gru),
      gru_s: stateJson(gruSeqFirst),
      x: tensorJson(x),
      xs: tensorJson(xs),
      h0: tensorJson(h0),
      c0: tensorJson(c0),
      h0s: tensorJson(h0s),
      g_out: tensorJson(gOut),
    },
  );
  if (expected === null) return t.skip('python3-torch not installed');
  const close = { atol: 2e-5, rtol: 2e-4 };
  assertMatches(l.output, expected.lo!, { ...close, message: 'LSTM output' });
  assertMatches(l.h, expected.lh!, { ...close, message: 'LSTM h' });
  assertMatches(l.c, expected.lc!, { ...close, message: 'LSTM c' });
  assertMatches(lZero.output, expected.lo0!, { ...close, message: 'LSTM output from zero state' });
  assertMatches(lZero.h, expected.lh0!, { ...close, message: 'LSTM h from zero state' });
  assertMatches(lZero.c, expected.lc0!, { ...close, message: 'LSTM c from zero state' });
  assertMatches(g.output, expected.go!, { ...close, message: 'GRU output' });
  assertMatches(g.h, expected.gh!, { ...close, message: 'GRU h' });
  assertMatches(gs.output, expected.gso!, { ...close, message: 'sequence-first GRU output' });
  assertMatches(gs.h, expected.gsh!, { ...close, message: 'sequence-first GRU h' });
  tidy(() => {
    assertMatches(x.grad!, expected.dx!, { ...close, message: 'input gradient' });
    assertMatches(lstm.getParameter('weight_hh_l1_reverse').grad!, expected.lstm_dw!, { ...close, message: 'LSTM weight_hh_l1_reverse gradient' });
    assertMatches(lstm.getParameter('bias_ih_l0').grad!, expected.lstm_db!, { ...close, message: 'LSTM bias_ih_l0 gradient' });
    assertMatches(gru.getParameter('weight_ih_l1').grad!, expected.gru_dw!, { ...close, message: 'GRU weight_ih_l1 gradient' });
    assertMatches(gru.getParameter('bias_hh_l0_reverse').grad!, expected.gru_db!, { ...close, message: 'GRU bias_hh_l0_reverse gradient' });
  });
  for (const m of [lstm, gru, gruSeqFirst]) m.dispose();
});
