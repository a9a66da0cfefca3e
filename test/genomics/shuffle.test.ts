import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/data/random.js';
import { dinucleotideShuffle } from '../../src/genomics/shuffle.js';

function dinucleotides(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
  return m;
}

test('dinucleotide shuffle keeps dinucleotide counts and both ends, changes the order, is seeded', () => {
  const random = new Random(3);
  const letters = 'ACGTN';
  for (let trial = 0; trial < 200; trial++) {
    const length = 3 + random.int(120);
    const s = Array.from({ length }, () => letters[random.int(trial % 2 ? 4 : 5)]).join('');
    const shuffled = dinucleotideShuffle(s, new Random(trial));
    assert.equal(shuffled.length, s.length);
    assert.equal(shuffled[0], s[0]);
    assert.equal(shuffled[s.length - 1], s[s.length - 1]);
    assert.deepEqual([...dinucleotides(shuffled)].sort(), [...dinucleotides(s)].sort(), s);
    assert.equal(dinucleotideShuffle(s, new Random(trial)), shuffled);
  }
  const long = 'ACGTTGCAAGCTTACGGATCCGATCGTAGCTAGCTAGGATCCATGCATGCAACGT';
  assert.notEqual(dinucleotideShuffle(long, new Random(1)), long);
  assert.equal(dinucleotideShuffle('AC', new Random(1)), 'AC');
});

test('every Eulerian arrangement is reachable: a small case hits all its distinct shuffles', () => {
  // ACAGA has edges A->C, C->A, A->G, G->A: the valid walks are ACAGA and AGACA.
  const seen = new Set<string>();
  for (let seed = 0; seed < 50; seed++) seen.add(dinucleotideShuffle('ACAGA', new Random(seed)));
  assert.deepEqual([...seen].sort(), ['ACAGA', 'AGACA']);
});
