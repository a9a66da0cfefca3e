import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openGenome, type Genome } from '../../src/io/genome.js';
import { scoreVariantAlleles } from '../../src/interpret/variant-effect.js';
import { manualSeed } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { reverseComplement } from '../../src/genomics/reverse-complement.js';
import { predictSequences } from '../../src/interpret/predict.js';
import { usesPatchedForward } from '../../src/interpret/variant-forward.js';
import { createModel } from '../../src/models/registry.js';
import { describeModel } from '../../src/models/saved-model.js';
import { randomDna, writeGenome } from '../data/genomic-fixtures.js';
import { countingModel } from '../helpers/counting-model.js';

//                              0123456789abcd
const fixture = writeGenome([['chr1', 'ACGTACGTTGCAAC']]);
after(() => fixture.remove());

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const log2fc = (alt: number, ref: number) => Math.log2((alt + 1e-6) / (ref + 1e-6));

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(actual[i]), `[${i}] expected NaN, got ${actual[i]}`);
    else assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `[${i}] expected ${expected[i]}, got ${actual[i]}`);
  }
}

let genome: Genome;
test('set up', async () => {
  genome = await openGenome(fixture.path);
});
after(async () => genome.close());

test('binary model: SNV and deletion scores equal the hand-computed base counts', async () => {
  const saved = countingModel('binary');
  // SNV G>A at POS 7: ACGTT (A 1, G 1) -> ACATT (A 2, G 0); deletion GTT>G: CGTTG (A 0, G 2) -> ACGGC (A 1, G 2)
  const { outputs, scores, effects } = await scoreVariantAlleles(saved, genome, [
    { chrom: 'chr1', start: 6, ref: 'G', alt: 'A' },
    { chrom: 'chr1', start: 6, ref: 'GTT', alt: 'G' },
  ]);
  assert.deepEqual(outputs, ['A', 'G']);
  assert.deepEqual(scores, ['ref', 'alt', 'diff', 'abs_diff', 'log2fc', 'logit_diff']);
  const row = (ref: number, alt: number) => [ref, alt, alt - ref, Math.abs(alt - ref), log2fc(alt, ref), Math.log(alt / (1 - alt)) - Math.log(ref / (1 - ref))];
  close(effects[0]!.values!, [...row(sigmoid(0), sigmoid(1)), ...row(sigmoid(0), sigmoid(-1))]);
  close(effects[0]!.values!.subarray(5, 6), [1]); // logit difference of output A: one more A
  close(effects[1]!.values!, [...row(sigmoid(-1), sigmoid(0)), ...row(sigmoid(1), sigmoid(1))]);
  saved.model.dispose();
});

test('both strands: each prediction is the mean over the window and its reverse complement', async () => {
  const saved = countingModel('binary');
  // reverse complements: ACGTT -> AACGT (A 2, G 1), ACATT -> AATGT (A 2, G 1)
  const { effects } = await scoreVariantAlleles(saved, genome, [{ chrom: 'chr1', start: 6, ref: 'G', alt: 'A' }], { bothStrands: true, scores: ['ref', 'alt'] });
  close(effects[0]!.values!, [(sigmoid(0) + sigmoid(1)) / 2, sigmoid(1), (sigmoid(0) + sigmoid(0)) / 2, (sigmoid(-1) + sigmoid(0)) / 2]);
  saved.model.dispose();
});

test('regression and multiclass models: raw values and softmax probabilities', async () => {
  const regression = countingModel('regression');
  const r = await scoreVariantAlleles(regression, genome, [{ chrom: 'chr1', start: 6, ref: 'G', alt: 'A' }]);
  assert.deepEqual(r.scores, ['ref', 'alt', 'diff', 'abs_diff', 'log2fc']);
  // output A: 0 -> 1; output G: 0 -> -1 (log2 fold change undefined for a negative value)
  close(r.effects[0]!.values!, [0, 1, 1, 1, log2fc(1, 0), 0, -1, -1, 1, Number.NaN]);
  regression.model.dispose();
  const multiclass = countingModel('multiclass');
  const m = await scoreVariantAlleles(multiclass, genome, [{ chrom: 'chr1', start: 6, ref: 'G', alt: 'A' }], { scores: ['ref', 'alt', 'diff'] });
  const p = 1 / (1 + Math.exp(-2)); // softmax of (1, -1)
  close(m.effects[0]!.values!, [0.5, p, p - 0.5, 0.5, 1 - p, 0.5 - p]);
  await assert.rejects(scoreVariantAlleles(regression, genome, [], { scores: ['logit_diff'] }), /score 'logit_diff' is not available for a regression model/);
  multiclass.model.dispose();
});

