/** Initialisation: torch.nn.init formulas (hand-computed) and every layer's default initialisation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import {
  BatchNorm1d,
  Conv1d,
  Embedding,
  GRU,
  init,
  LayerNorm,
  LearnedPositionalEncoding,
  Linear,
  LSTM,
  type Module,
  MultiheadAttention,
} from '../../src/nn/index.js';
import { runPyTorch } from '../helpers/pytorch.js';

interface Stats {
  maxAbs: number;
  mean: number;
  std: number;
  n: number;
}

function stats(t: Tensor): Stats {
  const v = t.toArray();
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { maxAbs: Math.max(...v.map(Math.abs)), mean, std: Math.sqrt(variance), n: v.length };
}

/**
 * Within U(-bound, bound), filling it (max |w| near the bound), with the uniform's std
 * bound / sqrt(3) and mean 0 up to 5 standard errors (std error of the sample std of n
 * uniforms: about 0.26 bound / sqrt(n); of the mean: bound / sqrt(3n)).
 */
function assertUniform(name: string, t: Tensor, bound: number): void {
  const s = stats(t);
  assert.ok(s.maxAbs <= bound * (1 + 1e-6), `${name}: max |w| ${s.maxAbs} > bound ${bound}`);
  assert.ok(s.maxAbs > bound * 0.95, `${name}: max |w| ${s.maxAbs} far below bound ${bound}`);
  const stdError = (0.26 * bound) / Math.sqrt(s.n);
  assert.ok(Math.abs(s.std - bound / Math.sqrt(3)) < 5 * stdError, `${name}: std ${s.std} vs ${bound / Math.sqrt(3)}`);
  assert.ok(Math.abs(s.mean) < (5 * bound) / Math.sqrt(3 * s.n), `${name}: mean ${s.mean}`);
}

/** N(0, std^2) up to 5 standard errors (sample std: std / sqrt(2n); mean: std / sqrt(n)). */
function assertNormal(name: string, t: Tensor, std: number): void {
  const s = stats(t);
  assert.ok(Math.abs(s.std - std) < (5 * std) / Math.sqrt(2 * s.n), `${name}: std ${s.std} vs ${std}`);
  assert.ok(Math.abs(s.mean) < (5 * std) / Math.sqrt(s.n), `${name}: mean ${s.mean}`);
}

test('calculateGain and fans follow torch.nn.init', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('conv1d'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.0001)));
  assert.equal(init.calculateGain('leaky_relu', 0), Math.SQRT2);
  assert.equal(init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(2 / 6));
  assert.equal(init.calculateGain('selu'), 0.75);
  const w = ops.empty([8, 3, 5]);
  assert.deepEqual(init.calculateFanInAndFanOut(w), { fanIn: 15, fanOut: 40 });
  assert.throws(() => init.calculateFanInAndFanOut(ops.empty([4])), /at least 2 dimensions/);
});

