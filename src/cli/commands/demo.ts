import type { Command } from 'commander';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.js';
import { demoConfigText } from '../../config/examples.js';
import { trainConfigSchema } from '../../config/train.js';
import { setNumThreads } from '../../core/index.js';
import { discoverMotifs, motifsOutput } from '../../interpret/discover-motifs.js';
import { explainSequences, explanationOutput, saliencyExamples } from '../../interpret/explain.js';
import { writeExplainOutput } from '../../io/explain-output.js';
import { writeMotifsOutput } from '../../io/motifs-output.js';
import { loadModel } from '../../models/saved-model.js';
import { writeFolderReport } from '../../report/folder-report.js';
import { sequencesOfConfig } from '../../train/prepare-data.js';
import { trainFromConfig } from '../../train/run-training.js';
import { nonNegativeInt, positiveInt } from '../parse.js';
import { progressReporter } from '../progress.js';

/** Saliency of the first 8 sequences under out/explain, first-layer / seqlet motifs of 1,000 under out/motifs; each with its report.html. */
async function explainDemo(out: string, sequences: string[]): Promise<{ motifs: number }> {
  const saved = loadModel(out);
  try {
    const shown = sequences.slice(0, 8);
    const explanation = explainSequences(saved, shown, { method: 'saliency' });
    const explainDir = join(out, 'explain');
    writeExplainOutput(explainDir, explanationOutput(explanation, shown.map((_, i) => `seq${i + 1}`), { model: out }));
    await writeFolderReport(explainDir, { indexCopy: true });
    const motifs = discoverMotifs(saved, sequences.slice(0, 1000), { maxClusters: 4 });
    const motifsDir = join(out, 'motifs');
    writeMotifsOutput(motifsDir, motifsOutput(motifs));
    await writeFolderReport(motifsDir, { indexCopy: true });
    return { motifs: motifs.length };
  } finally {
    saved.model.dispose();
  }
}

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
        explainExamples: saliencyExamples,
      });
      for (const [task, m] of Object.entries(result.test.perTask)) process.stdout.write(`held-out AUROC ${task}: ${m.auroc!.toFixed(4)}\n`);
      process.stdout.write(`held-out AUROC ${result.test.mean.auroc!.toFixed(4)}\n`);
      // Explain: attributions of a few sequences, and the motifs the filters learned; then one report of it all.
      const explained = await explainDemo(o.out, await sequencesOfConfig(config));
      const report = await writeFolderReport(o.out);
      process.stdout.write(`report: ${report}\nattributions: ${o.out}/explain/report.html\nmotifs: ${o.out}/motifs/report.html (${explained.motifs} motifs)\n`);
    });
}
