/**
 * Annotated example configs written by `strand init <kind>`, and the built-in demo config.
 * Each is a YAML text that parses with the train schema (a test checks this).
 */

export const EXAMPLE_KINDS = ['planted', 'dnabert', 'peaks', 'bigwig', 'table-binary', 'table-multiclass', 'fasta', 'deepbind', 'expression-classes', 'expression-autoencoder'] as const;
export type ExampleKind = (typeof EXAMPLE_KINDS)[number];

const TRAIN_SECTION = `train:
  epochs: 10
  batchSize: 64
  optimizer: { name: adam, lr: 0.001, weightDecay: 0 }
  # schedule: { name: cosine, warmupSteps: 100 }   # or step / plateau / constant
  earlyStopping: { patience: 3 }                    # metric defaults to the task's (auroc, accuracy, pearson)
  # checkpointEvery: 500                            # also checkpoint mid-epoch (resume with --resume)
  # clipGradNorm: 1.0
`;

/** Seed, planted-motif data, split and task of the planted examples. */
const plantedData = (count: number): string => `seed: 1
data:
  kind: planted
  motifs:
    - { name: GATA1, consensus: AGATAAGG }
    - { name: SPI1, consensus: AAAGAGGAAGTG }
  count: ${count}          # sequences
  length: 200          # bp
  positiveFraction: 0.4
split: { validation: 0.1, test: 0.2 }
task: { kind: binary }
`;

