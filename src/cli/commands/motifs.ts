import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { resolveConfigPaths, trainConfigSchema } from '../../config/train.js';
import { discoverMotifs } from '../../interpret/discover-motifs.js';
import { writeMatchesTsv } from '../../interpret/motifs/compare.js';
import { readMeme, writeMeme, type BaseProbabilities } from '../../io/meme.js';
import { InputError } from '../../core/index.js';
import { loadModel } from '../../models/saved-model.js';
import { sequencesOfConfig } from '../../train/prepare-data.js';
import { writeMotifPage } from '../../report/motif-page.js';
import { readFastaRecords } from '../../io/sequence-table.js';

export function registerMotifs(program: Command): void {
  program
    .command('motifs')
    .description('motifs a saved model learned (first-layer filters and attribution seqlets), optionally matched against a MEME database')
    .requiredOption('--model <dir>', 'saved model folder')
    .option('--fasta <file>', 'sequences to read motifs from (e.g. positives)')
    .option('--config <file>', "or: a run config whose data gives the sequences (its table's or planted data's sequences)")
    .option('--compare <db.meme>', 'motif database in MEME format (e.g. JASPAR)')
    .option('--task <name>', 'output whose attributions give the seqlets; default the first')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (o: { model: string; fasta?: string; config?: string; compare?: string; task?: string; out: string }) => {
      const sequences = o.fasta !== undefined ? (await readFastaRecords(o.fasta)).sequences : await configSequences(o.config);
      const database = o.compare ? (await readMeme(o.compare)).motifs : undefined;
      const saved = loadModel(o.model);
      try {
        const motifs = discoverMotifs(saved, sequences, { ...(o.task ? { task: o.task } : {}), ...(database ? { database } : {}) });
        mkdirSync(o.out, { recursive: true });
        writeMeme(join(o.out, 'motifs.meme'), motifs.map((m) => ({ id: m.name, name: m.source, pwm: m.pwm.map((r) => [...r] as unknown as BaseProbabilities), nsites: m.sites })));
        writeMatchesTsv(join(o.out, 'matches.tsv'), motifs.flatMap((m) => m.matches.slice(0, 10)));
        const byId = new Map((database ?? []).map((d) => [d.id, d]));
        writeMotifPage(join(o.out, 'index.html'), {
          source: 'first-layer filters and gradient x input seqlets',
          ...(o.compare ? { database: o.compare } : {}),
          motifs: motifs.map((m) => ({
            name: `${m.name} (${m.source})`,
            pwm: m.pwm,
            sites: m.sites,
            matches: m.matches.slice(0, 10).map((x) => ({ targetName: x.targetName, targetId: x.target, pValue: x.pValue, qValue: x.qValue, offset: x.offset, strand: x.strand, score: x.score, targetPwm: byId.get(x.target)?.pwm ?? [] })),
          })),
        });
        for (const m of motifs) {
          const best = m.matches[0];
          process.stdout.write(`${m.name}\t${m.source}\t${m.sites} sites${best ? `\t${best.targetName} (${best.target}) q=${best.qValue.toExponential(2)}` : ''}\n`);
        }
        process.stderr.write(`wrote ${o.out}/motifs.meme, matches.tsv, index.html\n`);
      } finally {
        saved.model.dispose();
      }
    });
}

/** Sequences of a config's data (sequence tables, FASTA + labels, planted motifs). */
async function configSequences(path: string | undefined): Promise<string[]> {
  if (path === undefined) throw new InputError('give --fasta or --config');
  return sequencesOfConfig(resolveConfigPaths(loadConfig(trainConfigSchema, path), dirname(path), resolve));
}
