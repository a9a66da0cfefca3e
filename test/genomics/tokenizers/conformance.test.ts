/**
 * One conformance suite for every DNA tokenizer: round trips, offsets that match the ids, N
 * handling, and the describe() / tokenizerFromDescription round trip (fast-check properties,
 * fixed seeds).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { trainBpe } from '../../../src/genomics/tokenizers/bpe-train.js';
import { tokenizerFromDescription } from '../../../src/genomics/tokenizers/description.js';
import { KmerTokenizer } from '../../../src/genomics/tokenizers/kmer.js';
import { NonOverlappingKmerTokenizer } from '../../../src/genomics/tokenizers/nonoverlapping-kmer.js';
import { NucleotideTokenizer } from '../../../src/genomics/tokenizers/nucleotide.js';
import { SPECIAL_TOKENS, type SequenceTokenizer } from '../../../src/genomics/tokenizers/tokens.js';

const bpe = trainBpe(['ACGTACGTTTGACCAGTACGATTTAAACGCGCGTATAGGACCANNACGTTAGCATGCA', 'AAAAAAAATTTTTTGGGGCCCCACACACGTGTG'], { vocabSize: 40, minFrequency: 1 }).tokenizer;

/** Tokenizers whose tokens tile the sequence (each base in exactly one token). */
const TILING: [string, SequenceTokenizer][] = [
  ['nucleotide', new NucleotideTokenizer()],
  ['non-overlapping 6-mers', new NonOverlappingKmerTokenizer()],
  ['non-overlapping 3-mers', new NonOverlappingKmerTokenizer({ k: 3 })],
  ['bpe', bpe],
];
const OVERLAPPING: [string, KmerTokenizer][] = [3, 4, 6].map((k) => [`overlapping ${k}-mers`, new KmerTokenizer({ k })]);

const acgt = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'ACGTacgt'), maxLength });
const withAmbiguous = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'ACGTacgtNNnRY'), maxLength });
const runs = { numRuns: 300, seed: 20261203 };

test('A/C/G/T: decode(encode(s)) is s in upper case, also framed with [CLS] / [SEP] and padding', () => {
  for (const [name, t] of TILING) {
    fc.assert(fc.property(acgt(80), (s) => {
      assert.equal(t.decode(t.encode(s)), s.toUpperCase(), name);
      assert.equal(t.decode(t.encode(s, { addSpecialTokens: true, length: s.length + 2 })), s.toUpperCase(), name);
    }), runs);
  }
  for (const [name, t] of OVERLAPPING) {
    fc.assert(fc.property(acgt(80), (s) => assert.equal(t.decode(t.encode(s)), s.length < t.k ? '' : s.toUpperCase(), name)), runs);
  }
});

test('tiling tokenizers: offsets are contiguous from 0 to L, one per id, and each span spells its token ([UNK]: one ambiguous base)', () => {
  for (const [name, t] of TILING) {
    const vocabulary = t.vocabulary();
    fc.assert(fc.property(withAmbiguous(80), (s) => {
      const ids = t.encode(s);
      const { starts, ends } = t.offsets(s);
      assert.equal(starts.length, ids.length, name);
      assert.equal(ends.length, ids.length, name);
      let at = 0;
      ids.forEach((id, i) => {
        assert.equal(starts[i], at, name);
        const span = s.slice(starts[i], ends[i]).toUpperCase();
        if (id === SPECIAL_TOKENS.unk) assert.match(span, /^[NRY]$/, name);
        else assert.equal(span, vocabulary[id], name);
        at = ends[i]!;
      });
      assert.equal(at, s.length, name);
      assert.equal(t.decode(ids), s.toUpperCase().replace(/[RY]/g, 'N'), name);
    }), runs);
  }
});

test('overlapping k-mers: token t covers [t, t + k); base i is covered by min(i + 1, k, L - i, L - k + 1) tokens', () => {
  for (const [name, t] of OVERLAPPING) {
    const { k } = t;
    fc.assert(fc.property(withAmbiguous(60), (s) => {
      const { starts, ends } = t.offsets(s);
      assert.equal(starts.length, t.encode(s).length, name);
      const cover = new Array<number>(s.length).fill(0);
      starts.forEach((start, i) => {
        assert.equal(start, i, name);
        assert.equal(ends[i], i + k, name);
        for (let b = start; b < ends[i]!; b++) cover[b]!++;
      });
      const L = s.length;
      cover.forEach((c, i) => assert.equal(c, L < k ? 0 : Math.min(i + 1, k, L - i, L - k + 1), `${name} base ${i}`));
    }), runs);
  }
});

test('describe() survives JSON and tokenizerFromDescription rebuilds a tokenizer with the same vocabulary and ids', () => {
  const all: SequenceTokenizer[] = [...TILING.map(([, t]) => t), ...OVERLAPPING.map(([, t]) => t), new KmerTokenizer({ k: 4, stride: 2 })];
  for (const t of all) {
    const again = tokenizerFromDescription(JSON.parse(JSON.stringify(t.describe())));
    assert.deepEqual(again.describe(), t.describe());
    assert.equal(again.vocabSize, t.vocabSize);
    assert.deepEqual(again.vocabulary(), t.vocabulary());
    fc.assert(fc.property(withAmbiguous(50), (s) => assert.deepEqual(again.encode(s), t.encode(s))), { ...runs, numRuns: 50 });
  }
});

test('every DNA tokenizer rejects a non-DNA character, naming it and its position', () => {
  for (const [, t] of [...TILING, ...OVERLAPPING]) {
    assert.throws(() => t.encode('ACGT-A'), /invalid DNA character '-' at position 5/);
    assert.throws(() => t.offsets('ACGT-A'), /invalid DNA character '-' at position 5/);
  }
});
