/** Module: names, state dicts, loading, freezing, modes, dtype, disposal. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, noGrad, tensor, tidy, type Tensor } from '../../src/core/index.js';
import * as ops from '../../src/ops/index.js';
import {
  BatchNorm1d,
  Conv1d,
  Dropout,
  Embedding,
  Flatten,
  GRU,
  LayerNorm,
  Linear,
  LSTM,
  Module,
  MultiheadAttention,
  ReLU,
  Residual,
  Sequential,
  SinusoidalPositionalEncoding,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '../../src/nn/index.js';
import { runPyTorch } from '../helpers/pytorch.js';

const smallNet = (): Sequential => new Sequential(new Conv1d(4, 8, 3), new BatchNorm1d(8), new ReLU(), new Flatten(), new Linear(8, 2));

function keysAndShapes(m: Module): [string, number[]][] {
  return Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape]);
}

test('state dict keys, order and shapes are PyTorch\'s', (t) => {
  const ours: Record<string, Module> = {
    bn: new BatchNorm1d(4),
    lstm: new LSTM(3, 5, { numLayers: 2, bidirectional: true }),
    gru: new GRU(3, 5, { numLayers: 2, bidirectional: true, bias: false }),
    mha: new MultiheadAttention(8, 2),
    enc: new TransformerEncoder(() => new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, { norm: new LayerNorm(8) }),
    seq: smallNet(),
    emb: new Embedding(10, 3),
    ln: new LayerNorm([3, 4]),
    conv: new Conv1d(6, 4, 5, { groups: 2, bias: false }),
  };
  const expected = runPyTorch<Record<string, { keys: [string, number[]][]; count: number }>>(`
nn = torch.nn
mods = {
  'bn': nn.BatchNorm1d(4),
  'lstm': nn.LSTM(3, 5, num_layers=2, bidirectional=True),
  'gru': nn.GRU(3, 5, num_layers=2, bidirectional=True, bias=False),
  'mha': nn.MultiheadAttention(8, 2),
  'enc': nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16), 2, norm=nn.LayerNorm(8), enable_nested_tensor=False),
  'seq': nn.Sequential(nn.Conv1d(4, 8, 3), nn.BatchNorm1d(8), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2)),
  'emb': nn.Embedding(10, 3),
  'ln': nn.LayerNorm([3, 4]),
  'conv': nn.Conv1d(6, 4, 5, groups=2, bias=False),
}
result = {k: {'keys': [[n, list(v.shape)] for n, v in m.state_dict().items()],
              'count': sum(p.numel() for p in m.parameters())} for k, m in mods.items()}
`);
  if (expected === null) return t.skip('python3-torch not installed');
  for (const [name, m] of Object.entries(ours)) {
    assert.deepEqual(keysAndShapes(m), expected[name]!.keys, name);
    assert.equal(m.numParameters(), expected[name]!.count, `${name} parameter count`);
    m.dispose();
  }
});

test('named parameters, buffers and modules use dotted paths', () => {
  const net = new Sequential(new Residual(new Conv1d(2, 2, 3, { padding: 1 }), { projection: new Conv1d(2, 2, 1) }), new BatchNorm1d(2));
  assert.deepEqual([...net.namedParameters().keys()], [
    '0.inner.weight', '0.inner.bias', '0.projection.weight', '0.projection.bias', '1.weight', '1.bias',
  ]);
  assert.deepEqual([...net.namedBuffers().keys()], ['1.running_mean', '1.running_var', '1.num_batches_tracked']);
  assert.deepEqual([...net.namedModules().keys()], ['', '0', '0.inner', '0.projection', '1']);
  assert.deepEqual([...net.namedChildren().keys()], ['0', '1']);
  assert.equal(net.children().length, 2);
  assert.equal(net.parameters().length, 6);
  net.dispose();
});

test('non-persistent buffers are converted but not saved', () => {
  const pe = new SinusoidalPositionalEncoding(4, { maxLen: 8 });
  assert.deepEqual([...pe.namedBuffers().keys()], ['pe']);
  assert.deepEqual(Object.keys(pe.stateDict()), []);
  pe.toDType('float64');
  assert.equal(pe.getBuffer('pe').dtype, 'float64');
  pe.dispose();
});

test('a shared parameter is listed once', () => {
  const shared = new Linear(3, 3);
  const net = new Sequential(shared, new ReLU(), shared);
  assert.deepEqual([...net.namedParameters().keys()], ['0.weight', '0.bias']);
  assert.equal(net.numParameters(), 12);
  net.dispose();
});

test('parameters made inside tidy() survive it and require grad; buffers do not', () => {
  const bn = tidy(() => new BatchNorm1d(3));
  const lin = tidy(() => new Linear(2, 2));
  for (const p of [...bn.parameters(), ...lin.parameters()]) {
    assert.ok(!p.isDisposed);
    assert.ok(p.requiresGrad);
    assert.ok(p.isLeaf);
  }
  for (const b of bn.namedBuffers().values()) {
    assert.ok(!b.isDisposed);
    assert.equal(b.requiresGrad, false);
  }
  bn.dispose();
  lin.dispose();
});

test('loadStateDict rejects a missing key, an unexpected key and a wrong shape, naming the key', () => {
  const net = smallNet();
  const state = smallNet().stateDict();
  const { '4.bias': dropped, ...missing } = state;
  assert.ok(dropped !== undefined);
  assert.throws(() => net.loadStateDict(missing), (e: unknown) => e instanceof InputError && /missing key '4\.bias'/.test(e.message));
  const extra = { ...state, 'head.weight': ops.zeros([1]) };
  assert.throws(() => net.loadStateDict(extra), (e: unknown) => e instanceof InputError && /unexpected key 'head\.weight'/.test(e.message));
  const wrong = { ...state, '0.weight': ops.zeros([8, 4, 5]) };
  assert.throws(
    () => net.loadStateDict(wrong),
    (e: unknown) => e instanceof InputError && e.message.includes("shape mismatch for '0.weight': expected [8, 4, 3], got [8, 4, 5]"),
  );
  // Nothing was copied by the failed loads.
  const conv = net.at(0) as Conv1d;
  assert.notDeepEqual(conv.weight.toArray(), state['0.weight']!.toArray());
  // Non-strict loading reports instead of throwing, and still rejects shapes.
  const result = net.loadStateDict(extra, { strict: false });
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: ['head.weight'] });
  assert.deepEqual(conv.weight.toArray(), state['0.weight']!.toArray());
  assert.deepEqual(net.loadStateDict(missing, { strict: false }), { missingKeys: ['4.bias'], unexpectedKeys: [] });
  assert.throws(() => net.loadStateDict(wrong, { strict: false }), InputError);
  net.dispose();
});

test('loadStateDict copies in place, converting dtype, without autograd history', () => {
  const lin = new Linear(2, 1);
  const weight = lin.weight;
  lin.loadStateDict({ weight: tensor([[1.5, -2]], undefined, 'float64'), bias: tensor([0.25]) });
  assert.equal(lin.weight, weight, 'same tensor object');
  assert.equal(weight.dtype, 'float32');
  assert.ok(weight.isLeaf && weight.requiresGrad);
  assert.deepEqual(weight.toArray(), [1.5, -2]);
  // y = 1.5 * 2 - 2 * 3 + 0.25
  assert.deepEqual(lin.forward(tensor([[2, 3]])).toArray(), [-2.75]);
  lin.dispose();
});

test('freeze and unfreeze by name prefix', () => {
  const net = smallNet();
  const trainable = (): string[] => [...net.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k);
  assert.equal(net.freeze(['0.', '1.']), net);
  assert.deepEqual(trainable(), ['4.weight', '4.bias']);
  assert.equal(net.numParameters({ trainableOnly: true }), 8 * 2 + 2);
  assert.equal(net.numParameters(), 8 * 4 * 3 + 8 + 8 + 8 + 8 * 2 + 2);
  net.unfreeze(['1.']);
  assert.deepEqual(trainable(), ['1.weight', '1.bias', '4.weight', '4.bias']);
  net.freeze();
  assert.deepEqual(trainable(), []);
  net.unfreeze();
  assert.equal(trainable().length, 6);
  assert.throws(() => net.freeze(['conv']), (e: unknown) => e instanceof InputError && e.message.includes("'conv'"));
  // A frozen parameter gets no gradient.
  net.freeze(['0.']);
  tidy(() => net.forward(ops.randn([3, 4, 3])).sum().backward());
  const conv = net.at(0) as Conv1d;
  assert.equal(conv.weight.grad, null);
  const head = net.at(4) as Linear;
  const g = head.weight.grad;
  assert.ok(g !== null);
  g.dispose();
  net.dispose();
});

test('train and eval switch dropout and batch norm', () => {
  const net = new Sequential(new Dropout(0.5), new BatchNorm1d(3));
  const x = ops.randn([4, 3]).add(5);
  net.eval();
  // eval: no dropout; batch norm with running mean 0 and variance 1 is x / sqrt(1 + eps).
  const y = noGrad(() => net.forward(x));
  const expected = x.toArray().map((v) => v / Math.sqrt(1 + 1e-5));
  y.toArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-5));
  const bn = net.at(1) as BatchNorm1d;
  assert.equal(bn.getBuffer('num_batches_tracked').item(), 0);
  net.train();
  noGrad(() => net.forward(x));
  assert.equal(bn.getBuffer('num_batches_tracked').item(), 1);
  net.dispose();
});

test('toDType replaces the tensors and the module keeps working', () => {
  const lin = new Linear(3, 2);
  const old = lin.weight;
  lin.toDType('float32');
  assert.equal(lin.weight, old, 'no conversion, same tensor');
  lin.toDType('float64');
  assert.ok(old.isDisposed);
  assert.equal(lin.weight.dtype, 'float64');
  assert.ok(lin.weight.requiresGrad && lin.weight.isLeaf);
  assert.throws(() => lin.toDType('int64'), InputError);
  const y = lin.forward(ops.randn([4, 3], { dtype: 'float64' }));
  assert.equal(y.dtype, 'float64');
  const converted = lin.weight;
  lin.toDevice('cpu');
  assert.equal(lin.weight, converted, 'already on the cpu, same tensor');
  lin.dispose();
});

test('a tensor shared by two modules stays shared through toDType', () => {
  // Weight tying: one tensor registered under two modules.
  class TiedShare extends Module {
    constructor(shared: Tensor) {
      super();
      this.registerModule('a', new Holder(shared));
      this.registerModule('b', new Holder(shared));
    }
  }
  class Holder extends Module {
    constructor(t: Tensor) {
      super();
      this.registerParameter('w', t);
    }
  }
  const tied = new TiedShare(ops.randn([2, 2]));
  assert.deepEqual([...tied.namedParameters().keys()], ['a.w']);
  tied.toDType('float64');
  const a = tied.namedChildren().get('a')!.getParameter('w');
  const b = tied.namedChildren().get('b')!.getParameter('w');
  assert.equal(a, b);
  assert.equal(a.dtype, 'float64');
  assert.ok(!a.isDisposed);
  tied.dispose();
});

test('dispose frees every parameter and buffer', () => {
  const net = smallNet();
  const tensors: Tensor[] = [...net.parameters(), ...net.namedBuffers().values()];
  net.dispose();
  assert.ok(tensors.every((t) => t.isDisposed));
});

test('registration rejects duplicate and dotted names; lookups name what is missing', () => {
  class Empty extends Module {}
  const m = new Empty();
  m.registerParameter('w', ops.zeros([2]));
  assert.throws(() => m.registerParameter('w', ops.zeros([2])), InputError);
  assert.throws(() => m.registerBuffer('a.b', ops.zeros([2])), InputError);
  assert.throws(() => m.getParameter('v'), /'v'/);
  assert.equal(m.findParameter('v'), null);
  assert.throws(() => m.registerParameter('x', ops.zeros([2], { dtype: 'float32' }).requiresGrad_().mul(2)), /leaf/);
  m.dispose();
});

test('layers reject bad constructor arguments and inputs with InputError', () => {
  assert.throws(() => new Conv1d(3, 4, 3, { padding: 'same', stride: 2 }), InputError);
  assert.throws(() => new Conv1d(3, 4, 3, { groups: 2 }), InputError);
  assert.throws(() => new MultiheadAttention(6, 4), InputError);
  assert.throws(() => new Dropout(1.5), InputError);
  assert.throws(() => new Embedding(4, 2, { paddingIdx: 4 }), InputError);
  const conv = new Conv1d(4, 2, 3);
  assert.throws(() => conv.forward(ops.zeros([2, 3, 10])), (e: unknown) => e instanceof InputError && e.message.includes('[N, 4, L]') && e.message.includes('[2, 3, 10]'));
  const lstm = new LSTM(3, 2, { batchFirst: true });
  assert.throws(() => lstm.forward(ops.zeros([2, 5, 4])), /\[N, L, 3\]/);
  assert.throws(() => lstm.forward(ops.zeros([2, 5, 3]), { h: ops.zeros([1, 3, 2]), c: ops.zeros([1, 2, 2]) }), /initial state h/);
  const bn = new BatchNorm1d(3);
  assert.throws(() => bn.forward(ops.zeros([1, 3])), /more than 1 value per channel/);
  const emb = new Embedding(4, 2);
  assert.throws(() => emb.forward(ops.zeros([3])), /int64 or int32/);
  for (const m of [conv, lstm, bn, emb]) m.dispose();
});