export const EXAMPLES: Record<ExampleKind, string> = {
  planted: `# Generated sequences with planted motifs: one binary task per motif. No files needed.
${plantedData(5000)}model:
  name: deepbind       # strand models: basset, danq, deepsea, deepbind, bpnet, transformer, custom, ...
  options: { filters: 32, kernel: 15, hidden: 0 }
${TRAIN_SECTION.replace('epochs: 10', 'epochs: 8').replace('lr: 0.001', 'lr: 0.005')}`,

  dnabert: `# A DNABERT-style transformer on the planted motifs: one-hot windows read as [CLS],
# overlapping k-mer tokens and [SEP] inside the model. Explain it with ISM (strand explain --method ism).
${plantedData(2000)}model:
  name: transformer
  options: { input: kmers, k: 4, dModel: 32, heads: 4, layers: 1, maxLength: 256, dropout: 0 }   # DNABERT: k 3-6, dModel 768, 12 layers
${TRAIN_SECTION.replace('epochs: 10', 'epochs: 6').replace('lr: 0.001', 'lr: 0.005')}`,

  'table-binary': `# Binary labels (one column per task) for sequences in a CSV/TSV table.
seed: 1
data:
  kind: table
  path: sequences.tsv          # columns: id, sequence, then one 0/1 column per task
  sequenceColumn: sequence
  labelColumns: [bound]
  idColumn: id
  # length: 200                # centre-crop / N-pad sequences to this length
split: { validation: 0.1, test: 0.1 }
task:
  kind: binary
  posWeight: auto              # weight positives by negatives/positives (class imbalance)
model:
  name: basset
  options: { convolutions: [[128, 15], [128, 7], [128, 5]], pools: [2, 2, 2], hidden: [256] }
${TRAIN_SECTION}`,

  'table-multiclass': `# Several classes in one label column, e.g. the UCI splice-junction data (EI / IE / N).
seed: 1
data:
  kind: table
  path: splice.data
  header: false                # columns addressed by number: 0 class, 1 id, 2 sequence
  delimiter: ","
  sequenceColumn: 2
  labelColumns: [0]
  idColumn: 1
split: { validation: 0.1, test: 0.2 }
task: { kind: multiclass }
model:
  name: custom
  options:
    layers:
      - { type: conv1d, filters: 64, kernel: 9, padding: same }
      - relu
      - { type: maxpool, size: 3 }
      - { type: dropout, p: 0.2 }
      - flatten
      - { type: linear, units: 64 }
      - relu
      - { type: linear, units: 3 }   # one output per class
${TRAIN_SECTION.replace('epochs: 10', 'epochs: 30').replace('{ patience: 3 }', '{ patience: 6 }')}`,

  peaks: `# TF binding / chromatin marks from peaks: one binary task per BED/narrowPeak file
# (DeepSEA-style). A window is positive for a task when >= minOverlap of its central bin is
# covered by that task's peaks; negatives are random GC-matched genome windows.
seed: 1
data:
  kind: intervals
  genome: hg38.fa                 # FASTA (+ .fai, built if missing), bgzip FASTA, or 2bit
  tasks:
    - { name: CTCF, peaks: ctcf.narrowPeak }
    - { name: GATA1, peaks: gata1.narrowPeak }
  window: 1000
  bin: 200
  minOverlap: 0.5
  negatives: { ratio: 1, gcMatch: true, maxN: 0.1 }   # blacklist: hg38-blacklist.bed
  augment: { reverseComplement: 0.5, shift: 20 }
  workers: 1                      # threads reading batches off the main thread
split:
  validation: { chromosomes: [chr8] }
  test: { chromosomes: [chr9] }
task: { kind: binary, posWeight: auto }
model:
  name: basset
  options: { convolutions: [[300, 19], [200, 11], [200, 7]], pools: [3, 4, 4], hidden: [1000, 1000] }
${TRAIN_SECTION}`,

  bigwig: `# Signal regression from bigWig tracks: one task per track, the target being the track's
# mean over each window's central bin (log(1 + x) with logTargets).
seed: 1
data:
  kind: intervals
  genome: hg38.fa
  tasks: [{ name: regions, peaks: atac_peaks.narrowPeak }]   # where the windows come from
  window: 1000
  bin: 200
  negatives: { ratio: 0.5, gcMatch: true }
  tracks:
    - { name: ATAC, path: atac.bigWig }
    - { name: H3K27ac, path: h3k27ac.bigWig }
  logTargets: true
split:
  validation: { chromosomes: [chr8] }
  test: { chromosomes: [chr9] }
task: { kind: regression }
model:
  name: basset
  options: { convolutions: [[128, 15], [128, 7], [128, 5]], pools: [4, 4, 4], hidden: [256] }
${TRAIN_SECTION}`,

  fasta: `# Sequences in a FASTA file, labels in a table keyed by the record names.
seed: 1
data:
  kind: fasta
  fasta: sequences.fa
  labels: labels.tsv            # header: name, then one column per task
  idColumn: name
  labelColumns: [bound]
  # length: 200                 # centre-crop / N-pad
split: { validation: 0.1, test: 0.1 }
task: { kind: binary }
model:
  name: deepbind
  options: { filters: 16, kernel: 24, hidden: 32 }
${TRAIN_SECTION}`,

  'expression-classes': `# Sample classes from an expression matrix (genes x samples), e.g. ALL vs AML.
seed: 1
data:
  kind: expression
  path: expression.csv
  samples: columns              # samples are the matrix's columns
  rowNameColumn: gene
  labels: { path: samples.csv, idColumn: sample, labelColumn: class }
  log1p: true
  standardize: true             # per gene, with the training split's mean and deviation
split: { validation: 0.2, test: 0.2 }
task: { kind: multiclass }
model:
  name: mlp
  options: { hidden: [64], dropout: 0.5, activation: relu }
${TRAIN_SECTION}`,

  'expression-autoencoder': `# An expression autoencoder: samples compressed to a small embedding and reconstructed.
seed: 1
data:
  kind: expression
  path: expression.tsv
  samples: rows                 # samples x genes
  log1p: true
split: { validation: 0.1, test: 0.1 }
task: { kind: reconstruction }  # with model vae, task.beta weights the KL term
model:
  name: autoencoder
  options: { hidden: [512, 128], latent: 16 }
${TRAIN_SECTION}`,

  deepbind: `# DeepBind-style TF binding from ChIP-seq peak sequences: positives only, negatives by
# dinucleotide shuffling (as DeepBind), held-out test file with real negatives. Stronger than the
# plain DeepBind recipe (16 filters, 10 epochs) on the 12 ENCODE sets of bench/README.md: 32 filters,
# reverse-complement augmentation, a cosine learning-rate schedule over 15 epochs.
seed: 1
data:
  kind: table
  path: TF_train.seq.gz        # FoldID EventID seq Bound
  sequenceColumn: seq
  labelColumns: [Bound]
  idColumn: EventID
  shuffledNegatives: 1         # a positive and its negative always share a split
  testPath: TF_test.seq.gz
  augment: { reverseComplement: 0.5 }
split: { validation: 0.1 }
task: { kind: binary }
model:
  name: deepbind
  options: { filters: 32, kernel: 24, hidden: 32, dropout: 0.5 }
train:
  epochs: 15                   # the epoch with the best validation AUROC is kept
  batchSize: 64
  optimizer: { name: adam, lr: 0.001 }
  schedule: { name: cosine }
`,
};

