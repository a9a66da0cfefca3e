import type { Command } from 'commander';
import { InputError, setNumThreads } from '../../core/index.js';
import { gatherParts, ownsPart, type PartShard, type ProcessGroup } from '../../distributed/index.js';
import { predictProfiles, predictSequences, sequenceModelLength } from '../../interpret/predict.js';
import { AtomicFileWriter } from '../../io/atomic-write.js';
import { iterateBed, type BedRecord } from '../../io/bed.js';
import { countFastaRecords, iterateFastaRecords } from '../../io/fasta-records.js';
import { openGenome, type Genome } from '../../io/genome.js';
import { writeNpy } from '../../io/npy.js';
import { countLinesStartingWith } from '../../io/text-lines.js';
import { loadModel, type SavedModel } from '../../models/saved-model.js';
import { mergeRegions, predictTracks, type TrackRegion } from '../../interpret/prediction-tracks.js';
import { trackPaths, writeTrack } from '../../io/track-files.js';
import { bedWindow } from '../bed-windows.js';
import { InterruptedOutputs } from '../interrupted-outputs.js';
import { countProgress } from '../progress.js';
import { positiveInt } from '../parse.js';
import { chunks } from '../parts.js';
import { partShard, runRanked, WORKERS_HELP } from '../ranks.js';

/**
 * Sequences per part of the job (bounds memory on inputs of any size; the unit --workers share
 * out). A multiple of the prediction batch sizes, so every model batch is the one a single
 * process would run.
 */
const CHUNK = 256;

interface Named {
  id: string;
  sequence: string;
}

/** BED data lines (not headers, comments or blank lines), for the progress total. */
function countBedRecords(path: string): Promise<number> {
  return countLinesStartingWith(path, (b) => b !== 35 /* # */ && b !== 116 /* track */ && b !== 98 /* browser */ && b !== 10 && b !== 13);
}

/** One chunk's predictions: its TSV rows, and with --profiles its [n, outputs, positions] profiles. */
interface PredictedChunk {
  count: number;
  rows: string;
  profiles?: Float32Array;
  positions?: number;
}

interface PredictArgs {
  model: string;
  fasta?: string;
  bed?: string;
  genome?: string;
  regions?: string;
  tile?: number;
  out: string;
  profiles?: string;
  threads?: number;
  workers?: number;
}

function checkArgs(o: PredictArgs): void {
  if (o.tile !== undefined) {
    if ((o.bed === undefined) === (o.regions === undefined)) throw new InputError('--tile needs either --bed or --regions (with --genome)');
    if (o.genome === undefined) throw new InputError('--tile needs --genome');
    if (o.fasta !== undefined || o.profiles !== undefined || o.workers !== undefined) throw new InputError('--tile writes tracks from --bed / --regions; --fasta, --profiles and --workers do not apply');
    return;
  }
  if (o.regions !== undefined) throw new InputError('--regions is for tracks: add --tile STEP');
  if ((o.fasta === undefined) === (o.bed === undefined)) throw new InputError('give either --fasta or --bed (with --genome)');
  if (o.bed !== undefined && o.genome === undefined) throw new InputError('--bed needs --genome');
}

/** --regions chr:a-b[,chr:a-b...] (0-based half-open, as BED). */
function parseRegions(text: string): TrackRegion[] {
  return text.split(',').map((r) => {
    const m = /^([^:\s]+):([\d_]+)-([\d_]+)$/.exec(r.trim());
    if (m === null) throw new InputError(`--regions: expected chrom:start-end, got '${r}'`);
    return { chrom: m[1]!, start: Number(m[2]!.replace(/_/g, '')), end: Number(m[3]!.replace(/_/g, '')) };
  });
}

/** --tile: the model slid along the regions, one track file per output (src/interpret/prediction-tracks.ts). */
async function predictTrackFiles(o: PredictArgs): Promise<void> {
  const saved = loadModel(o.model);
  const genome = await openGenome(o.genome!);
  try {
    const sizes = genome.chromosomes();
    const given: TrackRegion[] = [];
    if (o.regions !== undefined) given.push(...parseRegions(o.regions));
    else for await (const r of iterateBed(o.bed!)) given.push({ chrom: r.chrom, start: r.start, end: r.end });
    const regions = mergeRegions(given, sizes, o.regions !== undefined ? '--regions' : o.bed!);
    if (regions.length === 0) throw new InputError(`${o.bed}: no regions`);
    const { format, paths } = trackPaths(o.out, saved.description.task.outputs);
    const progress = countProgress('predicting', 'windows', undefined);
    let result;
    try {
      result = await predictTracks(saved, genome, regions, o.tile!, { onProgress: (done) => progress.update(done) });
    } finally {
      progress.stop();
    }
    const chroms = [...sizes].map(([name, size]) => ({ name, size }));
    result.outputs.forEach((name, t) => writeTrack(paths[t]!, format, name, chroms, result.tracks[t]!));
    process.stderr.write(`predicted ${result.windows} windows over ${regions.length} region${regions.length === 1 ? '' : 's'} (tiles of ${o.tile} bp): wrote ${paths.join(', ')}\n`);
  } finally {
    await genome.close();
    saved.model.dispose();
  }
}

