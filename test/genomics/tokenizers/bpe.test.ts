import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BpeTokenizer, type BpeMerge } from '../../../src/genomics/tokenizers/bpe.js';
import { trainBpe } from '../../../src/genomics/tokenizers/bpe-train.js';

test('hand-worked corpus: AC (4, ties CG 4 and wins on the smaller left id), then AC+G (4), then ACG+T (2); then every pair is single', () => {
  // Stretches ACGTACGT | ACG | ACG (the N splits ACGNACG) | GTT.
  // Counts: AC 4, CG 4, GT 3, TA 1, TT 1 -> A+C. Then (AC,G) 4, GT 3, (T,AC) 1, TT 1 -> AC+G.
  // Then (ACG,T) 2, (T,ACG) 1, GT 1, TT 1 -> ACG+T. Then (ACGT,ACGT) 1, GT 1, TT 1: below 2, stop.
  const { tokenizer, bases, tokens } = trainBpe(['ACGTACGT', 'ACGNACG', 'gtt'], { vocabSize: 20 });
  assert.deepEqual(tokenizer.merges, [['A', 'C'], ['AC', 'G'], ['ACG', 'T']]);
  assert.equal(tokenizer.vocabSize, 12);
  assert.deepEqual(tokenizer.vocabulary().slice(5), ['A', 'C', 'G', 'T', 'AC', 'ACG', 'ACGT']);
  assert.equal(bases, 17);
  assert.equal(tokens, 7); // ACGT ACGT | ACG | ACG | G T T
  assert.deepEqual([...tokenizer.encode('ACGTACGTNGTT')], [11, 11, 1, 7, 8, 8]);
  const { starts, ends } = tokenizer.offsets('ACGTACGTNGTT');
  assert.deepEqual([...starts], [0, 4, 8, 9, 10, 11]);
  assert.deepEqual([...ends], [4, 8, 9, 10, 11, 12]);
  assert.equal(tokenizer.decode(tokenizer.encode('ACGTACGTNGTT', { addSpecialTokens: true })), 'ACGTACGTNGTT');
  // vocabSize caps the merges
  assert.deepEqual(trainBpe(['ACGTACGT', 'ACGNACG', 'GTT'], { vocabSize: 10 }).tokenizer.merges, [['A', 'C']]);
});

test('a run is merged left to right; ties in count go to the smaller right id', () => {
  // AAAAA: AA x4 -> AA AA A. Then (AA,AA) 1 and (AA,A) 1 tie: A (5) < AA (9) -> AA+A. Then AA+AAA.
  const { tokenizer, tokens } = trainBpe(['AAAAA'], { vocabSize: 20, minFrequency: 1 });
  assert.deepEqual(tokenizer.merges, [['A', 'A'], ['AA', 'A'], ['AA', 'AAA']]);
  assert.equal(tokens, 1);
  assert.deepEqual(trainBpe(['AAAAA'], { vocabSize: 20 }).tokenizer.merges, [['A', 'A']]);
  assert.deepEqual([...new BpeTokenizer([['A', 'A']]).encode('AAAAA')], [9, 9, 5]);
  assert.deepEqual(trainBpe(['AAAAA'], { vocabSize: 20, minFrequency: 1, maxTokenLength: 3 }).tokenizer.merges, [['A', 'A'], ['AA', 'A']]);
});

