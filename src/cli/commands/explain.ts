import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/index.js';
import { attributionTracks, EXPLAIN_METHODS, explainSequences, type ExplainMethod } from '../../interpret/explain.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { writeNpy } from '../../io/npy.js';
import { loadModel } from '../../models/saved-model.js';
import { writeAttributionPage } from '../../report/attribution-page.js';
import { readFastaRecords } from '../../io/sequence-table.js';
import { positiveInt } from '../parse.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('attributions of a saved model for FASTA sequences: attributions.npy (N x L x 4) and a logo page')
    .requiredOption('--model <dir>', 'saved model folder')
    .requiredOption('--fasta <file>', 'sequences to explain')
    .option('--method <name>', `one of ${EXPLAIN_METHODS.join(', ')}`, 'saliency')
    .option('--task <name>', 'output (task or class) to explain; default the first')
    .option('--steps <n>', 'integrated-gradients steps', positiveInt, 50)
    .option('--shuffles <n>', 'dinucleotide-shuffled references (ig, deeplift)', positiveInt, 10)
    .requiredOption('--out <dir>', 'output folder')
    .action(async (o: { model: string; fasta: string; method: string; task?: string; steps: number; shuffles: number; out: string }) => {
      if (!(EXPLAIN_METHODS as readonly string[]).includes(o.method)) throw new InputError(`unknown method '${o.method}'; choose one of ${EXPLAIN_METHODS.join(', ')}`);
      const method = o.method as ExplainMethod;
      const saved = loadModel(o.model);
      try {
        const { ids, sequences } = await readFastaRecords(o.fasta);
        const result = explainSequences(saved, sequences, { method, ...(o.task ? { task: o.task } : {}), steps: o.steps, shuffles: o.shuffles });
        mkdirSync(o.out, { recursive: true });
        const L = result.length;
        writeNpy(join(o.out, 'attributions.npy'), { data: result.attributions, shape: [ids.length, L, 4] });
        const T = result.outputs.length;
        writeFileAtomic(
          join(o.out, 'predictions.tsv'),
          [['id', ...result.outputs].join('\t'), ...ids.map((id, i) => [id, ...Array.from(result.predictions.subarray(i * T, (i + 1) * T), (v) => v.toPrecision(6))].join('\t'))].join('\n') + '\n',
        );
        writeAttributionPage(join(o.out, 'index.html'), {
          method,
          task: result.task,
          model: o.model,
          ...(method === 'ig' || method === 'deeplift' ? { baseline: `${o.shuffles} dinucleotide-shuffled references` } : {}),
          sequences: attributionTracks(result, ids),
        });
        process.stderr.write(`wrote ${o.out}/attributions.npy (${ids.length} x ${L} x 4), predictions.tsv, index.html\n`);
      } finally {
        saved.model.dispose();
      }
    });
}
