import type { Command } from 'commander';
import { InputError, setNumThreads } from '../../core/index.js';
import { gatherParts, ownsPart, type ProcessGroup } from '../../distributed/index.js';
import {
  assembleExplanation, EXPLAIN_CHUNK, EXPLAIN_METHODS, explainChunk, explainPlan, explanationOutput, type ExplainedChunk, type ExplainMethod, type ExplainOptions, type ExplainPlan,
} from '../../interpret/explain.js';
import { explainLanguageModel, PSEUDO_LOG_LIKELIHOOD } from '../../interpret/lm-explain.js';
import { fitLength } from '../../data/labelled-sequences.js';
import { isLanguageModel } from '../../models/language-model.js';
import { countProgress } from '../progress.js';
import { writeExplainOutput } from '../../io/explain-output.js';
import { readFastaRecords } from '../../io/fasta-records.js';
import { iterateBed } from '../../io/bed.js';
import { openGenome } from '../../io/genome.js';
import { writeTrack } from '../../io/track-files.js';
import { attributionTrack, type PlacedWindow } from '../../interpret/attribution-tracks.js';
import { bedWindow, type NamedWindow } from '../bed-windows.js';
import { loadModel, type SavedModel } from '../../models/saved-model.js';
import { writeFolderReport } from '../../report/folder-report.js';
import { positiveInt } from '../parse.js';
import { partShard, runRanked, WORKERS_HELP } from '../ranks.js';

interface ExplainArgs {
  model: string;
  fasta?: string;
  bed?: string;
  genome?: string;
  trackOut?: string;
  method: string;
  task?: string;
  head?: string;
  steps: number;
  shuffles: number;
  out: string;
  threads?: number;
  workers?: number;
}

function checkInputs(o: ExplainArgs): void {
  if ((o.fasta === undefined) === (o.bed === undefined)) throw new InputError('give either --fasta or --bed (with --genome)');
  if (o.bed !== undefined && o.genome === undefined) throw new InputError('--bed needs --genome');
  if (o.trackOut !== undefined && o.bed === undefined) throw new InputError('--track-out places attributions on the genome: give --bed and --genome');
  if (o.trackOut !== undefined && !/\.(bw|bigwig|bedgraph|bg)$/i.test(o.trackOut)) throw new InputError(`--track-out must name a .bw or .bedGraph file, got '${o.trackOut}'`);
}

/** The sequences to explain: FASTA records, or model windows centred on BED intervals (with where they lie). */
async function readInputs(o: ExplainArgs, length: number): Promise<{ ids: string[]; sequences: string[]; windows?: PlacedWindow[]; sizes?: ReadonlyMap<string, number> }> {
  if (o.fasta !== undefined) return readFastaRecords(o.fasta);
  const genome = await openGenome(o.genome!);
  try {
    const windows: NamedWindow[] = [];
    for await (const r of iterateBed(o.bed!)) windows.push(await bedWindow(r, genome, o.genome!, o.bed!, length));
    return { ids: windows.map((w) => w.id), sequences: windows.map((w) => w.sequence), windows, sizes: genome.chromosomes() };
  } finally {
    await genome.close();
  }
}

function checkMethod(o: ExplainArgs): ExplainMethod {
  if (!(EXPLAIN_METHODS as readonly string[]).includes(o.method)) throw new InputError(`unknown method '${o.method}'; choose one of ${EXPLAIN_METHODS.join(', ')}`);
  return o.method as ExplainMethod;
}

/** A masked LM is explained by its own ISM (lm-explain.ts), in chunks like the other methods. */
function languageModelPlan(saved: SavedModel, sequences: readonly string[]): ExplainPlan {
  const length = saved.description.input.length ?? 0;
  return {
    method: 'ism',
    task: PSEUDO_LOG_LIKELIHOOD,
    length,
    sequences: sequences.map((s) => fitLength(s, length)),
    outputs: [PSEUDO_LOG_LIKELIHOOD],
    chunks: Math.ceil(sequences.length / EXPLAIN_CHUNK),
  };
}

function languageModelChunk(saved: SavedModel, plan: ExplainPlan, index: number): ExplainedChunk {
  const start = index * EXPLAIN_CHUNK;
  const part = plan.sequences.slice(start, start + EXPLAIN_CHUNK);
  const e = explainLanguageModel(saved, part);
  return { start, count: part.length, attributions: e.attributions, predictions: e.predictions };
}

