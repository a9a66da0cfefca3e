import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openGenome, type Genome } from '../../src/io/genome.js';
import { variantAttributions } from '../../src/interpret/variant-attributions.js';
import { jensenShannon, scoreVariantAlleles } from '../../src/interpret/variant-effect.js';
import { inferenceMode, manualSeed, tidy, type Tensor } from '../../src/core/index.js';
import { oneHot } from '../../src/genomics/one-hot.js';
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

test('Jensen-Shannon divergence: 0 for equal profiles, 1 bit for disjoint ones, a hand value between', () => {
  assert.equal(jensenShannon([1, 2, 3], [1, 2, 3]), 0);
  assert.ok(Math.abs(jensenShannon([0, -1000], [-1000, 0]) - 1) < 1e-12);
  // softmax([0, 0]) = (1/2, 1/2) vs softmax([ln 3, 0]) = (3/4, 1/4): m = (5/8, 3/8)
  const expected = 0.5 * (0.5 * Math.log2(0.5 / 0.625) + 0.5 * Math.log2(0.5 / 0.375)) + 0.5 * (0.75 * Math.log2(0.75 / 0.625) + 0.25 * Math.log2(0.25 / 0.375));
  assert.ok(Math.abs(jensenShannon([0, 0], [Math.log(3), 0]) - expected) < 1e-12);
});

test('a profile model (bpnet): log counts and profile JSD equal the model run on the windows written out', async () => {
  manualSeed(12);
  const chrom = randomDna(new Random(8), 2000);
  const fixture3 = writeGenome([['c', chrom]]);
  const g = await openGenome(fixture3.path);
  const L = 120;
  const options = { length: L, tasks: 2, filters: 8, layers: 2, crop: 10 };
  const model = createModel('bpnet', options);
  const saved = { model, description: describeModel({ architecture: { name: 'bpnet', options }, input: { kind: 'sequence', length: L }, task: { kind: 'profile', outputs: ['plus', 'minus'] } }) };
  const alleles = [
    { chrom: 'c', start: 700, ref: chrom[700]!, alt: chrom[700] === 'A' ? 'T' : 'A' },
    { chrom: 'c', start: 1100, ref: chrom.slice(1100, 1103), alt: chrom[1100]! },
  ];
  const { scores, effects } = await scoreVariantAlleles(saved, g, alleles);
  assert.deepEqual(scores, ['ref', 'alt', 'diff', 'abs_diff', 'log2fc', 'profile_jsd']);
  model.eval();
  for (const [i, { start, ref, alt }] of alleles.entries()) {
    const r0 = start - Math.ceil((L - ref.length) / 2);
    const left = Math.ceil((L - alt.length) / 2);
    const windows = [chrom.slice(r0, r0 + L), chrom.slice(start - left, start) + alt + chrom.slice(start + ref.length, start + ref.length + L - alt.length - left)];
    const { counts, profile } = tidy(() =>
      inferenceMode(() => {
        const out = (model as unknown as { forward(x: Tensor): { profile: Tensor; counts: Tensor } }).forward(oneHot(windows));
        return { counts: out.counts.contiguous().data<Float32Array>(), profile: out.profile.contiguous().data<Float32Array>(), positions: out.profile.shape[2]! };
      }),
    );
    const P = L - 20;
    for (let t = 0; t < 2; t++) {
      const [refCount, altCount] = [counts[t]!, counts[2 + t]!];
      const jsd = jensenShannon(profile.subarray(t * P, (t + 1) * P), profile.subarray((2 + t) * P, (3 + t) * P));
      const got = Array.from(effects[i]!.values!.subarray(t * 6, t * 6 + 6));
      const want = [refCount, altCount, altCount - refCount, Math.abs(altCount - refCount), (altCount - refCount) / Math.LN2, jsd];
      got.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) < 1e-5, `allele ${i} task ${t} score ${scores[k]}: ${v} vs ${want[k]}`));
    }
    assert.ok(effects[i]!.values![5]! > 0, 'the change moves the profile');
  }
  await g.close();
  model.dispose();
  fixture3.remove();
});

test('variant attributions: saliency of the REF and ALT windows around the allele, genome positions', async () => {
  const saved = countingModel('regression');
  // output A is #A - 1, so gradient x input is 1 on every A and 0 elsewhere
  const [snv] = await variantAttributions(saved, genome, [{ chrom: 'chr1', start: 6, ref: 'G', alt: 'A' }], 'A', { flank: 1 });
  assert.deepEqual(snv!.ref, { sequence: 'CGT', attributions: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], firstPosition: 6 });
  assert.deepEqual(snv!.alt, { sequence: 'CAT', attributions: [[0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]], firstPosition: 6 });
  // deletion GTT>G: REF window CGTTG (allele at 1..3), ALT window ACGGC (allele at 2)
  const [del] = await variantAttributions(saved, genome, [{ chrom: 'chr1', start: 6, ref: 'GTT', alt: 'G' }], 'A', { flank: 1 });
  assert.deepEqual([del!.ref.sequence, del!.ref.firstPosition, del!.alt.sequence, del!.alt.firstPosition], ['CGTTG', 6, 'CGG', 6]);
  assert.deepEqual(del!.alt.attributions, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  await assert.rejects(variantAttributions(saved, genome, [{ chrom: 'chr1', start: 0, ref: 'A', alt: 'G' }], 'A'), /reaches beyond chr1:1-14/);
  saved.model.dispose();
});

test('left-aligned: every way of writing a deletion in a run scores as its leftmost form; as written they differ', async () => {
  //                                       0123456789012345678
  const run = writeGenome([['chr1', 'GGCGCTTAAAAACGCGGCC']]);
  const genome = await openGenome(run.path);
  const saved = countingModel('regression', 5);
  try {
    // One A of the run A7..A11 deleted, written at four places; the leftmost form is T6 A7 -> T6.
    const written = [7, 8, 9, 10].map((start) => ({ chrom: 'chr1', start, ref: 'AA', alt: 'A' }));
    const leftmost = { chrom: 'chr1', start: 6, ref: 'TA', alt: 'T' };
    const score = async (alleles: typeof written, leftAlign: boolean) => (await scoreVariantAlleles(saved, genome, alleles, { scores: ['ref', 'alt'], leftAlign })).effects.map((e) => Array.from(e.values!));
    const [expected] = await score([leftmost], false);
    // By hand (values per output, then score): the REF window starts ceil((5 - 2) / 2) = 2 bases
    // before TA: C4 T5 T6 A7 A8, #A 2 and #G 0; the ALT window on the haplotype ...C4 T5 T6 A8 A9...
    // starts 2 before T6: C4 T5 T6 A8 A9, #A 2 and #G 0. Outputs are #A - 1 and #G - 1.
    assert.deepEqual(expected, [1, 1, -1, -1]);
    for (const row of await score(written, true)) assert.deepEqual(row, expected);
    const asWritten = await score(written, false);
    assert.ok(asWritten.some((row) => row.join() !== expected!.join()), `as written: ${JSON.stringify(asWritten)}`);
    // A REF that does not match is left for the window check to report.
    const [mismatch] = (await scoreVariantAlleles(saved, genome, [{ chrom: 'chr1', start: 7, ref: 'CC', alt: 'C' }], { leftAlign: true })).effects;
    assert.equal(mismatch!.problem?.kind, 'ref-mismatch');
  } finally {
    await genome.close();
    saved.model.dispose();
    run.remove();
  }
});
