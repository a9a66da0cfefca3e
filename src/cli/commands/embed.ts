import type { Command } from 'commander';
import { InputError, setNumThreads } from '../../core/index.js';
import { gatherParts, ownsPart, type ProcessGroup } from '../../distributed/index.js';
import { embeddingModel, sequenceEmbeddings } from '../../interpret/embed.js';
import type { EmbeddingPooling } from '../../interpret/zero-shot.js';
import { AtomicFileWriter } from '../../io/atomic-write.js';
import { iterateBed } from '../../io/bed.js';
import { countFastaRecords, iterateFastaRecords } from '../../io/fasta-records.js';
import { openGenome, type Genome } from '../../io/genome.js';
import { writeNpy } from '../../io/npy.js';
import { loadModel, type SavedModel } from '../../models/saved-model.js';
import { InterruptedOutputs } from '../interrupted-outputs.js';
import { countProgress } from '../progress.js';
import { positiveInt } from '../parse.js';
import { chunks } from '../parts.js';
import { partShard, runRanked, WORKERS_HELP } from '../ranks.js';

/** Sequences per part of the job (the unit --workers share out). */
const PART = 256;

interface EmbedArgs {
  model: string;
  fasta?: string;
  bed?: string;
  genome?: string;
  out: string;
  strand: string;
  pooling: string;
  batchSize: number;
  threads?: number;
  workers?: number;
}

interface Named {
  id: string;
  sequence: string;
}

function checkArgs(o: EmbedArgs): void {
  if ((o.fasta === undefined) === (o.bed === undefined)) throw new InputError('give either --fasta or --bed (with --genome)');
  if (o.bed !== undefined && o.genome === undefined) throw new InputError('--bed needs --genome');
  if (o.strand !== 'both' && o.strand !== 'forward') throw new InputError(`--strand must be both or forward, got '${o.strand}'`);
  if (!POOLINGS.includes(o.pooling as EmbeddingPooling)) throw new InputError(`--pooling must be one of ${POOLINGS.join(', ')}, got '${o.pooling}'`);
  if (!o.out.endsWith('.npy')) throw new InputError(`--out must name a .npy file, got '${o.out}'`);
}

async function* bedSequences(bedPath: string, genome: Genome, genomePath: string): AsyncGenerator<Named> {
  const sizes = genome.chromosomes();
  for await (const r of iterateBed(bedPath)) {
    const size = sizes.get(r.chrom);
    if (size === undefined) throw new InputError(`${bedPath}: chromosome '${r.chrom}' is not in ${genomePath}`);
    if (r.end > size) throw new InputError(`${bedPath}: ${r.chrom}:${r.start}-${r.end} reaches past the chromosome's end (${size})`);
    yield { id: r.name ?? `${r.chrom}:${r.start}-${r.end}`, sequence: await genome.fetch(r.chrom, r.start, r.end) };
  }
}

const POOLINGS: readonly EmbeddingPooling[] = ['mean', 'max', 'none'];

interface EmbeddedPart {
  ids: string[];
  values: Float32Array;
  /** Tokens per sequence with --pooling none. */
  tokens: number;
}

async function* embeddedParts(o: EmbedArgs, saved: SavedModel, genome: Genome | undefined, group: ProcessGroup | undefined): AsyncGenerator<EmbeddedPart> {
  const shard = partShard(group);
  const input = o.fasta !== undefined ? iterateFastaRecords(o.fasta) : bedSequences(o.bed!, genome!, o.genome!);
  let index = 0;
  let first: number | undefined;
  for await (const part of chunks(input, PART)) {
    const offset = index * PART;
    if (!ownsPart(index++, shard)) continue;
    const { values, tokens } = sequenceEmbeddings(saved, part.map((p) => p.sequence), {
      bothStrands: o.strand === 'both',
      batchSize: o.batchSize,
      pooling: o.pooling as EmbeddingPooling,
      nameOf: (i) => `${part[i]!.id} (sequence ${offset + i + 1})`,
      ...(first === undefined ? {} : { tokens: first }),
    });
    first ??= tokens;
    yield { ids: part.map((p) => p.id), values, tokens };
  }
}