/** The built-in demo: the planted example, shortened to run in well under a minute on 2 cores. */
export function demoConfigText(seed: number, epochs: number): string {
  return EXAMPLES.planted.replace('seed: 1', `seed: ${seed}`).replace('epochs: 8', `epochs: ${epochs}`).replace('count: 5000', 'count: 4000');
}

/** `strand init lm`: an annotated `strand pretrain` config (a different schema from the training examples). */
export const LM_EXAMPLE = `# A genomic language model pretrained without labels (GPN / DNABERT style): strand pretrain --config lm.yaml --out lm/
# Then: strand score-variants --model lm/ (zero-shot LLR), strand embed --model lm/, or init.from in a training config.
seed: 1
corpus:
  kind: genome                   # or: kind: sequences, paths: [a.fa, b.tsv.gz], column: seq
  path: genome.fa                # FASTA, bgzip FASTA (+ .fai/.gzi) or 2bit; soft-masked repeats (lower case) are kept
  # chromosomes: [chr1, chr2]    # default: all
  # annotation: genes.gtf        # held-out scores also per class: CDS, UTR, intron, intergenic
  validation:                    # held out, never trained on: whole chromosomes, regions and / or the last fraction of each
    fraction: 0.1
    # chromosomes: [chr8]
    # regions: ["chr1:1000000-2000000"]
tokenizer:
  kind: nucleotide               # one token a base (GPN, HyenaDNA; what zero-shot LLRs and LM logos need)
  # kind: kmer, k: 6             # overlapping k-mers (DNABERT; masked in runs of k tokens)
  # kind: nonoverlapping-kmer, k: 6  # Nucleotide Transformer
  # kind: bpe, path: bpe.json    # DNABERT-2: learn one with strand tokenizer train
objective:
  kind: mlm                      # mlm (15% of bases masked, 80/10/10) or causal (next base, HyenaDNA style)
  maskRate: 0.15
  softMaskedWeight: 1            # loss weight of lower-case (repeat) bases; GPN uses 0.1
model:
  name: conv-lm                  # conv-lm (GPN: dilated convolutions, fast on CPUs) or transformer-lm (rotary or ALiBi positions)
  options: { dim: 128, kernel: 9, dilations: [1, 2, 4, 8, 16, 32, 1, 2, 4, 8, 16, 32] }
  # name: transformer-lm
  # options: { dim: 128, heads: 4, layers: 4, positions: rotary }
train:
  window: 512                    # bases per training window
  batchSize: 32
  epochs: 10
  windowsPerEpoch: 2048          # random windows drawn per epoch (either strand)
  validationWindows: 256         # a fixed tiling of the held-out part, scored after every epoch
  reverseComplement: 0.5
  optimizer: { name: adamw, lr: 0.001, weightDecay: 0.01 }
  schedule: { name: cosine, warmupSteps: 100 }
  checkpointEvery: 200
`;

/** `strand init design`: an annotated `strand design --config` file. */
export const DESIGN_EXAMPLE = `# Sequence design with a trained model: strand design --model run/ --random 20 --config design.yaml --out designs/
# (or --fasta seeds.fa, or --bed regions.bed --genome genome.fa). Flags of the same names override these fields.
design:
  method: greedy                 # greedy (all single-base edits a round), insert (write a motif), screen (best of --random N), gradient (Ledidi)
  objective: max:Bound           # max:OUT, min:OUT, target:OUT=VALUE, specific:ON1,ON2/OFF1;offWeight=0.5;threshold=0.2; join terms with +
  rounds: 20                     # greedy / insert: rounds at most (greedy stops when no edit helps)
  beam: 1                        # greedy: sequences kept per round
  # patterns: [CACGTG]           # insert: motifs to write (either strand)
  # keep: 10                     # screen: designs kept
  # steps: 200                   # gradient: optimiser steps; samples: 16, lr: 0.5, lambda: 0.01 (per edit), temperature: 1
  seed: 1
  constraints:
    maxEdits: 10                 # positions that may differ from the start
    # editable: [11-90]          # 1-based inclusive ranges that may change (default all)
    gc: [0.35, 0.65]             # GC fraction bounds
    forbidden: [GAATTC, GGATCC]  # e.g. restriction sites (either strand, IUPAC codes)
    # required: [TATAWAW]        # occurrences in the start are kept
    maxHomopolymer: 6
`;