test('problems stay in place across batches; alleles at one site share the REF window', async () => {
  const saved = countingModel('binary');
  const alleles = [
    { chrom: 'chr1', start: 6, ref: 'T', alt: 'A' }, // REF mismatch
    { chrom: 'chr1', start: 6, ref: 'G', alt: 'A' },
    { chrom: 'chr1', start: 6, ref: 'G', alt: 'C' },
    { chrom: 'chrX', start: 6, ref: 'G', alt: 'A' },
    { chrom: 'chr1', start: 6, ref: 'G', alt: '<DEL>' },
    { chrom: 'chr1', start: 0, ref: 'A', alt: 'G' },
    { chrom: 'chr1', start: 6, ref: 'GTT', alt: 'G' },
  ];
  const one = await scoreVariantAlleles(saved, genome, alleles, { batchSize: 2 });
  const all = await scoreVariantAlleles(saved, genome, alleles, { batchSize: 64 });
  assert.deepEqual(one.effects.map((e) => e.problem?.kind ?? 'scored'), ['ref-mismatch', 'scored', 'scored', 'missing-chromosome', 'symbolic', 'chromosome-end', 'scored']);
  assert.deepEqual(one.effects, all.effects);
  // G>C: ACGTT -> ACCTT: A unchanged, G 1 -> 0
  close(all.effects[2]!.values!.subarray(0, 3), [sigmoid(0), sigmoid(0), 0]);
  close(all.effects[2]!.values!.subarray(6, 9), [sigmoid(0), sigmoid(-1), sigmoid(-1) - sigmoid(0)]);
  saved.model.dispose();
});

test('outputs: a chosen subset in the chosen order; an unknown name is an error naming the outputs', async () => {
  const saved = countingModel('binary');
  const allele = [{ chrom: 'chr1', start: 6, ref: 'G', alt: 'A' }];
  const all = await scoreVariantAlleles(saved, genome, allele, { scores: ['diff'] });
  const picked = await scoreVariantAlleles(saved, genome, allele, { scores: ['diff'], outputs: ['G', 'A'] });
  assert.deepEqual(picked.outputs, ['G', 'A']);
  assert.deepEqual(Array.from(picked.effects[0]!.values!), Array.from(all.effects[0]!.values!).reverse());
  await assert.rejects(scoreVariantAlleles(saved, genome, allele, { outputs: ['CTCF'] }), /unknown output 'CTCF'; this model's outputs are A, G/);
  saved.model.dispose();
});

test('a Basset model (patched ALT windows for SNVs / MNVs): scores equal predictions of the windows written out, both strands', async () => {
  manualSeed(11);
  const random = new Random(5);
  const chrom = randomDna(random, 3000);
  const fixture2 = writeGenome([['c', chrom]]);
  const g = await openGenome(fixture2.path);
  const L = 200;
  const model = createModel('basset', { length: L, tasks: 3, convolutions: [[12, 9], [10, 5], [8, 3]] });
  const saved = { model, description: describeModel({ architecture: { name: 'basset', options: {} }, input: { kind: 'sequence', length: L }, task: { kind: 'binary', outputs: ['t0', 't1', 't2'] } }) };
  const alleles = [
    { start: 500, ref: chrom[500]!, alt: chrom[500] === 'A' ? 'C' : 'A' },
    { start: 500, ref: chrom[500]!, alt: chrom[500] === 'G' ? 'T' : 'G' }, // second ALT at the same site
    { start: 900, ref: chrom.slice(900, 903), alt: 'TTA' }, // MNV
    { start: 1200, ref: chrom.slice(1200, 1204), alt: chrom[1200]! }, // deletion
    { start: 1500, ref: chrom[1500]!, alt: `${chrom[1500]!}GGC` }, // insertion
    { start: 2000, ref: chrom.slice(2000, 2002), alt: 'CA' },
  ].map((a) => ({ chrom: 'c', ...a }));
  const windows = alleles.map(({ start, ref, alt }) => {
    const r0 = start - Math.ceil((L - ref.length) / 2);
    const left = Math.ceil((L - alt.length) / 2);
    return { ref: chrom.slice(r0, r0 + L), alt: chrom.slice(start - left, start) + alt + chrom.slice(start + ref.length, start + ref.length + L - alt.length - left) };
  });
  for (const bothStrands of [false, true]) {
    const { effects } = await scoreVariantAlleles(saved, g, alleles, { scores: ['ref', 'alt'], bothStrands, batchSize: 4 });
    const predict = (seqs: string[]) => {
      const forward = predictSequences(saved, seqs).values;
      if (!bothStrands) return forward;
      const reverse = predictSequences(saved, seqs.map(reverseComplement)).values;
      return forward.map((v, i) => (v + reverse[i]!) / 2);
    };
    const refs = predict(windows.map((w) => w.ref));
    const alts = predict(windows.map((w) => w.alt));
    effects.forEach((e, i) => {
      for (let t = 0; t < 3; t++) {
        assert.ok(Math.abs(e.values![t * 2]! - refs[i * 3 + t]!) < 1e-5, `allele ${i} task ${t} ref`);
        assert.ok(Math.abs(e.values![t * 2 + 1]! - alts[i * 3 + t]!) < 1e-5, `allele ${i} task ${t} alt (both strands: ${bothStrands})`);
      }
    });
  }
  assert.ok(usesPatchedForward(model), 'SNV / MNV ALT windows went through the patched forward');
  await g.close();
  model.dispose();
  fixture2.remove();
});