test('merges never cross N: a corpus of A N A has no pair; training on s equals training on its N-free pieces', () => {
  assert.deepEqual(trainBpe(['ANA', 'ANA', 'anA'], { vocabSize: 20, minFrequency: 1 }).tokenizer.merges, []);
  const corpus = fc.array(fc.string({ unit: fc.constantFrom(...'ACGTACGTN'), maxLength: 60 }), { minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(corpus, (seqs) => {
      const whole = trainBpe(seqs, { vocabSize: 30, minFrequency: 1 }).tokenizer;
      const pieces = trainBpe(seqs.flatMap((s) => s.split(/N+/)), { vocabSize: 30, minFrequency: 1 }).tokenizer;
      assert.deepEqual(whole.merges, pieces.merges);
      for (const s of seqs) {
        const { starts, ends } = whole.offsets(s);
        starts.forEach((start, t) => assert.ok(!s.slice(start, ends[t]).includes('N') || ends[t]! - start === 1));
      }
    }),
    { numRuns: 200, seed: 11 },
  );
});

/** Plain BPE, written from the definition: recount every pair each round, merge left to right. */
function referenceTrain(seqs: readonly string[], vocabSize: number, minFrequency: number, maxTokenLength: number): BpeMerge[] {
  const vocabulary = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'A', 'C', 'G', 'T'];
  let words = seqs.flatMap((s) => s.toUpperCase().split(/[^ACGT]+/)).filter((w) => w !== '').map((w) => [...w]);
  const merges: BpeMerge[] = [];
  while (vocabulary.length < vocabSize) {
    const counts = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.length; i++) counts.set(`${w[i]} ${w[i + 1]}`, (counts.get(`${w[i]} ${w[i + 1]}`) ?? 0) + 1);
    let best: { left: string; right: string; count: number } | undefined;
    for (const [pair, count] of counts) {
      const [left, right] = pair.split(' ') as [string, string];
      if (vocabulary.includes(left + right) || (left + right).length > maxTokenLength) continue;
      const better =
        best === undefined ||
        count > best.count ||
        (count === best.count && (vocabulary.indexOf(left) < vocabulary.indexOf(best.left) || (left === best.left && vocabulary.indexOf(right) < vocabulary.indexOf(best.right))));
      if (better) best = { left, right, count };
    }
    if (best === undefined || best.count < minFrequency) break;
    merges.push([best.left, best.right]);
    vocabulary.push(best.left + best.right);
    words = words.map((w) => referenceApply(w, best!.left, best!.right));
  }
  return merges;
}

function referenceApply(word: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) {
    if (word[i] === left && word[i + 1] === right) out.push(word[i++]! + right);
    else out.push(word[i]!);
  }
  return out;
}

test('training and encoding agree with plain BPE written from the definition (random corpora)', () => {
  const base = fc.constantFrom(...'AAAACCGTTN');
  const corpus = fc.array(fc.string({ unit: base, maxLength: 40 }), { minLength: 1, maxLength: 4 });
  const setting = fc.record({ vocabSize: fc.integer({ min: 9, max: 40 }), minFrequency: fc.integer({ min: 1, max: 3 }), maxTokenLength: fc.integer({ min: 2, max: 8 }) });
  fc.assert(
    fc.property(corpus, setting, fc.string({ unit: base, maxLength: 60 }), (seqs, o, probe) => {
      const trained = trainBpe(seqs, o);
      assert.deepEqual(trained.tokenizer.merges, referenceTrain(seqs, o.vocabSize, o.minFrequency, o.maxTokenLength));
      const vocabulary = trained.tokenizer.vocabulary();
      const expected = probe.split(/(N)/).flatMap((w) => (w === 'N' ? ['[UNK]'] : trained.tokenizer.merges.reduce((ws, [l, r]) => referenceApply(ws, l, r), [...w])));
      assert.deepEqual([...trained.tokenizer.encode(probe)].map((id) => vocabulary[id]), expected);
      const encodedTokens = seqs.reduce((n, s) => n + [...trained.tokenizer.encode(s)].filter((id) => id !== 1).length, 0);
      assert.equal(trained.tokens, encodedTokens);
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('bad merges and training options are InputErrors naming what is wrong', () => {
  assert.throws(() => new BpeTokenizer([['A', 'CG']]), /merges\.0\.1: 'CG' is not A, C, G, T or a token of an earlier merge/);
  assert.throws(() => new BpeTokenizer([['A', 'C'], ['G', 'T'], ['AC', 'GT'], ['A', 'C']]), /merges\.3: 'A' \+ 'C' makes 'AC', which an earlier merge or base already is/);
  assert.throws(() => trainBpe(['ACGT'], { vocabSize: 8 }), /vocabSize to be an integer in 9\.\.1048576, got 8/);
  assert.throws(() => trainBpe(['ACGT'], { vocabSize: 20, maxTokenLength: 1 }), /maxTokenLength to be an integer >= 2, got 1/);
  assert.throws(() => trainBpe(['ACGT'], { vocabSize: 20, minFrequency: 0 }), /minFrequency to be a positive integer, got 0/);
  assert.throws(() => trainBpe(['ACGT', 'AC-T'], { vocabSize: 20 }), /sequence 2: invalid DNA character '-' at position 3/);
});