test('kaiming, xavier, uniform, normal, zeros, ones fill with the documented distributions', () => {
  manualSeed(3);
  const w = ops.empty([256, 128, 3]); // fanIn 384, fanOut 768
  assertUniform('kaimingUniform_ default', init.kaimingUniform_(w), Math.sqrt(3) * Math.SQRT2 / Math.sqrt(384));
  assertUniform('kaimingUniform_ a=sqrt(5)', init.kaimingUniform_(w, { a: Math.sqrt(5) }), 1 / Math.sqrt(384));
  assertNormal('kaimingNormal_ fan_out relu', init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' }), Math.SQRT2 / Math.sqrt(768));
  assertUniform('xavierUniform_ gain 2', init.xavierUniform_(w, { gain: 2 }), 2 * Math.sqrt(6 / (384 + 768)));
  assertNormal('xavierNormal_', init.xavierNormal_(w), Math.sqrt(2 / (384 + 768)));
  const u = init.uniform_(w, { a: 2, b: 4 });
  const su = stats(u);
  assert.ok(Math.abs(su.mean - 3) < 0.01 && Math.abs(su.std - 2 / Math.sqrt(12)) < 0.01);
  assertNormal('normal_', init.normal_(w, { std: 0.5 }), 0.5);
  assert.equal(init.zeros_(w), w);
  assert.equal(stats(w).maxAbs, 0);
  init.ones_(w);
  assert.deepEqual(stats(w), { maxAbs: 1, mean: 1, std: 0, n: w.numel });
  init.constant_(w, -2);
  assert.equal(stats(w).mean, -2);
  // In place on a parameter without recording history.
  const p = ops.empty([4, 4]).requiresGrad_();
  init.kaimingNormal_(p);
  assert.ok(p.isLeaf);
});

test('layers start from PyTorch\'s default initialisation (hand-computed bounds)', () => {
  manualSeed(4);
  const linear = new Linear(300, 200);
  assertUniform('Linear.weight', linear.weight, 1 / Math.sqrt(300));
  assertUniform('Linear.bias', linear.bias!, 1 / Math.sqrt(300));
  // kaiming_uniform(a = sqrt(5)): gain sqrt(1/3), bound sqrt(3) * gain / sqrt(fanIn) = 1 / sqrt(fanIn).
  const conv = new Conv1d(64, 128, 9, { groups: 2 });
  assertUniform('Conv1d.weight', conv.weight, 1 / Math.sqrt(32 * 9));
  assertUniform('Conv1d.bias', conv.bias!, 1 / Math.sqrt(32 * 9));
  const lstm = new LSTM(32, 64, { numLayers: 2, bidirectional: true });
  for (const [name, p] of lstm.namedParameters()) assertUniform(`LSTM.${name}`, p, 1 / Math.sqrt(64));
  const gru = new GRU(16, 48);
  for (const [name, p] of gru.namedParameters()) assertUniform(`GRU.${name}`, p, 1 / Math.sqrt(48));
  const mha = new MultiheadAttention(64, 4);
  assertUniform('MultiheadAttention.in_proj_weight', mha.getParameter('in_proj_weight'), Math.sqrt(6 / (64 + 192)));
  assert.equal(stats(mha.getParameter('in_proj_bias')).maxAbs, 0);
  assertUniform('MultiheadAttention.out_proj.weight', mha.outProj.weight, 1 / Math.sqrt(64));
  assert.equal(stats(mha.outProj.bias!).maxAbs, 0);
  const emb = new Embedding(1000, 64, { paddingIdx: -1 });
  assertNormal('Embedding.weight', emb.weight, 1);
  assert.equal(emb.paddingIdx, 999);
  assert.equal(stats(emb.weight.select(0, 999)).maxAbs, 0);
  const bn = new BatchNorm1d(5);
  assert.deepEqual(bn.weight!.toArray(), [1, 1, 1, 1, 1]);
  assert.deepEqual(bn.bias!.toArray(), [0, 0, 0, 0, 0]);
  assert.deepEqual(bn.runningMean!.toArray(), [0, 0, 0, 0, 0]);
  assert.deepEqual(bn.runningVar!.toArray(), [1, 1, 1, 1, 1]);
  assert.equal(bn.getBuffer('num_batches_tracked').dtype, 'int64');
  const ln = new LayerNorm(3);
  assert.deepEqual([...ln.weight!.toArray(), ...ln.bias!.toArray()], [1, 1, 1, 0, 0, 0]);
  const lpe = new LearnedPositionalEncoding(64, { maxLen: 512 });
  assertNormal('LearnedPositionalEncoding.weight', lpe.weight, 0.02);
  for (const m of [linear, conv, lstm, gru, mha, emb, bn, ln, lpe] as Module[]) m.dispose();
});

test('default initialisation statistics agree with PyTorch\'s own layers', (t) => {
  const expected = runPyTorch<Record<string, Stats>>(`
torch.manual_seed(0)
nn = torch.nn
mods = {'linear': nn.Linear(300, 200), 'conv': nn.Conv1d(64, 128, 9, groups=2), 'lstm': nn.LSTM(32, 64),
        'gru': nn.GRU(16, 48), 'mha': nn.MultiheadAttention(64, 4)}
result = {}
for name, m in mods.items():
    for k, p in m.state_dict().items():
        p = p.double()
        result[name + '.' + k] = {'maxAbs': p.abs().max().item(), 'mean': p.mean().item(), 'std': p.std(unbiased=False).item(), 'n': p.numel()}
`);
  if (expected === null) return t.skip('python3-torch not installed');
  manualSeed(0);
  const ours: Record<string, Module> = {
    linear: new Linear(300, 200),
    conv: new Conv1d(64, 128, 9, { groups: 2 }),
    lstm: new LSTM(32, 64),
    gru: new GRU(16, 48),
    mha: new MultiheadAttention(64, 4),
  };
  const seen = new Set<string>();
  for (const [name, m] of Object.entries(ours)) {
    for (const [key, p] of Object.entries(m.stateDict())) {
      const e: Stats | undefined = expected[`${name}.${key}`];
      assert.ok(e !== undefined, `${name}.${key} exists in PyTorch`);
      seen.add(`${name}.${key}`);
      const s = stats(p);
      assert.equal(s.n, e.n);
      // Two samples of the same distribution: max |w| within 5% of each other, std within
      // 6 standard errors of a difference (both uniform: 0.26 * sqrt(2) * bound / sqrt(n)).
      const bound = Math.max(e.maxAbs, 1e-12);
      assert.ok(Math.abs(s.maxAbs - e.maxAbs) <= 0.05 * bound, `${name}.${key}: max |w| ${s.maxAbs} vs PyTorch ${e.maxAbs}`);
      assert.ok(Math.abs(s.std - e.std) <= (6 * 0.37 * bound) / Math.sqrt(s.n), `${name}.${key}: std ${s.std} vs PyTorch ${e.std}`);
    }
    m.dispose();
  }
  assert.equal(seen.size, Object.keys(expected).length);
});
