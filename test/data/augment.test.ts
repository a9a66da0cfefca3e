import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, tensor, tidy } from '../../src/core/index.js';
import {
  randomReverseComplement,
  randomShiftIntervals,
  randomShiftOneHot,
  type RandomSource,
} from '../../src/data/augment.js';
import { Random } from '../../src/data/random.js';
import { oneHot } from '../../src/genomics/one-hot.js';

/** A stand-in random source replaying fixed draws, recording the `int` bounds asked for. */
function scripted(nexts: number[], ints: number[]): RandomSource & { bounds: number[] } {
  const bounds: number[] = [];
  return {
    bounds,
    next: () => nexts.shift()!,
    int: (n: number) => {
      bounds.push(n);
      return ints.shift()!;
    },
  };
}

test('randomReverseComplement: sample n flips when its draw < p; flipped rows equal oneHot of the reverse-complement strings', () => {
  const seqs = ['AACG', 'TTGN', 'GATC'];
  tidy(() => {
    const x = oneHot(seqs);
    const out = randomReverseComplement(x, { random: scripted([0.1, 0.7, 0.49], []), probability: 0.5 });
    assert.deepEqual(out.flipped, [true, false, true]);
    // hand: AACG -> CGTT, GATC -> GATC
    assert.deepEqual(out.x.toArray(), oneHot(['CGTT', 'TTGN', 'GATC']).toArray());
    assert.deepEqual(x.toArray(), oneHot(seqs).toArray(), 'input untouched');
    assert.deepEqual(randomReverseComplement(x, { random: new Random(1), probability: 1 }).x.toArray(), oneHot(['CGTT', 'NCAA', 'GATC']).toArray());
    assert.deepEqual(randomReverseComplement(x, { random: new Random(1), probability: 0 }).flipped, [false, false, false]);
  });
});

test('randomReverseComplement is deterministic given the seed and flips about p of the samples', () => {
  tidy(() => {
    const x = oneHot(Array.from({ length: 400 }, () => 'ACGTTA'));
    const a = randomReverseComplement(x, { random: new Random(7), probability: 0.3 });
    const b = randomReverseComplement(x, { random: new Random(7), probability: 0.3 });
    assert.deepEqual(a.flipped, b.flipped);
    assert.deepEqual(a.x.toArray(), b.x.toArray());
    const share = a.flipped.filter(Boolean).length / 400;
    assert.ok(share > 0.22 && share < 0.38, `flipped share ${share}`);
  });
});

test('randomReverseComplement swaps strand-paired targets and reverses profiles of flipped samples', () => {
  tidy(() => {
    const x = oneHot(['AC', 'GT']);
    // tasks: 0 = plus strand, 1 = minus strand, 2 = unstranded
    const targets = tensor([[1, 2, 3], [4, 5, 6]]);
    const out = randomReverseComplement(x, { random: scripted([0, 0.9], []), targets, strandPairs: [[0, 1]] });
    assert.deepEqual(out.targets!.toArray(), [2, 1, 3, 4, 5, 6]);
    // profiles [N, T = 2, P = 3]: flipped sample reads the partner strand backwards
    const profiles = tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]);
    const p = randomReverseComplement(x, { random: scripted([0, 0.9], []), targets: profiles, strandPairs: [[0, 1]] });
    assert.deepEqual(p.targets!.toArray(), [6, 5, 4, 3, 2, 1, 7, 8, 9, 10, 11, 12]);
    const unpaired = randomReverseComplement(x, { random: scripted([0, 0], []), targets: profiles });
    assert.deepEqual(unpaired.targets!.toArray(), [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
    assert.throws(() => randomReverseComplement(x, { random: new Random(1), targets, strandPairs: [[0, 3]] }), /columns in \[0, 3\)/);
    assert.throws(() => randomReverseComplement(x, { random: new Random(1), strandPairs: [[0, 1]] }), /expected targets/);
    assert.throws(() => randomReverseComplement(x, { random: new Random(1), probability: 2 }), InputError);
    assert.throws(() => randomReverseComplement(oneHot(['AC']).toDType('float64'), { random: new Random(1) }), /float32 CPU tensor for x, got \[1, 4, 2\] float64/);
  });
});

test('randomShiftOneHot: out[i] = x[i + shift], N (0.25) shifted in; shift = int(2s + 1) - s', () => {
  tidy(() => {
    const x = oneHot(['ACGT', 'ACGT', 'ACGT']);
    const random = scripted([], [3, 0, 2]); // maxShift 2: shifts +1, -2, 0
    const out = randomShiftOneHot(x, { random, maxShift: 2 });
    assert.deepEqual(random.bounds, [5, 5, 5]);
    assert.deepEqual([...out.shifts], [1, -2, 0]);
    assert.deepEqual(out.x.toArray(), oneHot(['CGTN', 'NNAC', 'ACGT']).toArray());
    const zero = randomShiftOneHot(x, { random: scripted([], [0, 4, 2]), maxShift: 2, fill: 0 });
    assert.deepEqual(zero.x.toArray(), oneHot(['NNAC', 'GTNN', 'ACGT'], { unknown: 0 }).toArray());
  });
});

test('randomShiftOneHot with a seed: same shifts as a string-level shift of the sequences', () => {
  const random = new Random(13);
  const seqs = Array.from({ length: 20 }, () => Array.from({ length: 30 }, () => 'ACGT'[random.int(4)]).join(''));
  tidy(() => {
    const out = randomShiftOneHot(oneHot(seqs), { random: new Random(99), maxShift: 5 });
    const replay = new Random(99);
    const expected = seqs.map((s, n) => {
      const d = replay.int(11) - 5;
      assert.equal(out.shifts[n], d);
      return d >= 0 ? s.slice(d) + 'N'.repeat(d) : 'N'.repeat(-d) + s.slice(0, s.length + d);
    });
    assert.deepEqual(out.x.toArray(), oneHot(expected).toArray());
  });
});

test('randomShiftIntervals: uniform over shifts that keep the window on its chromosome', () => {
  const windows = [
    { chrom: 'chr1', start: 3, end: 98, name: 'w' }, // allowed d in [-3, 2]
    { chrom: 'chr1', start: 50, end: 60 }, // allowed d in [-5, 5]
  ];
  const low = scripted([], [0, 0]);
  const a = randomShiftIntervals(windows, { random: low, maxShift: 5, chromSizes: { chr1: 100 } });
  assert.deepEqual(low.bounds, [6, 11]);
  assert.deepEqual([...a.shifts], [-3, -5]);
  assert.deepEqual(a.intervals, [{ chrom: 'chr1', start: 0, end: 95, name: 'w' }, { chrom: 'chr1', start: 45, end: 55 }]);
  const high = randomShiftIntervals(windows, { random: scripted([], [5, 10]), maxShift: 5, chromSizes: { chr1: 100 } });
  assert.deepEqual([...high.shifts], [2, 5]);
  // without sizes only the chromosome start bounds the shift
  const open = scripted([], [8, 0]);
  assert.deepEqual([...randomShiftIntervals(windows, { random: open, maxShift: 5 }).shifts], [5, -5]);
  assert.deepEqual(open.bounds, [9, 11]);
  assert.throws(() => randomShiftIntervals(windows, { random: new Random(1), maxShift: 5, chromSizes: { chr2: 10 } }), /'chr1' is not in chromSizes/);
  const seeded = randomShiftIntervals(windows, { random: new Random(4), maxShift: 5 });
  assert.deepEqual(randomShiftIntervals(windows, { random: new Random(4), maxShift: 5 }), seeded);
});
