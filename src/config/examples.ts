/**
 * Annotated example configs written by `strand init <kind>`, and the built-in demo config.
 * Each is a YAML text that parses with the train schema (a test checks this).
 */

export const EXAMPLE_KINDS = ['planted', 'table-binary', 'table-multiclass', 'deepbind'] as const;
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

export const EXAMPLES: Record<ExampleKind, string> = {
  planted: `# Generated sequences with planted motifs: one binary task per motif. No files needed.
seed: 1
data:
  kind: planted
  motifs:
    - { name: GATA1, consensus: AGATAAGG }
    - { name: SPI1, consensus: AAAGAGGAAGTG }
  count: 5000          # sequences
  length: 200          # bp
  positiveFraction: 0.4
split: { validation: 0.1, test: 0.2 }
task: { kind: binary }
model:
  name: deepbind       # strand models: basset, danq, deepsea, deepbind, bpnet, transformer, custom, ...
  options: { filters: 32, kernel: 15, hidden: 0 }
${TRAIN_SECTION.replace('epochs: 10', 'epochs: 8').replace('lr: 0.001', 'lr: 0.005')}`,

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

  deepbind: `# DeepBind-style TF binding from ChIP-seq peak sequences: positives only, negatives by
# dinucleotide shuffling (as DeepBind), held-out test file with real negatives.
seed: 1
data:
  kind: table
  path: TF_train.seq.gz        # FoldID EventID seq Bound
  sequenceColumn: seq
  labelColumns: [Bound]
  idColumn: EventID
  shuffledNegatives: 1
  testPath: TF_test.seq.gz
split: { validation: 0.1 }
task: { kind: binary }
model:
  name: deepbind
  options: { filters: 16, kernel: 24, hidden: 32 }
${TRAIN_SECTION}`,
};

/** The built-in demo: the planted example, shortened to run in well under a minute on 2 cores. */
export function demoConfigText(seed: number, epochs: number): string {
  return EXAMPLES.planted.replace('seed: 1', `seed: ${seed}`).replace('epochs: 8', `epochs: ${epochs}`).replace('count: 5000', 'count: 4000');
}
