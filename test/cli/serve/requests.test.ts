import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../../../src/cli/serve/http-error.js';
import { checkAlphabet, DEFAULT_LIMITS, parseVariantText, readExplainRequest, readPredictRequest, readVariantRequest } from '../../../src/cli/serve/requests.js';
import { lengthNote } from '../../../src/cli/serve/responses.js';

const status = (code: number, message: RegExp) => (e: unknown) => e instanceof HttpError && e.status === code && message.test(e.message);

test('variants: chrom:pos ref>alt, thousands separators, colon or slash forms, chromosome names with colons', () => {
  assert.deepEqual(parseVariantText(' chr1:12,345 a>g '), { chrom: 'chr1', pos: 12345, ref: 'A', alt: 'G' });
  assert.deepEqual(parseVariantText('chrX:10:AC:A'), { chrom: 'chrX', pos: 10, ref: 'AC', alt: 'A' });
  assert.deepEqual(parseVariantText('2:7 T/TA'), { chrom: '2', pos: 7, ref: 'T', alt: 'TA' });
  assert.deepEqual(parseVariantText('HLA-A*01:01:01:01:300 C>T'), { chrom: 'HLA-A*01:01:01:01', pos: 300, ref: 'C', alt: 'T' });
  assert.throws(() => parseVariantText('chr1:0 A>G'), status(400, /position >= 1/));
  assert.throws(() => parseVariantText('chr1-100-A-G'), status(400, /expected a variant as 'chrom:pos ref>alt'/));
  assert.deepEqual(readVariantRequest({ chrom: 'chr2', pos: 5, ref: 'g', alt: 'c', bothStrands: true }), { variant: { chrom: 'chr2', pos: 5, ref: 'G', alt: 'C' }, bothStrands: true, leftAlign: false });
  assert.throws(() => readVariantRequest({ variant: 'chr1:5 A>G', chrom: 'chr1' }), status(400, /not both/));
});

test('sequences: upper-cased, named, counted; the first bad character is named with its 1-based position', () => {
  assert.deepEqual(readPredictRequest({ sequences: [{ sequence: 'acgtn' }, { id: 'b', sequence: 'GG' }] }, DEFAULT_LIMITS), { ids: ['seq1', 'b'], sequences: ['ACGTN', 'GG'] });
  assert.deepEqual(readPredictRequest({ sequence: 'ac' }, DEFAULT_LIMITS), { ids: ['seq1'], sequences: ['AC'] });
  assert.deepEqual(readPredictRequest({ fasta: 'ac gt\nAA\n' }, DEFAULT_LIMITS), { ids: ['sequence1'], sequences: ['ACGTAA'] });
  assert.throws(() => checkAlphabet('ACG\tT', 'x'), status(400, /^x: invalid character "\\t" at position 4/));
  assert.throws(() => readPredictRequest({ sequences: [{ sequence: 'A' }, { sequence: 'A' }] }, { ...DEFAULT_LIMITS, maxSequences: 1 }), status(413, /2 in one request, the limit is 1/));
  assert.throws(() => readPredictRequest({ fasta: '>a\nA\n>b\nC\n' }, { ...DEFAULT_LIMITS, maxSequences: 1 }), status(413, /2 in one request/));
  const binary = { outputs: ['T1'], kind: 'binary' };
  const explain = readExplainRequest({ sequence: 'ACGT', method: 'ig', steps: 5 }, DEFAULT_LIMITS, binary);
  assert.deepEqual(explain, { ids: ['seq1'], sequences: ['ACGT'], method: 'ig', task: undefined, head: undefined, steps: 5, shuffles: 10 });
  assert.throws(() => readExplainRequest({ sequence: 'ACGT', steps: 0 }, DEFAULT_LIMITS, binary), /^.*steps: /);
  assert.throws(() => readExplainRequest({ sequence: 'ACGT', head: 'counts' }, DEFAULT_LIMITS, binary), status(400, /'head' is for profile models; this model's task is 'binary'/));
  const profile = readExplainRequest({ sequence: 'ACGT', head: 'profile' }, DEFAULT_LIMITS, { outputs: ['plus'], kind: 'profile' });
  assert.equal(profile.head, 'profile');
  assert.throws(() => readExplainRequest({ sequence: 'ACGT', head: 'shape' }, DEFAULT_LIMITS, { outputs: ['plus'], kind: 'profile' }), /head/);
});

test('length notes say how a sequence was fitted to the model', () => {
  assert.equal(lengthNote(200, 200), undefined);
  assert.equal(lengthNote(250, 200), "centre-cropped from 250 bp to the model's input length of 200 bp");
  assert.equal(lengthNote(1, 200), "padded with N from 1 bp to the model's input length of 200 bp");
});
