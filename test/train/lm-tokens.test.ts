/**
 * Language models over other tokens than single nucleotides, and held-out scores by annotation
 * class:
 * - token rows of windows: ids, offsets, soft-mask majority, padding after short rows;
 * - the mask span that hides a base from overlapping k-mers;
 * - region classes painted from a GTF, checked base by base against a hand-drawn transcript;
 * - `strand pretrain` with overlapping 3-mers (bits per token, DNABERT masking), non-overlapping
 *   k-mers and a BPE vocabulary (bits per base), a GTF's classes in metrics and report;
 * - a k-mer LM reused: init.from fills the classifier's tokenizer and loads the encoder
 *   exactly, embeddings work, `llr` is refused in one clear line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { pretrainConfigSchema } from '../../src/config/pretrain.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { lmValidationBatches } from '../../src/data/lm-corpus.js';
import { Random } from '../../src/data/random.js';
import { REGION_CLASSES, regionClassesOf } from '../../src/genomics/region-classes.js';
import { maskSpanOf, tokenRowsOfWindows } from '../../src/genomics/tokenizers/token-rows.js';
import { KmerTokenizer } from '../../src/genomics/tokenizers/kmer.js';
import { NonOverlappingKmerTokenizer } from '../../src/genomics/tokenizers/nonoverlapping-kmer.js';
import { trainBpe } from '../../src/genomics/tokenizers/bpe-train.js';
import { SPECIAL_TOKENS } from '../../src/genomics/tokenizers/tokens.js';
import { sequenceEmbeddings } from '../../src/interpret/embed.js';
import { resolveEffectScores } from '../../src/interpret/variant-effect.js';
import type { Transcript } from '../../src/io/gff.js';
import { loadModel } from '../../src/models/saved-model.js';
import { loadSafetensors } from '../../src/nn/safetensors.js';
import { pretrainFromConfig, type PretrainResult } from '../../src/train/pretrain.js';
import { trainFromConfig } from '../../src/train/run-training.js';

const dir = mkdtempSync(join(tmpdir(), 'strand-lm-tokens-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (s: string) => Buffer.from(s, 'latin1');

test('token rows: k-mer ids and spans, soft-mask by majority, [PAD] after shorter rows', () => {
  const kmer = tokenRowsOfWindows([bytes('ACGTa'), bytes('aaaCG')], new KmerTokenizer({ k: 3 }));
  assert.equal(kmer.width, 3);
  // ACG = 5 + 0*16 + 1*4 + 2 = 11; CGT = 5 + 16 + 8 + 3 = 32; GTA = 5 + 32 + 12 + 0 = 49
  assert.deepEqual([...kmer.ids.subarray(0, 3)], [11, 32, 49]);
  assert.deepEqual([...kmer.bases], [3, 3, 3, 3, 3, 3]);
  assert.deepEqual([...kmer.starts.subarray(0, 3)], [0, 1, 2]);
  // aaa (3 of 3 lower), aaC (2 of 3), aCG (1 of 3)
  assert.deepEqual([...kmer.softMasked.subarray(3)], [1, 1, 0]);

  const tiled = tokenRowsOfWindows([bytes('ACGTAC'), bytes('ACNGTA')], new NonOverlappingKmerTokenizer({ k: 3 }));
  // ACG TAC | A C [UNK] GTA: the first row is two tokens and then padding
  assert.equal(tiled.width, 4);
  assert.deepEqual([...tiled.bases], [3, 3, 0, 0, 1, 1, 1, 3]);
  assert.deepEqual([...tiled.ids.subarray(2, 4)], [SPECIAL_TOKENS.pad, SPECIAL_TOKENS.pad]);
  assert.equal(tiled.ids[6], SPECIAL_TOKENS.unk);
  assert.deepEqual([...tiled.starts], [0, 3, -1, -1, 0, 1, 2, 3]);

  const single = tokenRowsOfWindows([bytes('AcN')], undefined);
  assert.deepEqual([...single.ids], [5, 6, SPECIAL_TOKENS.unk]);
  assert.deepEqual([...single.softMasked], [0, 1, 0]);
});

test('mask spans: ceil(k / stride) tokens for overlapping k-mers hide their middle base; one token otherwise', () => {
  assert.equal(maskSpanOf({ kind: 'kmer', k: 6 }), 6);
  assert.equal(maskSpanOf({ kind: 'kmer', k: 6, stride: 2 }), 3);
  assert.equal(maskSpanOf({ kind: 'nonoverlapping-kmer', k: 6 }), 1);
  assert.equal(maskSpanOf({ kind: 'nucleotide' }), 1);
  // By brute force: with k = 6 and stride 2, every run of 3 tokens covers some base no other token covers.
  const k = 6;
  const stride = 2;
  for (let first = 0; first < 10; first++) {
    const run = [first, first + 1, first + 2];
    const hidden = Array.from({ length: 40 }, (_, b) => b).filter((b) => {
      const covering = Array.from({ length: 20 }, (_, t) => t).filter((t) => t * stride <= b && b < t * stride + k);
      return covering.length > 0 && covering.every((t) => run.includes(t));
    });
    assert.ok(hidden.length > 0, `run from token ${first}`);
  }
});

test('region classes of bases from transcripts, the higher class winning where they overlap', () => {
  const coding: Transcript = {
    id: 't1', geneId: 'g1', type: 'mRNA', chrom: 'c', start: 10, end: 40, strand: '+', tss: 10,
    exons: [{ start: 10, end: 18 }, { start: 25, end: 40 }],
    cds: [{ start: 14, end: 18, phase: 0 }, { start: 25, end: 31, phase: 2 }],
    stopCodons: [{ start: 31, end: 34 }],
  } as Transcript;
  const noncoding: Transcript = { ...coding, id: 't2', start: 36, end: 50, exons: [{ start: 36, end: 50 }], cds: [], stopCodons: [] };
  const codes = regionClassesOf([coding, noncoding], 'c', 5, 50);
  const expected = Array.from({ length: 50 }, (_, i) => {
    const p = i + 5;
    if ((p >= 14 && p < 18) || (p >= 25 && p < 34)) return 'CDS';
    if ((p >= 10 && p < 18) || (p >= 25 && p < 40)) return 'UTR';
    if (p >= 36 && p < 50) return 'non-coding exon';
    if (p >= 10 && p < 40) return 'intron';
    return 'intergenic';
  });
  assert.deepEqual([...codes].map((c) => REGION_CLASSES[c]), expected);
  assert.deepEqual([...regionClassesOf([coding], 'other', 0, 5)], [0, 0, 0, 0, 0], 'another chromosome');
});

// A genome whose chrB carries one gene: 5' UTR, two CDS exons, an intron and a 3' UTR.
const random = new Random(21);
const genome = join(dir, 'g.fa');
const seq = Array.from({ length: 24_000 }, (_, i) => (i % 60 < 8 ? 'TGACTCAG'[i % 8]! : 'ACGTACGTacgt'[random.int(12)]!)).join('');
writeFileSync(genome, `>chrA\n${seq.slice(0, 16_000)}\n>chrB\n${seq.slice(16_000)}\n`);
const gtf = join(dir, 'genes.gtf');
const attrs = 'gene_id "G1"; transcript_id "T1";';
writeFileSync(
  gtf,
  [
    ['exon', 1001, 2500],
    ['CDS', 1201, 2500],
    ['exon', 4001, 6000],
    ['CDS', 4001, 5497],
    ['stop_codon', 5498, 5500],
  ]
    .map(([feature, a, b]) => `chrB\ttest\t${feature}\t${a}\t${b}\t.\t+\t.\t${attrs}`)
    .join('\n') + '\n',
);

const config = (tokenizer: string, extra = '') =>
  parseConfig(
    pretrainConfigSchema,
    `seed: 2
corpus: { kind: genome, path: ${genome}, annotation: ${gtf}, validation: { chromosomes: [chrB] } }
tokenizer: ${tokenizer}
model: { name: conv-lm, options: { dim: 16, kernel: 5, dilations: [1, 2] } }
train: { window: 60, batchSize: 16, epochs: 2, windowsPerEpoch: 96, validationWindows: 64, threads: 1${extra} }
`,
  );

const runs = new Map<string, Promise<PretrainResult>>();
function pretrained(name: string, tokenizer: string): Promise<PretrainResult> {
  if (!runs.has(name)) runs.set(name, pretrainFromConfig(config(tokenizer), { outDir: join(dir, name) }));
  return runs.get(name)!;
}

test('pretraining over overlapping 3-mers: DNABERT span masking, bits per token, the tokenizer saved with the model', async () => {
  const result = await pretrained('kmer', '{ kind: kmer, k: 3 }');
  const v = result.validation;
  assert.ok(Number.isNaN(v.bitsPerBase), 'overlapping tokens share bases: no bits per base');
  assert.ok(v.bitsPerToken > 0 && v.bitsPerToken < 2 * 3 + 0.5, `bits per token ${v.bitsPerToken}`);
  // Validation masks runs of 3 tokens: scored tokens come in runs of at least 3 (runs may touch).
  const batches = lmValidationBatches([{ name: 'x', bytes: bytes(seq.slice(0, 6000)) }], {
    window: 60, batchSize: 8, objective: 'mlm', seed: 1, maxWindows: 16, tokenizer: new KmerTokenizer({ k: 3 }),
  });
  for await (const batch of batches.batches(0, 0)) {
    const [rows, T] = batch.targets.shape as [number, number];
    const targets = batch.targets.data<BigInt64Array>();
    for (let r = 0; r < rows; r++) {
      const scored = Array.from(targets.subarray(r * T, (r + 1) * T), (t) => t >= 0n);
      for (let t = 0; t < scored.length; t++) {
        if (!scored[t] || (t > 0 && scored[t - 1])) continue;
        let run = 0;
        while (t + run < scored.length && scored[t + run]) run++;
        assert.ok(run >= 3 || t + run === scored.length, `a masked run of ${run} tokens at ${t}`);
      }
    }
    for (const t of [...batch.inputs, batch.targets, batch.weights!]) t.dispose();
  }
  const description = JSON.parse(readFileSync(join(dir, 'kmer', 'model.json'), 'utf8')) as { tokenizer: unknown; task: { outputs: string[] } };
  assert.deepEqual(description.tokenizer, { kind: 'kmer', k: 3, stride: 1 });
  assert.equal(description.task.outputs.length, 5 + 64);
  const html = readFileSync(join(dir, 'kmer', 'report.html'), 'utf8');
  assert.match(html, /bits per masked token/);
  assert.doesNotMatch(html, /LM logo/, 'no per-base logo from k-mer tokens');
});

test('held-out scores by annotation class: CDS, UTR, intron and intergenic bases each scored, averaging to the whole', async () => {
  const result = await pretrained('nucleotide', '{ kind: nucleotide }');
  const v = result.validation;
  for (const name of ['CDS', 'UTR', 'intron', 'intergenic']) assert.ok(v.classes[name]!.tokens > 0, `${name} scored`);
  assert.equal(v.classes['non-coding exon']!.tokens, 0);
  const annotated = ['CDS', 'UTR', 'intron', 'intergenic'].map((n) => v.classes[n]!);
  assert.equal(annotated.reduce((n, c) => n + c.tokens, 0), v.tokens);
  const pooled = annotated.reduce((s, c) => s + c.bits * c.tokens, 0) / v.tokens;
  assert.ok(Math.abs(pooled - v.bitsPerBase) < 1e-9);
  // The gene spans 1000..6000 of chrB's 8000 bases: about 5/8 of the scored bases are in it.
  const genic = (v.classes.CDS!.tokens + v.classes.UTR!.tokens + v.classes.intron!.tokens) / v.tokens;
  assert.ok(genic > 0.5 && genic < 0.75, `genic fraction ${genic}`);
  const html = readFileSync(join(dir, 'nucleotide', 'report.html'), 'utf8');
  for (const name of ['CDS', 'UTR', 'intron', 'intergenic']) assert.match(html, new RegExp(`<td>  ${name} \\(`));
});

test('non-overlapping k-mers and BPE tile the bases: bits per base are bits per token over bases per token', async () => {
  const tiled = await pretrained('nt', '{ kind: nonoverlapping-kmer, k: 3 }');
  const v = tiled.validation;
  assert.ok(Math.abs(v.bitsPerBase - (v.bitsPerToken * v.tokens) / v.bases) < 1e-9);
  assert.ok(v.bases > v.tokens * 2.5, 'mostly 3-base tokens');

  const { tokenizer } = trainBpe([seq.slice(0, 16_000)], { vocabSize: 40 });
  const bpePath = join(dir, 'bpe.json');
  writeFileSync(bpePath, JSON.stringify(tokenizer.describe()));
  const bpe = await pretrained('bpe', `{ kind: bpe, path: ${bpePath} }`);
  assert.ok(bpe.validation.bases > bpe.validation.tokens, 'BPE tokens hold more than a base on average');
  assert.ok(Number.isFinite(bpe.validation.bitsPerBase));
  const saved = JSON.parse(readFileSync(join(dir, 'bpe', 'model.json'), 'utf8')) as { tokenizer: { kind: string; merges: unknown[] } };
  assert.equal(saved.tokenizer.kind, 'bpe');
  assert.equal(saved.tokenizer.merges.length, 40 - 9);
});

test('a k-mer LM reused: init.from fills the tokenizer and the encoder, embeddings work, llr is refused', async () => {
  await pretrained('kmer', '{ kind: kmer, k: 3 }');
  const from = join(dir, 'kmer');
  const out = join(dir, 'probe');
  const train = parseConfig(
    trainConfigSchema,
    `seed: 4
data: { kind: planted, motifs: [{ name: AP1, consensus: TGACTCA }], count: 200, length: 60 }
task: { kind: binary }
model: { name: lm-classifier, options: { lm: conv-lm, encoder: { dim: 16, kernel: 5, dilations: [1, 2] } } }
init: { from: ${from}, freeze: [lm] }
train: { epochs: 1, batchSize: 32, threads: 1 }
`,
  );
  await trainFromConfig(train, { outDir: out });
  const description = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { architecture: { options: { tokenizer: unknown } } };
  assert.deepEqual(description.architecture.options.tokenizer, { kind: 'kmer', k: 3, stride: 1 });
  const before = loadSafetensors(join(from, 'model.safetensors')).tensors;
  const afterTraining = loadSafetensors(join(out, 'model.safetensors')).tensors;
  for (const [k, t] of Object.entries(before)) {
    if (!k.startsWith('head.')) assert.deepEqual(afterTraining[`lm.${k}`]!.toArray(), t.toArray(), k);
  }

  const lm = loadModel(from);
  const classifier = loadModel(out);
  const sequences = [seq.slice(100, 160), seq.slice(300, 347)];
  const a = sequenceEmbeddings(lm, sequences).values;
  const b = sequenceEmbeddings(classifier, sequences).values;
  assert.equal(a.length, 2 * 16);
  assert.deepEqual([...b], [...a], 'the frozen encoder embeds as the LM does');
  assert.deepEqual(resolveEffectScores(lm), ['embed_cosine', 'embed_l2']);
  assert.throws(() => resolveEffectScores(lm, ['llr']), /score 'llr' needs a language model over single nucleotides; this one reads kmer tokens/);
  lm.model.dispose();
  classifier.model.dispose();
});
