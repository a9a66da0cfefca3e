import type { Command } from 'commander';
import { parseConfig } from '../../config/load.js';
import { demoConfigText } from '../../config/examples.js';
import { trainConfigSchema } from '../../config/train.js';
import { setNumThreads } from '../../core/index.js';
import { trainFromConfig } from '../../train/run-training.js';
import { nonNegativeInt, positiveInt } from '../parse.js';
import { sequencesOfConfig } from '../../train/prepare-data.js';
import { loadModel } from '../../models/saved-model.js';
import { attributionTracks, explainSequences } from '../../interpret/explain.js';
import { discoverMotifs } from '../../interpret/discover-motifs.js';
import { writeAttributionPage } from '../../report/attribution-page.js';
import { writeMotifPage } from '../../report/motif-page.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Saliency logos of the first 8 sequences and the first-layer / seqlet motifs of 1,000, under out/explain and out/motifs. */
async function explainDemo(out: string, sequences: string[]): Promise<{ motifs: number }> {
  const saved = loadModel(out);
  try {
    const shown = sequences.slice(0, 8);
    const e = explainSequences(saved, shown, { method: 'saliency' });
    mkdirSync(join(out, 'explain'), { recursive: true });
    writeAttributionPage(join(out, 'explain', 'index.html'), {
      method: 'saliency',
      task: e.task,
      model: out,
      sequences: attributionTracks(e, shown.map((_, i) => `sequence ${i + 1}`)),
    });
    const motifs = discoverMotifs(saved, sequences.slice(0, 1000), { maxClusters: 4 });
    mkdirSync(join(out, 'motifs'), { recursive: true });
    writeMotifPage(join(out, 'motifs', 'index.html'), {
      source: 'first-layer filters and gradient x input seqlets',
      motifs: motifs.map((m) => ({ name: `${m.name} (${m.source})`, pwm: m.pwm, sites: m.sites, matches: [] })),
    });
    return { motifs: motifs.length };
  } finally {
    saved.model.dispose();
  }
}
import { progressReporter } from '../progress.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job on a built-in default: generate planted-motif data, train, evaluate, explain, write reports')
    .option('--out <dir>', 'output folder', 'strand-demo')
    .option('--seed <n>', 'random seed', nonNegativeInt, 1)
    .option('--epochs <n>', 'training epochs', positiveInt, 8)
    .option('--threads <n>', 'libtorch threads', positiveInt)
    .option('--plain', 'plain progress lines even on a terminal')
    .action(async (o: { out: string; seed: number; epochs: number; threads?: number; plain?: boolean }) => {
      if (o.threads !== undefined) setNumThreads(o.threads);
      const config = parseConfig(trainConfigSchema, demoConfigText(o.seed, o.epochs), 'built-in demo config');
      const result = await trainFromConfig(config, {
        outDir: o.out,
        onEvent: progressReporter({ plain: o.plain === true }),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      for (const [task, m] of Object.entries(result.test.perTask)) process.stdout.write(`held-out AUROC ${task}: ${m.auroc!.toFixed(4)}\n`);
      process.stdout.write(`held-out AUROC ${result.test.mean.auroc!.toFixed(4)}\n`);
      // Explain: attributions of a few sequences, and the motifs the filters learned.
      const explained = await explainDemo(o.out, await sequencesOfConfig(config));
      process.stdout.write(`report: ${o.out}/report.html\nattributions: ${o.out}/explain/index.html\nmotifs: ${o.out}/motifs/index.html (${explained.motifs} motifs)\n`);
    });
}
