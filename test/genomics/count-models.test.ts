import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { Random } from '../../src/data/random.js';
import {
  compareCountModels,
  crossEntropy,
  encodeBaseCodes,
  MarkovModel,
  softMaskClasses,
  SymmetricContextModel,
  variantLlr,
  type CountModel,
} from '../../src/genomics/count-models/index.js';
import { reverseComplement } from '../../src/genomics/reverse-complement.js';
import { assertClose } from '../helpers/assert-close.js';

function randomDna(random: Random, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += 'ACGT'[random.int(4)];
  return s;
}

test('Markov k = 0: bits per base are the KT-smoothed entropy of the base counts, by hand', () => {
  // A x3, C, G, T once each (lower case counts as upper, N is skipped): KT P(A) = 3.5/8, others 1.5/8
  const seq = 'AAcgNta';
  const m = new MarkovModel(0).fit(seq);
  assert.equal(m.fittedPositions, 6);
  assert.deepEqual([...m.counts], [3, 1, 1, 1]);
  const r = crossEntropy(m, [seq]);
  const expected = -(3 * Math.log2(3.5 / 8) + 3 * Math.log2(1.5 / 8)) / 6;
  assert.ok(Math.abs(r.bitsPerBase - expected) < 1e-12, `${r.bitsPerBase} vs ${expected}`);
  assert.deepEqual([r.scored, r.skippedInvalidBase, r.skippedIncompleteContext], [6, 1, 0]);
  assertClose(m.baseDistribution('ACGT', 2)!, [3.5 / 8, 1.5 / 8, 1.5 / 8, 1.5 / 8], { atol: 1e-12 });
});

test('Markov: positions without k valid preceding bases are skipped and counted apart from invalid bases', () => {
  const m = new MarkovModel(2).fit('ACGTACGT');
  // positions 0, 1 have no 2 preceding bases; 2 is N; 3 (C N) and 4 (N G) have an N in the context
  const r = crossEntropy(m, ['ACNGTAC']);
  assert.deepEqual([r.scored, r.skippedInvalidBase, r.skippedIncompleteContext], [2, 1, 4]);
  assert.equal(m.baseDistribution('ACNGTAC', 3), null);
  assert.equal(m.fittedPositions, 6);
  assert.throws(() => new MarkovModel(11), InputError);
  assert.throws(() => new SymmetricContextModel(0), InputError);
});

test('Markov k = 1 on a two-state chain approaches the true conditional entropy; k = 0 does not', () => {
  // A <-> T chain: stay with probability 0.9. Conditional entropy h(0.9) = 0.469 bits; the
  // stationary distribution is 1/2, 1/2, so order 0 costs 1 bit.
  const random = new Random(7);
  const bases: string[] = ['A'];
  for (let i = 1; i < 300_000; i++) bases.push(random.next() < 0.9 ? bases[i - 1]! : bases[i - 1] === 'A' ? 'T' : 'A');
  const seq = bases.join('');
  const train = seq.slice(0, 200_000);
  const heldOut = seq.slice(200_000);
  const h = -(0.9 * Math.log2(0.9) + 0.1 * Math.log2(0.1));
  const order1 = crossEntropy(new MarkovModel(1).fit(train), [heldOut]).bitsPerBase;
  const order0 = crossEntropy(new MarkovModel(0).fit(train), [heldOut]).bitsPerBase;
  assert.ok(Math.abs(order1 - h) < 0.01, `order 1: ${order1} vs h = ${h}`);
  assert.ok(Math.abs(order0 - 1) < 0.01, `order 0: ${order0}`);
});

test('symmetric k = 1: counts by hand, and the base given both sides', () => {
  // ACGTA: contexts (A,G) -> C, (C,T) -> G, (G,A) -> T
  const m = new SymmetricContextModel(1).fit('ACGTA');
  assert.equal(m.fittedPositions, 3);
  const ag = (0 * 4 + 2) * 4;
  assert.deepEqual([...m.counts.slice(ag, ag + 4)], [0, 1, 0, 0]);
  assertClose(m.baseDistribution('TAAGC', 2)!, [0.5 / 3, 1.5 / 3, 0.5 / 3, 0.5 / 3], { atol: 1e-12 });
  assert.equal(m.baseDistribution('TAAGC', 0), null);
  assert.equal(m.baseDistribution('TANGC', 3), null);
  // '-' strand: the reverse complement of TAAGC is GCTTA; its position 2 has context (C, T),
  // seen once before G; G there is C on the forward strand
  assertClose(m.baseDistribution('TAAGC', 2, '-')!, [0.5 / 3, 1.5 / 3, 0.5 / 3, 0.5 / 3], { atol: 1e-12 });
  // GTACA: (T, C) unseen, uniform; its reverse complement TGTAC reads (G, A) before T, seen once:
  // T there is A on the forward strand
  assertClose(m.baseDistribution('GTACA', 2)!, [0.25, 0.25, 0.25, 0.25], { atol: 1e-12 });
  assertClose(m.baseDistribution('GTACA', 2, '-')!, [1.5 / 3, 0.5 / 3, 0.5 / 3, 0.5 / 3], { atol: 1e-12 });
  // both strands: mean of ln(0.25 / 0.25) = 0 and ln((1.5/3) / (0.5/3)) for A over C
  assert.ok(Math.abs(variantLlr(m, 'GTACA', 2, 'C', { bothStrands: true })! - -Math.log(3) / 2) < 1e-12);
});

