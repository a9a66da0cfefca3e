import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { centerWindow } from '../../genomics/intervals.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { readBed } from '../../io/bed.js';
import { openGenome } from '../../io/genome.js';
import { predictProfiles, predictSequences, type Predictions } from '../../interpret/predict.js';
import { countProgress } from '../progress.js';
import { writeNpy } from '../../io/npy.js';
import { loadModel } from '../../models/saved-model.js';
import { readFastaRecords } from '../../io/sequence-table.js';

async function bedWindows(bedPath: string, genomePath: string, length: number): Promise<{ ids: string[]; sequences: string[] }> {
  const records = await readBed(bedPath);
  const genome = await openGenome(genomePath);
  try {
    const sizes = genome.chromosomes();
    const ids: string[] = [];
    const sequences: string[] = [];
    for (const r of records) {
      const size = sizes.get(r.chrom);
      if (size === undefined) throw new InputError(`${bedPath}: chromosome '${r.chrom}' is not in ${genomePath}`);
      const w = centerWindow(r, length);
      const start = Math.max(0, w.start);
      const end = Math.min(size, w.end);
      // Windows reaching past a chromosome end are padded with N.
      const bases = 'N'.repeat(start - w.start) + (await genome.fetch(r.chrom, start, end)) + 'N'.repeat(w.end - end);
      ids.push(r.name ?? `${r.chrom}:${r.start}-${r.end}`);
      sequences.push(bases);
    }
    return { ids, sequences };
  } finally {
    await genome.close();
  }
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predictions of a saved model: one row a sequence or interval, one column an output')
    .requiredOption('--model <dir>', 'saved model folder')
    .option('--fasta <file>', 'sequences to score (FASTA)')
    .option('--bed <file>', 'intervals to score (windows centred on each), with --genome')
    .option('--genome <file>', 'reference genome (FASTA or 2bit) for --bed')
    .requiredOption('--out <file>', 'output TSV')
    .option('--profiles <file.npy>', 'profile models (bpnet): also the predicted profiles, N x outputs x positions expected counts (numpy .npy)')
    .action(async (o: { model: string; fasta?: string; bed?: string; genome?: string; out: string; profiles?: string }) => {
      if ((o.fasta === undefined) === (o.bed === undefined)) throw new InputError('give either --fasta or --bed (with --genome)');
      if (o.bed !== undefined && o.genome === undefined) throw new InputError('--bed needs --genome');
      const saved = loadModel(o.model);
      try {
        if (o.profiles !== undefined && saved.description.task.kind !== 'profile') {
          throw new InputError(`--profiles needs a profile model (e.g. bpnet); this model's task is '${saved.description.task.kind}'`);
        }
        const length = saved.description.input.length ?? 0;
        const input = o.fasta !== undefined ? await readFastaRecords(o.fasta) : await bedWindows(o.bed!, o.genome!, length);
        const progress = countProgress('predicting', 'sequences', input.sequences.length);
        let predictions: Predictions;
        try {
          predictions = predictSequences(saved, input.sequences, { onProgress: (done) => progress.update(done) });
        } finally {
          progress.stop();
        }
        const { outputs, values } = predictions;
        const profiles = o.profiles !== undefined ? predictProfiles(saved, input.sequences) : undefined;
        const lines = [['id', ...outputs].join('\t')];
        input.ids.forEach((id, i) => lines.push([id, ...Array.from(values.subarray(i * outputs.length, (i + 1) * outputs.length), (v) => v.toPrecision(6))].join('\t')));
        writeFileAtomic(o.out, `${lines.join('\n')}\n`);
        process.stderr.write(`wrote ${input.ids.length} predictions to ${o.out}\n`);
        if (profiles !== undefined) {
          writeNpy(o.profiles!, { data: profiles.values, shape: [input.ids.length, profiles.outputs.length, profiles.positions] });
          const crop = (length - profiles.positions) / 2;
          process.stderr.write(
            `wrote ${o.profiles} (${input.ids.length} x ${profiles.outputs.length} x ${profiles.positions}: expected counts; position 0 is base ${crop + 1} of each ${length} bp window)\n`,
          );
        }
      } finally {
        saved.model.dispose();
      }
    });
}
