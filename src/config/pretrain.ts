/**
 * The schema of `strand pretrain --config lm.yaml`: the unlabelled corpus, the held-out part,
 * the objective, the language model and its training. Defaults live here; unknown fields are
 * errors.
 */
import { z } from 'zod';
import { modelSchema, optimizerSchema, scheduleSchema } from './train.js';

const positiveInt = z.number().int().positive();

/** `chr:start-end`, 0-based half-open as in BED (commas allowed in the numbers). */
export const regionText = z.string().regex(/^[^:\s]+:[\d,]+-[\d,]+$/, 'expected chrom:start-end');

/** Windows of a genome (FASTA, bgzip FASTA or 2bit); a held-out part for validation. */
const genomeCorpusSchema = z.strictObject({
  kind: z.literal('genome'),
  path: z.string().min(1),
  /** A GTF / GFF3: held-out scores are also reported per region class (CDS, UTR, intron, intergenic). */
  annotation: z.string().min(1).optional(),
  /** Chromosomes to read (default all). */
  chromosomes: z.array(z.string().min(1)).min(1).optional(),
  /** Held out for validation: whole chromosomes, regions, and / or the last fraction of every chromosome read. */
  validation: z
    .strictObject({
      chromosomes: z.array(z.string().min(1)).min(1).optional(),
      regions: z.array(regionText).min(1).optional(),
      fraction: z.number().gt(0).lt(1).optional(),
    })
    .default({ fraction: 0.1 }),
});

/** Unlabelled sequences: FASTA records, or the sequence column of a table; the last fraction of them held out. */
const sequencesCorpusSchema = z.strictObject({
  kind: z.literal('sequences'),
  paths: z.array(z.string().min(1)).min(1),
  /** Column of the sequences in a table (name or 0-based index); FASTA files need none. */
  column: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  validationFraction: z.number().gt(0).lt(1).default(0.1),
});

export const corpusSchema = z.discriminatedUnion('kind', [genomeCorpusSchema, sequencesCorpusSchema]);

/**
 * Tokens of the corpus: single nucleotides (GPN, HyenaDNA), overlapping k-mers (DNABERT; masked
 * in runs of ceil(k / stride) tokens), non-overlapping k-mers (Nucleotide Transformer) or a BPE
 * vocabulary learned by `strand tokenizer train` (DNABERT-2). Saved with the model.
 */
export const lmTokenizerSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('nucleotide') }),
    z.strictObject({ kind: z.literal('kmer'), k: z.number().int().min(1).max(6), stride: positiveInt.optional() }),
    z.strictObject({ kind: z.literal('nonoverlapping-kmer'), k: z.number().int().min(2).max(6).default(6) }),
    z.strictObject({ kind: z.literal('bpe'), path: z.string().min(1) }),
  ])
  .default({ kind: 'nucleotide' });

export const objectiveSchema = z
  .strictObject({
    kind: z.enum(['mlm', 'causal']).default('mlm'),
    /** Masked-LM fraction of tokens. */
    maskRate: z.number().gt(0).lt(1).default(0.15),
    /** Loss weight of soft-masked (lower-case, repeat) bases, as GPN down-weights repeats. */
    softMaskedWeight: z.number().min(0).max(1).default(1),
  })
  .default({ kind: 'mlm', maskRate: 0.15, softMaskedWeight: 1 });

export const pretrainingSchema = z
  .strictObject({
    /** Window length in bases. */
    window: positiveInt.default(512),
    batchSize: positiveInt.default(32),
    epochs: positiveInt.default(10),
    windowsPerEpoch: positiveInt.default(2048),
    /** Validation windows (a fixed tiling of the held-out part). */
    validationWindows: positiveInt.default(256),
    /** Chance that a training window is read from the reverse strand. */
    reverseComplement: z.number().min(0).max(1).default(0.5),
    optimizer: optimizerSchema,
    schedule: scheduleSchema.default({ name: 'constant' }),
    checkpointEvery: positiveInt.optional(),
    clipGradNorm: z.number().positive().optional(),
    threads: positiveInt.optional(),
  })
  .default({
    window: 512,
    batchSize: 32,
    epochs: 10,
    windowsPerEpoch: 2048,
    validationWindows: 256,
    reverseComplement: 0.5,
    optimizer: { name: 'adam', lr: 1e-3, weightDecay: 0 },
    schedule: { name: 'constant' },
  });

export const pretrainConfigSchema = z.strictObject({
  seed: z.number().int().nonnegative().default(1),
  corpus: corpusSchema,
  tokenizer: lmTokenizerSchema,
  objective: objectiveSchema,
  /** conv-lm or transformer-lm; vocabSize is set from the tokenizer. */
  model: modelSchema.default({ name: 'conv-lm', options: {} }),
  train: pretrainingSchema,
});

export type PretrainConfig = z.infer<typeof pretrainConfigSchema>;
export type LmTokenizerConfig = z.infer<typeof lmTokenizerSchema>;
export type CorpusConfig = z.infer<typeof corpusSchema>;

/** The config with its file paths made relative to `baseDir` (the config file's folder). */
export function resolvePretrainPaths(config: PretrainConfig, baseDir: string, resolve: (base: string, path: string) => string): PretrainConfig {
  const c = config.corpus;
  const corpus: CorpusConfig =
    c.kind === 'genome'
      ? { ...c, path: resolve(baseDir, c.path), ...(c.annotation === undefined ? {} : { annotation: resolve(baseDir, c.annotation) }) }
      : { ...c, paths: c.paths.map((p) => resolve(baseDir, p)) };
  const tokenizer = config.tokenizer.kind === 'bpe' ? { ...config.tokenizer, path: resolve(baseDir, config.tokenizer.path) } : config.tokenizer;
  return { ...config, corpus, tokenizer };
}