test('symmetric beats Markov with as many context bases on a sequence with a planted motif', () => {
  // Random background with GATTACAGCCTA planted every 8..27 bases. Markov cannot see a
  // motif coming; the symmetric model reads its first bases from the right-hand side.
  const random = new Random(11);
  const motif = 'GATTACAGCCTA';
  const make = (length: number): string => {
    let s = '';
    while (s.length < length) s += randomDna(random, 8 + random.int(20)) + motif;
    return s;
  };
  const train = make(400_000);
  const heldOut = make(100_000);
  const bits = (model: CountModel): number => crossEntropy(model.fit(train), [heldOut]).bitsPerBase;
  const markov = [0, 1, 2, 3, 4, 5, 6].map((k) => bits(new MarkovModel(k)));
  for (const k of [2, 3]) {
    const symmetric = bits(new SymmetricContextModel(k));
    assert.ok(symmetric < markov[2 * k]! - 0.05, `k = ${k}: symmetric ${symmetric} vs markov-${2 * k} ${markov[2 * k]}`);
  }
  // measured: symmetric-3 1.27 bits, the best Markov order (5) 1.40
  assert.ok(bits(new SymmetricContextModel(3)) < Math.min(...markov) - 0.1);
});

test('baseDistribution sums to 1 on both strands; ref -> ref scores 0; strands agree with a reverse-complemented read', () => {
  const random = new Random(3);
  const train = randomDna(random, 20_000);
  const seq = `${randomDna(random, 40)}N${randomDna(random, 40)}`.toLowerCase();
  const rc = reverseComplement(seq);
  const n = seq.length;
  const models: CountModel[] = [
    ...[0, 1, 3, 6].map((k) => new MarkovModel(k).fit(train)),
    ...[1, 2, 3].map((k) => new SymmetricContextModel(k).fit(train)),
  ];
  for (const model of models) {
    for (const i of [0, 5, 20, 39, 42, 60, 78, 80]) {
      for (const strand of ['+', '-'] as const) {
        const p = model.baseDistribution(seq, i, strand);
        if (p === null) continue;
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12, `${model.name} at ${i} on ${strand}`);
      }
      const minus = model.baseDistribution(seq, i, '-');
      const mirrored = model.baseDistribution(rc, n - 1 - i);
      if (minus === null || mirrored === null) assert.equal(minus, mirrored);
      else assertClose(minus, [...mirrored].reverse(), { atol: 1e-12, message: `${model.name} at ${i}` });
      if (i === 40) continue; // the N
      const ref = seq[i]!;
      const llr = variantLlr(model, seq, i, ref.toUpperCase(), { bothStrands: true });
      if (llr !== null) assert.equal(llr, 0);
    }
  }
  assert.throws(() => variantLlr(new MarkovModel(0), seq, 40, 'A'), /reference base/);
  assert.throws(() => variantLlr(new MarkovModel(0), seq, 3, 'N'), /alternative base/);
});

test('Markov LLR at a masked position equals the log-likelihood ratio of the whole ALT and REF sequences', () => {
  const random = new Random(5);
  const model = new MarkovModel(3).fit(randomDna(random, 5_000));
  const seq = randomDna(random, 60);
  const logLikelihood = (s: string): number => {
    const bits = model.positionBits(encodeBaseCodes(s));
    let sum = 0;
    for (const b of bits) if (!Number.isNaN(b)) sum -= b * Math.LN2;
    return sum;
  };
  for (const i of [3, 10, 30, 57, 59]) {
    for (const alt of 'ACGT') {
      const altSeq = seq.slice(0, i) + alt + seq.slice(i + 1);
      const expected = logLikelihood(altSeq) - logLikelihood(seq);
      const llr = variantLlr(model, seq, i, alt)!;
      assert.ok(Math.abs(llr - expected) < 1e-9, `position ${i} ${alt}: ${llr} vs ${expected}`);
    }
  }
});

test('bits per base by class (soft-masked repeats vs the rest) average to the overall figure', () => {
  const random = new Random(9);
  const model = new MarkovModel(2).fit(randomDna(random, 10_000));
  const seq = `${randomDna(random, 300)}${'ca'.repeat(100)}${randomDna(random, 300)}`;
  const r = crossEntropy(model, [seq], { classes: [softMaskClasses(seq)] });
  assert.deepEqual(r.byClass.map((c) => [c.classId, c.scored]), [[0, 598], [1, 200]]);
  const mean = (r.byClass[0]!.bitsPerBase * 598 + r.byClass[1]!.bitsPerBase * 200) / 798;
  assert.ok(Math.abs(mean - r.bitsPerBase) < 1e-12);
  assert.throws(() => crossEntropy(model, [seq], { classes: [new Uint8Array(3)] }), /expected 800 classes/);
});

test('compareCountModels scores every order on held-out data and picks the lowest', () => {
  const random = new Random(13);
  const bases: string[] = [];
  for (let i = 0; i < 60_000; i++) bases.push(i >= 2 && random.next() < 0.8 ? bases[i - 2]! : 'ACGT'[random.int(4)]!);
  const seq = bases.join('');
  const r = compareCountModels([seq.slice(0, 50_000)], [seq.slice(50_000)], { markovOrders: [0, 1, 2, 3], symmetricOrders: [1, 2] });
  assert.deepEqual(r.results.map((m) => m.name), ['markov-0', 'markov-1', 'markov-2', 'markov-3', 'symmetric-1', 'symmetric-2']);
  assert.equal(r.best.bitsPerBase, Math.min(...r.results.map((m) => m.bitsPerBase)));
  assert.equal(r.bestMasked.maskedBitsPerBase, Math.min(...r.results.map((m) => m.maskedBitsPerBase)));
  // x_i copies x_{i-2} with probability 0.8: order 2 captures it, order 0 and 1 cannot
  const byName = new Map(r.results.map((m) => [m.name, m]));
  assert.ok(byName.get('markov-2')!.bitsPerBase < byName.get('markov-1')!.bitsPerBase - 0.5);
  assert.equal(byName.get('markov-3')!.skippedIncompleteContext, 3);
});
