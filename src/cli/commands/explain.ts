import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { EXPLAIN_METHODS, explainSequences, explanationOutput, type ExplainMethod } from '../../interpret/explain.js';
import { withCountProgress } from '../progress.js';
import { writeExplainOutput } from '../../io/explain-output.js';
import { readFastaRecords } from '../../io/fasta-records.js';
import { loadModel } from '../../models/saved-model.js';
import { writeFolderReport } from '../../report/folder-report.js';
import { positiveInt } from '../parse.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description(
      'attributions of a saved model for FASTA sequences: attributions.npy (N x L x 4), predictions.tsv, sequences.fa, explain.json, ' +
        'and report.html, the logo page (index.html is the same page)',
    )
    .requiredOption('--model <dir>', 'saved model folder')
    .requiredOption('--fasta <file>', 'sequences to explain')
    .option('--method <name>', `one of ${EXPLAIN_METHODS.join(', ')}`, 'saliency')
    .option('--task <name>', 'output (task or class) to explain; default the first')
    .option('--head <name>', "profile models (bpnet): 'counts' (predicted log total counts, default) or 'profile' (softmax-weighted profile logits, as BPNet)")
    .option('--steps <n>', 'integrated-gradients steps', positiveInt, 50)
    .option('--shuffles <n>', 'dinucleotide-shuffled references (ig, deeplift)', positiveInt, 10)
    .requiredOption('--out <dir>', 'output folder')
    .action(async (o: { model: string; fasta: string; method: string; task?: string; head?: string; steps: number; shuffles: number; out: string }) => {
      if (!(EXPLAIN_METHODS as readonly string[]).includes(o.method)) throw new InputError(`unknown method '${o.method}'; choose one of ${EXPLAIN_METHODS.join(', ')}`);
      const method = o.method as ExplainMethod;
      const saved = loadModel(o.model);
      try {
        const { ids, sequences } = await readFastaRecords(o.fasta);
        const result = withCountProgress('explaining', 'sequences', sequences.length, (onProgress) =>
          explainSequences(saved, sequences, {
            method,
            ...(o.task ? { task: o.task } : {}),
            ...(o.head !== undefined ? { head: o.head as 'counts' | 'profile' } : {}),
            steps: o.steps,
            shuffles: o.shuffles,
            onProgress,
          }),
        );
        const baseline = method === 'ig' || method === 'deeplift' ? { baseline: `${o.shuffles} dinucleotide-shuffled references` } : {};
        writeExplainOutput(o.out, explanationOutput(result, ids, { model: o.model, ...baseline }));
        await writeFolderReport(o.out, { indexCopy: true });
        process.stderr.write(`wrote ${o.out}/attributions.npy (${ids.length} x ${result.length} x 4), predictions.tsv, sequences.fa, explain.json, report.html (and index.html)\n`);
      } finally {
        saved.model.dispose();
      }
    });
}
