import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../core/index.js';
import { evenGenomeWindows, readGenomeSample } from '../../data/genome-sample.js';
import { FIRST_MERGE_ID } from '../../genomics/tokenizers/bpe.js';
import { trainBpe } from '../../genomics/tokenizers/bpe-train.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { openGenome } from '../../io/genome.js';
import { positiveInt } from '../parse.js';
import { withCountProgress } from '../progress.js';

interface TrainOptions {
  fasta?: string;
  genome?: string;
  vocabSize: number;
  sampleBases: number;
  maxTokenLength?: number;
  out: string;
}

/** A JSON object with one top-level field a line (a BPE vocabulary stays on one line). */
function jsonByField(value: object): string {
  return `{\n${Object.entries(value).map(([key, v]) => `  ${JSON.stringify(key)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`;
}

async function train(o: TrainOptions): Promise<void> {
  if ((o.fasta === undefined) === (o.genome === undefined)) throw new InputError('give either --fasta or --genome');
  if (o.vocabSize < FIRST_MERGE_ID) throw new InputError(`--vocab-size must be at least ${FIRST_MERGE_ID} (5 special tokens and A, C, G, T), got ${o.vocabSize}`);
  if (o.maxTokenLength !== undefined && o.maxTokenLength < 2) throw new InputError(`--max-token-length must be at least 2, got ${o.maxTokenLength}`);
  if (!existsSync(dirname(o.out))) throw new InputError(`${o.out}: folder ${dirname(o.out)} does not exist`);
  const path = (o.fasta ?? o.genome)!;
  const genome = await openGenome(path, { writeIndex: false });
  let sample: string[];
  try {
    const windows = evenGenomeWindows(genome.chromosomes(), o.sampleBases);
    const total = windows.reduce((n, w) => n + w.end - w.start, 0);
    process.stderr.write(`reading ${total} bases of ${path} (${windows.length} window${windows.length === 1 ? '' : 's'})\n`);
    sample = await readGenomeSample(genome, o.sampleBases);
  } finally {
    await genome.close();
  }
  const started = Date.now();
  const result = withCountProgress('learning merges', 'tokens', o.vocabSize, (update) =>
    trainBpe(sample, { vocabSize: o.vocabSize, maxTokenLength: o.maxTokenLength, onProgress: update }),
  );
  if (result.bases === 0) throw new InputError(`${path}: no A, C, G or T bases to learn from`);
  const { tokenizer } = result;
  const short = tokenizer.vocabSize < o.vocabSize ? ` (no pair left occurring twice; asked for ${o.vocabSize})` : '';
  process.stderr.write(`learned ${tokenizer.merges.length} merges in ${((Date.now() - started) / 1000).toFixed(1)} s: vocabulary ${tokenizer.vocabSize}${short}\n`);
  process.stderr.write(`mean token length ${(result.bases / result.tokens).toFixed(3)} bases (${result.bases} A/C/G/T bases in ${result.tokens} tokens)\n`);
  writeFileAtomic(o.out, jsonByField(tokenizer.describe()));
  process.stderr.write(`wrote ${o.out}\n`);
}

export function registerTokenizer(program: Command): void {
  const tokenizer = program
    .command('tokenizer')
    .description('tokenizers for genomic language models: train')
    .action(() => {
      throw new InputError('expected a subcommand: train (see strand tokenizer --help)');
    });
  tokenizer
    .command('train')
    .description('learn a byte-pair-encoding tokenizer (DNABERT-2 style) from a sample of a genome; writes tokenizer.json (reload it with tokenizerFromDescription)')
    .option('--fasta <file>', 'sequences to learn from (FASTA, plain or gzip)')
    .option('--genome <file>', 'reference genome (FASTA, bgzip FASTA with .fai and .gzi, or 2bit)')
    .requiredOption('--vocab-size <n>', 'ids in all: 5 special tokens, A, C, G, T and one per merge', positiveInt)
    .option('--sample-bases <n>', 'bases to learn from, read in 10 kb windows spread evenly over the genome (all of it when smaller)', positiveInt, 2_000_000)
    .option('--max-token-length <n>', 'longest token, in bases (default: no limit)', positiveInt)
    .requiredOption('--out <file>', 'output tokenizer.json (written atomically)')
    .action(train);
}
