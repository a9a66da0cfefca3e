import type { Command } from 'commander';
import { loadTrainConfig } from '../../train/load-train-config.js';
import { InputError } from '../../core/index.js';
import { discoverMotifs, motifsOutput } from '../../interpret/discover-motifs.js';
import { withCountProgress } from '../progress.js';
import { readMeme } from '../../io/meme.js';
import { writeMotifsOutput } from '../../io/motifs-output.js';
import { readFastaRecords } from '../../io/fasta-records.js';
import { loadModel } from '../../models/saved-model.js';
import { writeFolderReport } from '../../report/folder-report.js';
import { sequencesOfConfig } from '../../train/prepare-data.js';

export function registerMotifs(program: Command): void {
  program
    .command('motifs')
    .description(
      'motifs a saved model learned (first-layer filters and attribution seqlets), optionally matched against a MEME database: ' +
        'motifs.meme, matches.tsv, motifs.json (and database-motifs.meme), and report.html, the logo page (index.html is the same page)',
    )
    .requiredOption('--model <dir>', 'saved model folder')
    .option('--fasta <file>', 'sequences to read motifs from (e.g. positives)')
    .option('--config <file>', "or: a run config whose data gives the sequences (its table's or planted data's sequences)")
    .option('--compare <db.meme>', 'motif database in MEME format (e.g. JASPAR)')
    .option('--task <name>', 'output whose attributions give the seqlets; default the first')
    .option('--head <name>', "profile models (bpnet): the head whose attributions give the seqlets, 'counts' (default) or 'profile'")
    .requiredOption('--out <dir>', 'output folder')
    .action(async (o: { model: string; fasta?: string; config?: string; compare?: string; task?: string; head?: string; out: string }) => {
      const sequences = o.fasta !== undefined ? (await readFastaRecords(o.fasta)).sequences : await configSequences(o.config);
      const database = o.compare ? (await readMeme(o.compare)).motifs : undefined;
      const saved = loadModel(o.model);
      try {
        const motifs = withCountProgress('attributions', 'sequences', sequences.length, (onProgress) =>
          discoverMotifs(saved, sequences, {
            ...(o.task ? { task: o.task } : {}),
            ...(o.head !== undefined ? { head: o.head as 'counts' | 'profile' } : {}),
            ...(database ? { database } : {}),
            onProgress,
          }),
        );
        writeMotifsOutput(o.out, motifsOutput(motifs, database && o.compare ? { path: o.compare, motifs: database } : undefined));
        await writeFolderReport(o.out, { indexCopy: true });
        for (const m of motifs) {
          const best = m.matches[0];
          process.stdout.write(`${m.name}\t${m.source}\t${m.sites} sites${best ? `\t${best.targetName} (${best.target}) q=${best.qValue.toExponential(2)}` : ''}\n`);
        }
        process.stderr.write(`wrote ${o.out}/motifs.meme, matches.tsv, motifs.json${database ? ', database-motifs.meme' : ''}, report.html (and index.html)\n`);
      } finally {
        saved.model.dispose();
      }
    });
}

/** Sequences of a config's data (sequence tables, FASTA + labels, planted motifs). */
async function configSequences(path: string | undefined): Promise<string[]> {
  if (path === undefined) throw new InputError('give --fasta or --config');
  return sequencesOfConfig(loadTrainConfig(path));
}