/** This rank's chunks of the input (all of them when alone), predicted in the input's order. */
async function* predictedChunks(o: PredictArgs, saved: SavedModel, genome: Genome | undefined, shard: PartShard | undefined): AsyncGenerator<PredictedChunk> {
  const length = sequenceModelLength(saved);
  const names = saved.description.task.outputs;
  const records: AsyncIterable<Named | BedRecord> = o.fasta !== undefined ? iterateFastaRecords(o.fasta) : iterateBed(o.bed!);
  let index = 0;
  for await (const chunk of chunks(records, CHUNK)) {
    if (!ownsPart(index++, shard)) continue;
    const named: Named[] = [];
    for (const r of chunk) named.push('sequence' in r ? r : await bedWindow(r, genome!, o.genome!, o.bed!, length));
    const sequences = named.map((c) => c.sequence);
    // With --profiles one forward gives both the counts column and the profiles.
    const profiles = o.profiles !== undefined ? predictProfiles(saved, sequences) : undefined;
    const values = profiles?.counts ?? predictSequences(saved, sequences).values;
    const rows = named.map((c, i) => [c.id, ...Array.from(values.subarray(i * names.length, (i + 1) * names.length), (v) => v.toPrecision(6))].join('\t'));
    yield { count: named.length, rows: `${rows.join('\n')}\n`, ...(profiles ? { profiles: profiles.values, positions: profiles.positions } : {}) };
  }
}

async function predict(o: PredictArgs, group: ProcessGroup | undefined): Promise<void> {
  checkArgs(o);
  if (o.tile !== undefined) {
    if (o.threads !== undefined) setNumThreads(o.threads);
    return predictTrackFiles(o);
  }
  if (o.threads !== undefined) setNumThreads(o.threads);
  const saved = loadModel(o.model);
  const genome = o.bed !== undefined ? await openGenome(o.genome!) : undefined;
  const leader = group === undefined || group.rank === 0;
  const outputs = new InterruptedOutputs();
  try {
    const length = sequenceModelLength(saved);
    if (o.profiles !== undefined && saved.description.task.kind !== 'profile') {
      throw new InputError(`--profiles needs a profile model (e.g. bpnet); this model's task is '${saved.description.task.kind}'`);
    }
    const own = predictedChunks(o, saved, genome, partShard(group));
    const predicted = group ? gatherParts(group, own) : own;
    if (!leader) {
      for await (const _ of predicted); // rank 0 writes
      return;
    }
    const total = o.fasta !== undefined ? await countFastaRecords(o.fasta) : await countBedRecords(o.bed!);
    const names = saved.description.task.outputs;
    const tsv = outputs.add(new AtomicFileWriter(o.out));
    tsv.write(`${['id', ...names].join('\t')}\n`);
    const profileParts: Float32Array[] = [];
    let positions = 0;
    let done = 0;
    const progress = countProgress('predicting', 'sequences', total);
    try {
      for await (const chunk of predicted) {
        tsv.write(chunk.rows);
        if (chunk.profiles !== undefined) {
          positions = chunk.positions!;
          profileParts.push(chunk.profiles);
        }
        done += chunk.count;
        progress.update(done);
      }
    } finally {
      progress.stop();
    }
    if (done === 0) throw new InputError(`${o.fasta ?? o.bed}: no sequences to predict`);
    if (o.profiles !== undefined) {
      const values = new Float32Array(profileParts.reduce((n, p) => n + p.length, 0));
      profileParts.reduce((at, p) => (values.set(p, at), at + p.length), 0);
      writeNpy(o.profiles, { data: values, shape: [done, names.length, positions] });
    }
    tsv.commit();
    process.stderr.write(`wrote ${done} predictions to ${o.out}\n`);
    if (o.profiles !== undefined) {
      const crop = (length - positions) / 2;
      process.stderr.write(`wrote ${o.profiles} (${done} x ${names.length} x ${positions}: expected counts; position 0 is base ${crop + 1} of each ${length} bp window)\n`);
    }
  } finally {
    outputs.release();
    await genome?.close();
    saved.model.dispose();
  }
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predictions of a saved model: one row a sequence or interval, one column an output (streamed: inputs of any size)')
    .requiredOption('--model <dir>', 'saved model folder')
    .option('--fasta <file>', 'sequences to score (FASTA, plain or gzip)')
    .option('--bed <file>', 'intervals to score (windows centred on each), with --genome')
    .option('--genome <file>', 'reference genome (FASTA or 2bit) for --bed')
    .option('--tile <bp>', 'tracks: slide the model along the --bed / --regions intervals in tiles of this many bases (profile models: base resolution); --out x.bw, x.bedGraph or a folder, one file per output', positiveInt)
    .option('--regions <list>', 'with --tile: chrom:start-end[,chrom:start-end...] instead of --bed')
    .requiredOption('--out <file>', 'output TSV (with --tile: x.bw, x.bedGraph or a folder of per-output bigWigs)')
    .option('--profiles <file.npy>', 'profile models (bpnet): also the predicted profiles, N x outputs x positions expected counts (numpy .npy, held in memory)')
    .option('--threads <n>', 'libtorch threads (per worker with --workers; default 1 there)', positiveInt)
    .option('--workers <n>', `${WORKERS_HELP}`, positiveInt)
    .action((o: PredictArgs) => runRanked({ processes: o.workers, threads: o.threads, check: () => checkArgs(o), run: (group) => predict(o, group) }));
}
