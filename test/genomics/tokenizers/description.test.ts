import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/core/errors.js';
import { ProteinTokenizer } from '../../../src/genomics/protein.js';
import { BpeTokenizer } from '../../../src/genomics/tokenizers/bpe.js';
import { tokenizerFromDescription } from '../../../src/genomics/tokenizers/description.js';
import { KmerTokenizer } from '../../../src/genomics/tokenizers/kmer.js';
import { NonOverlappingKmerTokenizer } from '../../../src/genomics/tokenizers/nonoverlapping-kmer.js';

test('descriptions: each kind rebuilds its class; optional fields take their defaults', () => {
  assert.ok(tokenizerFromDescription({ kind: 'kmer', k: 3 }) instanceof KmerTokenizer);
  assert.deepEqual(tokenizerFromDescription({ kind: 'kmer', k: 3 }).describe(), { kind: 'kmer', k: 3, stride: 1 });
  assert.deepEqual(tokenizerFromDescription({ kind: 'nonoverlapping-kmer' }).describe(), { kind: 'nonoverlapping-kmer', k: 6 });
  assert.ok(tokenizerFromDescription({ kind: 'nonoverlapping-kmer', k: 4 }) instanceof NonOverlappingKmerTokenizer);
  const protein = tokenizerFromDescription(new ProteinTokenizer().describe());
  assert.ok(protein instanceof ProteinTokenizer);
  assert.deepEqual(protein.offsets('MKV'), { starts: Int32Array.from([0, 1, 2]), ends: Int32Array.from([1, 2, 3]) });
  const bpe = new BpeTokenizer([['A', 'C'], ['AC', 'G']]);
  assert.deepEqual(bpe.describe(), {
    kind: 'bpe',
    vocabulary: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'A', 'C', 'G', 'T', 'AC', 'ACG'],
    merges: [['A', 'C'], ['AC', 'G']],
  });
  assert.deepEqual(tokenizerFromDescription(bpe.describe()).encode('ACGAC'), bpe.encode('ACGAC'));
});

test('bad descriptions are ConfigErrors naming the field', () => {
  const bpe = new BpeTokenizer([['A', 'C'], ['AC', 'G']]).describe();
  const cases: [unknown, RegExp][] = [
    [null, /^tokenizer: expected an object with a kind, got null$/],
    [{ k: 3 }, /^tokenizer\.kind: expected one of 'nucleotide', 'kmer', 'nonoverlapping-kmer', 'bpe', 'protein', got nothing$/],
    [{ kind: 'wordpiece' }, /^tokenizer\.kind: expected one of .*, got 'wordpiece'$/],
    [{ kind: 'kmer' }, /^tokenizer\.k: missing \(expected number\)$/],
    [{ kind: 'kmer', k: 9 }, /^tokenizer\.k: expected an integer in 1\.\.6, got 9$/],
    [{ kind: 'kmer', k: '3' }, /^tokenizer\.k: expected an integer in 1\.\.6, got '3'$/],
    [{ kind: 'kmer', k: 3, stride: 4 }, /^tokenizer\.stride: expected an integer in 1\.\.3 \(k\), got 4$/],
    [{ kind: 'kmer', k: 3, strde: 1 }, /^tokenizer\.strde: unknown field$/],
    [{ kind: 'nonoverlapping-kmer', k: 1 }, /^tokenizer\.k: expected an integer in 2\.\.6, got 1$/],
    [{ ...bpe, vocabulary: bpe.vocabulary.slice(0, 10) }, /^tokenizer\.vocabulary: expected 11 tokens \(9 \+ one per merge, 2\), got 10$/],
    [{ ...bpe, vocabulary: [...bpe.vocabulary.slice(0, 10), 'ACT'] }, /^tokenizer\.vocabulary\.10: expected 'ACG' \(merges\.1 joined\), got 'ACT'$/],
    [{ ...bpe, vocabulary: ['[PAD]', '[CLS]', ...bpe.vocabulary.slice(2)] }, /^tokenizer\.vocabulary\.1: expected '\[UNK\]', got '\[CLS\]'$/],
    [{ ...bpe, merges: [['A', 'C'], ['AG', 'G']] }, /^tokenizer\.merges\.1\.0: 'AG' is not A, C, G, T or a token of an earlier merge$/],
    [{ ...bpe, merges: [['A', 'C', 'G']] }, /^tokenizer\.merges\.0: expected a \[left, right\] pair of token strings, got \["A","C","G"\]$/],
    [{ ...bpe, merges: [['A', '']] }, /^tokenizer\.merges\.0\.1: expected a non-empty token string, got ''$/],
    [{ kind: 'bpe', vocabulary: bpe.vocabulary }, /^tokenizer\.merges: missing/],
  ];
  for (const [description, message] of cases) {
    assert.throws(
      () => tokenizerFromDescription(description),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
      `${JSON.stringify(description)} should fail with ${message}`,
    );
  }
  assert.throws(() => tokenizerFromDescription({ kind: 'kmer', k: 0 }, { file: 'model/tokenizer.json' }), /^ConfigError: model\/tokenizer\.json: k: expected an integer in 1\.\.6, got 0$/);
});