async function explain(o: ExplainArgs, group: ProcessGroup | undefined, methodGiven: boolean): Promise<void> {
  checkInputs(o);
  const method = checkMethod(o);
  if (o.threads !== undefined) setNumThreads(o.threads);
  const saved = loadModel(o.model);
  try {
    const lm = isLanguageModel(saved.model);
    if (lm && methodGiven && method !== 'ism') {
      throw new InputError(`a language model is explained by masked-LM in-silico mutagenesis (--method ism: log P(base) - log P(reference) with each position masked), not '${method}'`);
    }
    const { ids, sequences, windows, sizes } = await readInputs(o, saved.description.input.length ?? 0);
    const options: ExplainOptions = {
      method,
      ...(o.task ? { task: o.task } : {}),
      ...(o.head !== undefined ? { head: o.head as 'counts' | 'profile' } : {}),
      steps: o.steps,
      shuffles: o.shuffles,
    };
    const plan = lm ? languageModelPlan(saved, sequences) : explainPlan(saved, sequences, options);
    const shard = partShard(group);
    async function* ownChunks(): AsyncGenerator<ExplainedChunk> {
      for (let index = 0; index < plan.chunks; index++) {
        if (!ownsPart(index, shard)) continue;
        yield lm ? languageModelChunk(saved, plan, index) : explainChunk(saved, plan, index, options);
      }
    }
    const explained = group ? gatherParts(group, ownChunks()) : ownChunks();
    if (group !== undefined && group.rank !== 0) {
      for await (const _ of explained); // rank 0 writes
      return;
    }
    const chunks: ExplainedChunk[] = [];
    const progress = countProgress('explaining', 'sequences', plan.sequences.length);
    try {
      for await (const chunk of explained) {
        chunks.push(chunk);
        progress.update(chunk.start + chunk.count);
      }
    } finally {
      progress.stop();
    }
    const result = assembleExplanation(plan, chunks);
    const baseline = plan.method === 'ig' || plan.method === 'deeplift' ? { baseline: `${o.shuffles} dinucleotide-shuffled references` } : {};
    writeExplainOutput(o.out, explanationOutput(result, ids, { model: o.model, ...baseline }));
    await writeFolderReport(o.out, { indexCopy: true });
    if (o.trackOut !== undefined) {
      const track = attributionTrack(windows!, result.attributions, result.length, sizes!);
      const format = /\.(bw|bigwig)$/i.test(o.trackOut) ? 'bigwig' : 'bedgraph';
      writeTrack(o.trackOut, format, `${plan.method} ${plan.task}`, [...sizes!].map(([name, size]) => ({ name, size })), track);
      process.stderr.write(`wrote ${o.trackOut} (per-base attribution summed over A, C, G, T; overlapping windows averaged)\n`);
    }
    process.stderr.write(`wrote ${o.out}/attributions.npy (${ids.length} x ${result.length} x 4), predictions.tsv, sequences.fa, explain.json, report.html (and index.html)\n`);
  } finally {
    saved.model.dispose();
  }
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description(
      'attributions of a saved model for FASTA sequences: attributions.npy (N x L x 4), predictions.tsv, sequences.fa, explain.json, ' +
        'and report.html, the logo page (index.html is the same page)',
    )
    .requiredOption('--model <dir>', 'saved model folder')
    .option('--fasta <file>', 'sequences to explain')
    .option('--bed <file>', 'intervals to explain (model windows centred on each), with --genome')
    .option('--genome <file>', 'reference genome for --bed')
    .option('--track-out <file>', 'with --bed: also a track of per-base attribution (summed over A, C, G, T), .bw or .bedGraph')
    .option('--method <name>', `one of ${EXPLAIN_METHODS.join(', ')}; a masked language model is always explained by ism (each position masked: log P(base) - log P(reference), both strands)`, 'saliency')
    .option('--task <name>', 'output (task or class) to explain; default the first')
    .option('--head <name>', "profile models (bpnet): 'counts' (predicted log total counts, default) or 'profile' (softmax-weighted profile logits, as BPNet)")
    .option('--steps <n>', 'integrated-gradients steps', positiveInt, 50)
    .option('--shuffles <n>', 'dinucleotide-shuffled references (ig, deeplift)', positiveInt, 10)
    .requiredOption('--out <dir>', 'output folder')
    .option('--threads <n>', 'libtorch threads (per worker with --workers; default 1 there)', positiveInt)
    .option('--workers <n>', WORKERS_HELP, positiveInt)
    .action((o: ExplainArgs, command: Command) => {
      const methodGiven = command.getOptionValueSource('method') !== 'default';
      return runRanked({ processes: o.workers, threads: o.threads, check: () => {
          checkInputs(o);
          checkMethod(o);
        }, run: (group) => explain(o, group, methodGiven) });
    });
}