async function embed(o: EmbedArgs, group: ProcessGroup | undefined): Promise<void> {
  checkArgs(o);
  if (o.threads !== undefined) setNumThreads(o.threads);
  const saved = loadModel(o.model);
  const genome = o.bed !== undefined ? await openGenome(o.genome!) : undefined;
  const outputs = new InterruptedOutputs();
  try {
    const D = embeddingModel(saved).hiddenSize;
    const own = embeddedParts(o, saved, genome, group);
    const embedded = group ? gatherParts(group, own) : own;
    if (group !== undefined && group.rank !== 0) {
      for await (const _ of embedded); // rank 0 writes
      return;
    }
    const idsPath = `${o.out.slice(0, -'.npy'.length)}.ids.tsv`;
    const ids = outputs.add(new AtomicFileWriter(idsPath));
    ids.write('id\n');
    const parts: Float32Array[] = [];
    let done = 0;
    let tokens = -1;
    const progress = countProgress('embedding', 'sequences', o.fasta !== undefined ? await countFastaRecords(o.fasta) : undefined);
    try {
      for await (const part of embedded) {
        if (o.pooling === 'none' && tokens >= 0 && part.tokens !== tokens) {
          throw new InputError(`per-token embeddings need sequences of one token count; ${part.ids[0]} (sequence ${done + 1}) has ${part.tokens} tokens, the first ${tokens}`);
        }
        tokens = part.tokens;
        ids.write(`${part.ids.join('\n')}\n`);
        parts.push(part.values);
        done += part.ids.length;
        progress.update(done);
      }
    } finally {
      progress.stop();
    }
    if (done === 0) throw new InputError(`${o.fasta ?? o.bed}: no sequences to embed`);
    const shape = o.pooling === 'none' ? [done, tokens, D] : [done, D];
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    parts.reduce((at, p) => (values.set(p, at), at + p.length), 0);
    writeNpy(o.out, { data: values, shape });
    ids.commit();
    const what = o.pooling === 'none' ? 'per-token' : `${o.pooling}-pooled`;
    process.stderr.write(`wrote ${o.out} (${shape.join(' x ')}: ${what} ${o.strand === 'both' ? 'both-strand ' : ''}embeddings) and ${idsPath}\n`);
  } finally {
    outputs.release();
    await genome?.close();
    saved.model.dispose();
  }
}

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description("sequence embeddings of a genomic language model (or an lm-classifier's encoder): the hidden states averaged over each sequence, N x hidden .npy")
    .requiredOption('--model <dir>', 'saved model folder (conv-lm, transformer-lm, lm-classifier)')
    .option('--fasta <file>', 'sequences to embed (FASTA, any lengths)')
    .option('--bed <file>', 'intervals to embed as they are, with --genome')
    .option('--genome <file>', 'reference genome (FASTA, bgzip FASTA or 2bit) for --bed')
    .requiredOption('--out <file.npy>', 'embeddings, N x hidden float32 (numpy .npy); the ids go beside it in <out>.ids.tsv')
    .option('--strand <which>', "'both': average with the reverse complement's embedding; 'forward': as written", 'both')
    .option('--pooling <how>', "'mean' or 'max' over each sequence's tokens ([N, dim]), or 'none': one embedding per token ([N, tokens, dim]; sequences of one length)", 'mean')
    .option('--batch-size <n>', 'sequences per forward pass (sequences of one length share a batch)', positiveInt, 64)
    .option('--threads <n>', 'libtorch threads (per worker with --workers; default 1 there)', positiveInt)
    .option('--workers <n>', WORKERS_HELP, positiveInt)
    .action((o: EmbedArgs) => runRanked({ processes: o.workers, threads: o.threads, check: () => checkArgs(o), run: (group) => embed(o, group) }));
}
