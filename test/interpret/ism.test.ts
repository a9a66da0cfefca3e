import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, tidy, type Tensor } from '../../src/index.js';
import { oneHot } from '../../src/genomics/one-hot.js';
import { ism, windowDeletions } from '../../src/interpret/ism.js';
import { usesPatchedForward } from '../../src/interpret/patched-forward.js';
import type { ForwardModel } from '../../src/interpret/target.js';
import { createModel } from '../../src/models/registry.js';
import * as ops from '../../src/ops/index.js';
import { type Module, Conv1d, Flatten, Linear, MaxPool1d, ReLU, Sequential } from '../../src/nn/index.js';

test('ISM and window deletions equal brute-force single predictions', () => {
  manualSeed(2);
  const net = new Sequential(new Conv1d(4, 6, 5), new ReLU(), new MaxPool1d(2), new Flatten(), new Linear(6 * 7, 2)).toDType('float64').eval();
  const seqs = ['ACGTTGCAAGCTTACGGA', 'TTGCANGTACGATCGATC'];
  const x = oneHot(seqs).toDType('float64');
  const f = (s: string) => tidy(() => net.forward(oneHot([s]).toDType('float64')).select(1, 1).item());
  const d = tidy(() => ism(net, x, { target: 1, batchSize: 7 }).deltas.contiguous().toArray());
  const del = tidy(() => windowDeletions(net, x, { target: 1, batchSize: 5, window: 3 }).deltas.contiguous().toArray());
  seqs.forEach((s, i) => {
    const L = s.length;
    for (let j = 0; j < L; j++) {
      for (let b = 0; b < 4; b++) {
        const base = 'ACGT'[b]!;
        const expected = s[j] === base ? 0 : f(s.slice(0, j) + base + s.slice(j + 1)) - f(s);
        assert.ok(Math.abs(d[i * 4 * L + b * L + j]! - expected) < 1e-12, `${i} ${j} ${b}`);
      }
      const deleted = (s.slice(0, j) + s.slice(j + 3)).padEnd(L, 'N');
      assert.ok(Math.abs(del[i * L + j]! - (f(deleted) - f(s))) < 1e-12, `del ${i} ${j}`);
    }
  });
  assert.ok(usesPatchedForward(net), 'the substitutions went through the patched forward');
});

test('ISM of a Basset model through the patched forward equals the plain batched ISM', () => {
  manualSeed(6);
  const net = createModel('basset', { length: 300, tasks: 4, convolutions: [[16, 9], [12, 5], [8, 3]] }).eval() as ForwardModel & Module;
  const x = ops.oneHot(ops.randint(4, [2, 300]), { numClasses: 4 }).transpose(1, 2).toDType('float32').contiguous();
  const patched = tidy(() => ism(net, x, { target: 2, batchSize: 100 }).deltas.contiguous().data<Float32Array>());
  // an object that is not a Module cannot be patched: the plain path
  const plain = tidy(() => ism({ forward: (input: Tensor) => net.forward(input) }, x, { target: 2, batchSize: 100 }).deltas.contiguous().data<Float32Array>());
  assert.ok(usesPatchedForward(net));
  const scale = Math.max(...Array.from(plain, Math.abs));
  const gap = Math.max(...Array.from(patched, (v, i) => Math.abs(v - plain[i]!)));
  assert.ok(gap <= 1e-5 * Math.max(1, scale), `largest gap ${gap} (largest effect ${scale})`);
  net.dispose();
});
