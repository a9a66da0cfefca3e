import type { Command } from 'commander';
import { InputError, setNumThreads } from '../../core/index.js';
import { gatherParts, ownsPart, type ProcessGroup } from '../../distributed/index.js';
import {
  assembleExplanation, EXPLAIN_METHODS, explainChunk, explainPlan, explanationOutput, type ExplainedChunk, type ExplainMethod, type ExplainOptions,
} from '../../interpret/explain.js';
import { countProgress } from '../progress.js';
import { writeExplainOutput } from '../../io/explain-output.js';
import { readFastaRecords } from '../../io/fasta-records.js';
import { loadModel } from '../../models/saved-model.js';
import { writeFolderReport } from '../../report/folder-report.js';
import { positiveInt } from '../parse.js';
import { partShard, runRanked, WORKERS_HELP } from '../ranks.js';

interface ExplainArgs {
  model: string;
  fasta: string;
  method: string;
  task?: string;
  head?: string;
  steps: number;
  shuffles: number;
  out: string;
  threads?: number;
  workers?: number;
}

function checkMethod(o: ExplainArgs): ExplainMethod {
  if (!(EXPLAIN_METHODS as readonly string[]).includes(o.method)) throw new InputError(`unknown method '${o.method}'; choose one of ${EXPLAIN_METHODS.join(', ')}`);
  return o.method as ExplainMethod;
}

async function explain(o: ExplainArgs, group: ProcessGroup | undefined): Promise<void> {
  const method = checkMethod(o);
  if (o.threads !== undefined) setNumThreads(o.threads);
  const saved = loadModel(o.model);
  try {
    const { ids, sequences } = await readFastaRecords(o.fasta);
    const options: ExplainOptions = {
      method,
      ...(o.task ? { task: o.task } : {}),
      ...(o.head !== undefined ? { head: o.head as 'counts' | 'profile' } : {}),
      steps: o.steps,
      shuffles: o.shuffles,
    };
    const plan = explainPlan(saved, sequences, options);
    const shard = partShard(group);
    async function* ownChunks(): AsyncGenerator<ExplainedChunk> {
      for (let index = 0; index < plan.chunks; index++) if (ownsPart(index, shard)) yield explainChunk(saved, plan, index, options);
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
    const baseline = method === 'ig' || method === 'deeplift' ? { baseline: `${o.shuffles} dinucleotide-shuffled references` } : {};
    writeExplainOutput(o.out, explanationOutput(result, ids, { model: o.model, ...baseline }));
    await writeFolderReport(o.out, { indexCopy: true });
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
    .requiredOption('--fasta <file>', 'sequences to explain')
    .option('--method <name>', `one of ${EXPLAIN_METHODS.join(', ')}`, 'saliency')
    .option('--task <name>', 'output (task or class) to explain; default the first')
    .option('--head <name>', "profile models (bpnet): 'counts' (predicted log total counts, default) or 'profile' (softmax-weighted profile logits, as BPNet)")
    .option('--steps <n>', 'integrated-gradients steps', positiveInt, 50)
    .option('--shuffles <n>', 'dinucleotide-shuffled references (ig, deeplift)', positiveInt, 10)
    .requiredOption('--out <dir>', 'output folder')
    .option('--threads <n>', 'libtorch threads (per worker with --workers; default 1 there)', positiveInt)
    .option('--workers <n>', WORKERS_HELP, positiveInt)
    .action((o: ExplainArgs) => runRanked({ processes: o.workers, threads: o.threads, check: () => void checkMethod(o), run: (group) => explain(o, group) }));
}
