import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, setNumThreads } from '../../core/index.js';
import { gatherParts, ownsPart, type ProcessGroup } from '../../distributed/index.js';
import { parseRegion } from '../../genomics/intervals.js';
import { VARIANT_PROBLEM_KINDS } from '../../genomics/variant-windows.js';
import { EFFECT_SCORES, leftAlignAlleles, type EffectScore } from '../../interpret/variant-effect.js';
import { scoreVcf, VariantProblemTally, type ProblemPolicy, type ScoredAllele, type VcfScoring } from '../../interpret/score-vcf.js';
import { AtomicFileWriter } from '../../io/atomic-write.js';
import { openGenome, type Genome } from '../../io/genome.js';
import { countVcfRecords, type VcfRecord } from '../../io/vcf.js';
import { infoHeaderLine, infoKeyPart, insertHeaderLines, appendInfo } from '../../io/vcf-annotate.js';
import { variantAttributions } from '../../interpret/variant-attributions.js';
import { VariantEffectSummary, type VariantEffectSummaryResult } from '../../interpret/variant-summary.js';
import { isLanguageModel } from '../../models/language-model.js';
import { loadModel, type SavedModel } from '../../models/saved-model.js';
import { writeVariantReport, type VariantExampleRecord } from '../../report/variant-report.js';
import { InterruptedOutputs } from '../interrupted-outputs.js';
import { countProgress } from '../progress.js';
import { positiveInt } from '../parse.js';
import { partShard, runRanked, WORKERS_HELP } from '../ranks.js';

interface ScoreVariantsOptions {
  model: string;
  vcf: string;
  genome: string;
  out: string;
  vcfOut?: string;
  skipped?: string;
  region: string[];
  batchSize: number;
  bothStrands?: boolean;
  leftAlign?: boolean;
  scores?: string;
  outputs?: string;
  onProblem: string;
  infoPrefix: string;
  threads?: number;
  workers?: number;
  report: string | boolean;
}

const SCORE_MEANINGS: Readonly<Record<EffectScore, string>> = {
  ref: 'prediction for the reference allele (log counts for profile models)',
  alt: 'prediction for the alternative allele (log counts for profile models)',
  diff: 'alt - ref',
  abs_diff: '|alt - ref|',
  log2fc: 'log2((alt + 1e-6) / (ref + 1e-6))',
  logit_diff: 'logit(alt) - logit(ref)',
  profile_jsd: 'Jensen-Shannon divergence (bits) of the alternative profile from the reference profile',
  llr: 'language model zero-shot log P(alt) - log P(ref) at the masked variant position, both strands averaged (SNVs)',
  embed_cosine: 'cosine distance between the language model mean embeddings of the ref and alt windows',
  embed_l2: 'L2 distance between the language model mean embeddings of the ref and alt windows',
};

/** Compact number text: 6 significant digits; NaN as `missing`. */
function formatValue(v: number, missing: string): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : Number.isNaN(v) ? missing : String(v);
}

function variantColumns(record: VcfRecord, alt: string): string[] {
  return [record.chrom, String(record.start + 1), record.ids.length > 0 ? record.ids.join(';') : '.', record.ref, alt];
}

function parseScores(text: string | undefined): EffectScore[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const n of names) {
    if (!(EFFECT_SCORES as readonly string[]).includes(n)) throw new InputError(`--scores: unknown score '${n}'; choose from ${EFFECT_SCORES.join(', ')}`);
  }
  return names as EffectScore[];
}

/** INFO keys for each output and score, unique, and not already used by the input VCF. */
function infoKeys(scoring: VcfScoring, prefix: string): { status: string; values: string[][] } {
  const base = infoKeyPart(prefix);
  const taken = new Set(Object.keys(scoring.header.info));
  const used = new Set<string>();
  const unique = (key: string): string => {
    let k = key;
    for (let n = 2; used.has(k); n++) k = `${key}_${n}`;
    if (taken.has(k)) throw new InputError(`the input VCF already has INFO/${k}; choose another --info-prefix than '${prefix}'`);
    used.add(k);
    return k;
  };
  const status = unique(`${base}_STATUS`);
  const values = scoring.outputs.map((output) => scoring.scores.map((score) => unique(`${base}_${infoKeyPart(output)}_${score}`)));
  return { status, values };
}

function vcfHeader(scoring: VcfScoring, keys: { status: string; values: string[][] }, o: ScoreVariantsOptions): string {
  const lines = [
    `##strand_score_variants=<Model="${o.model}",Genome="${o.genome}",BothStrands=${o.bothStrands === true},LeftAlign=${o.leftAlign === true}>`,
    infoHeaderLine({ id: keys.status, number: 'A', type: 'String', description: `Strand score-variants: 'scored', or why the allele was not scored (${VARIANT_PROBLEM_KINDS.join(', ')})` }),
  ];
  scoring.outputs.forEach((output, t) =>
    scoring.scores.forEach((score, s) =>
      lines.push(infoHeaderLine({ id: keys.values[t]![s]!, number: 'A', type: 'Float', description: `Strand score-variants ${score} (${SCORE_MEANINGS[score]}) for output '${output}' of model ${o.model}` })),
    ),
  );
  return insertHeaderLines(scoring.header.text, lines);
}

function vcfInfo(alleles: readonly ScoredAllele[], keys: { status: string; values: string[][] }, scoreCount: number): string[] {
  const entries = [`${keys.status}=${alleles.map((a) => (a.problem ? a.problem.kind : 'scored')).join(',')}`];
  if (alleles.every((a) => a.values === undefined)) return entries;
  keys.values.forEach((row, t) =>
    row.forEach((key, s) => entries.push(`${key}=${alleles.map((a) => (a.values ? formatValue(a.values[t * scoreCount + s]!, '.') : '.')).join(',')}`)),
  );
  return entries;
}

/** Attribution logos of the REF and ALT windows of the 3 largest effects of the first 4 outputs (profile models: of the counts head). */
async function reportExamples(saved: SavedModel, genome: Genome, result: VariantEffectSummaryResult, leftAlign: boolean): Promise<VariantExampleRecord[]> {
  const index = result.scores.indexOf(result.score);
  const examples: VariantExampleRecord[] = [];
  for (const o of result.outputs.slice(0, 4)) {
    const top = o.top.slice(0, 3);
    const written = top.map((v) => ({ chrom: v.chrom, start: v.pos - 1, ref: v.ref, alt: v.alt }));
    const tracks = await variantAttributions(saved, genome, leftAlign ? await leftAlignAlleles(genome, written) : written, o.output);
    top.forEach((v, i) => examples.push({ output: o.output, label: `${v.chrom}:${v.pos}${v.id === '.' ? '' : ` ${v.id}`} ${v.ref}>${v.alt}`, effect: v.values[index]!, ...tracks[i]! }));
  }
  return examples;
}

function checkOptions(o: ScoreVariantsOptions): void {
  if (o.onProblem !== 'skip' && o.onProblem !== 'fail') throw new InputError(`--on-problem must be skip or fail, got '${o.onProblem}'`);
  parseScores(o.scores);
  o.region.forEach(parseRegion);
}

function besideOut(out: string, suffix: string): string {
  return `${out.replace(/\.tsv$/i, '')}${suffix}`;
}

async function scoreVariants(o: ScoreVariantsOptions, group: ProcessGroup | undefined): Promise<void> {
  checkOptions(o);
  const scores = parseScores(o.scores);
  if (o.threads !== undefined) setNumThreads(o.threads);
  const regions = o.region.map(parseRegion);
  const saved = loadModel(o.model);
  // A language model's zero-shot LLR averages both strands unless asked not to (--no-both-strands is not offered: it is the method).
  const lm = isLanguageModel(saved.model);
  const bothStrands = lm || o.bothStrands === true;
  const genome = await openGenome(o.genome);
  const leader = group === undefined || group.rank === 0;
  const shard = partShard(group);
  const outputs = new InterruptedOutputs();
  try {
    const scoring = await scoreVcf(saved, genome, o.vcf, {
      ...(shard ? { ownsRound: (round: number) => ownsPart(round, shard) } : {}),
      batchSize: o.batchSize,
      bothStrands,
      leftAlign: o.leftAlign === true,
      onProblem: o.onProblem as ProblemPolicy,
      keepText: o.vcfOut !== undefined,
      ...(scores ? { scores } : {}),
      ...(o.outputs !== undefined ? { outputs: o.outputs.split(',').map((n) => n.trim()).filter((n) => n.length > 0) } : {}),
      ...(regions.length > 0 ? { regions } : {}),
    });
    const batches = group ? gatherParts(group, scoring.batches) : scoring.batches;
    if (!leader) {
      for await (const _ of batches); // rank 0 writes
      return;
    }
    const keys = o.vcfOut !== undefined ? infoKeys(scoring, o.infoPrefix) : undefined;
    const tsv = outputs.add(new AtomicFileWriter(o.out));
    tsv.write(`${['chrom', 'pos', 'id', 'ref', 'alt', ...scoring.outputs.flatMap((t) => scoring.scores.map((s) => `${t}:${s}`))].join('\t')}\n`);
    const skippedFile = o.skipped ?? besideOut(o.out, '.skipped.tsv');
    const skipped = outputs.add(new AtomicFileWriter(skippedFile));
    skipped.write('chrom\tpos\tid\tref\talt\tproblem\tmessage\n');
    const vcf = o.vcfOut !== undefined ? outputs.add(new AtomicFileWriter(o.vcfOut, { bgzf: /\.b?gz$/i.test(o.vcfOut) })) : undefined;
    if (vcf) {
      vcf.write(`${vcfHeader(scoring, keys!, o)}\n`);
    }
    const tally = new VariantProblemTally(o.vcf);
    const summary = new VariantEffectSummary(scoring.outputs, scoring.scores);
    const total = regions.length === 0 ? await countVcfRecords(o.vcf) : undefined;
    const progress = countProgress('scoring', 'variants', total);
    const started = Date.now();
    let records = 0;
    let scored = 0;
    try {
      for await (const batch of batches) {
        for (const { record, alleles } of batch) {
          for (const a of alleles) {
            tally.add(a);
            const columns = variantColumns(record, a.allele.alts[0] ?? '.');
            if (a.values) {
              scored++;
              summary.add({ chrom: record.chrom, pos: record.start + 1, id: columns[2]!, ref: record.ref, alt: columns[4]! }, a.values);
              const values = Array.from(a.values, (v) => formatValue(v, 'NA'));
              tsv.write(`${columns.join('\t')}\t${values.join('\t')}\n`);
            } else if (a.problem) {
              skipped.write(`${columns.join('\t')}\t${a.problem.kind}\t${a.problem.message}\n`);
            }
          }
          if (vcf) vcf.write(`${appendInfo(record.text!, vcfInfo(alleles, keys!, scoring.scores.length))}\n`);
        }
        records += batch.length;
        progress.update(records);
      }
    } finally {
      progress.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    for (const line of tally.summary()) process.stderr.write(`${line}\n`);
    if (scored === 0 && tally.skipped > 0) {
      throw new InputError(`none of the ${tally.skipped} alleles in ${o.vcf} could be scored (see above); nothing written`);
    }
    if (tally.skipped === 0) {
      skipped.abort();
      rmSync(skippedFile, { force: true }); // a list from an earlier run would no longer be true
    }
    for (const w of outputs.writers) if (w !== skipped || tally.skipped > 0) w.commit();
    const reportPath = o.report === false ? undefined : typeof o.report === 'string' ? o.report : besideOut(o.out, '.report.html');
    if (reportPath !== undefined) {
      const result = summary.result();
      writeVariantReport(reportPath, {
        examples: lm ? [] : await reportExamples(saved, genome, result, o.leftAlign === true),
        model: o.model,
        vcf: o.vcf,
        genome: o.genome,
        bothStrands,
        skipped: [...tally.counts].map(([kind, count]) => ({ kind, count })),
        summary: result,
      });
    }
    process.stderr.write(
      `scored ${scored} alleles of ${records} variants in ${seconds.toFixed(1)} s (${(records / Math.max(seconds, 1e-3)).toFixed(0)} variants/s); ` +
        `wrote ${o.out}${o.vcfOut ? `, ${o.vcfOut}` : ''}${reportPath ? `, ${reportPath}` : ''}${tally.skipped > 0 ? `; ${tally.skipped} skipped alleles in ${skippedFile}` : ''}\n`,
    );
  } finally {
    outputs.release();
    await genome.close();
    saved.model.dispose();
  }
}

export function registerScoreVariants(program: Command): void {
  program
    .command('score-variants')
    .description('effects of VCF variants on each output of a saved model: ref / alt predictions and effect scores per allele')
    .requiredOption('--model <dir>', 'saved model folder')
    .requiredOption('--vcf <file>', 'variants (VCF, plain / gzip / bgzip)')
    .requiredOption('--genome <file>', 'reference genome the VCF was called on (FASTA, bgzip FASTA or 2bit)')
    .requiredOption('--out <file>', 'output TSV: chrom, pos, id, ref, alt, then one column per output and score')
    .option('--vcf-out <file>', 'also write the input VCF with the scores as INFO fields (bgzip when the name ends in .gz)')
    .option('--skipped <file>', 'alleles that could not be scored, with the reason (default: OUT with .skipped.tsv)')
    .option('--region <region>', 'only this region, chrom[:start-end] 1-based (repeatable; needs a bgzip VCF with a tabix index)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--batch-size <n>', 'variants per model batch', positiveInt, 64)
    .option('--both-strands', 'average each prediction over the window and its reverse complement (always, for a language model)')
    .option('--left-align', 'left-align and trim alleles against the genome before placing their windows (as bcftools norm -f); rows keep the VCF\'s representation')
    .option('--scores <list>', `comma-separated subset of ${EFFECT_SCORES.join(', ')} (default: all the model's task supports)`)
    .option('--outputs <list>', 'comma-separated output (task or class) names to report (default: all)')
    .option('--on-problem <policy>', 'skip: report and skip alleles that cannot be scored (REF mismatch, symbolic, missing chromosome, chromosome end); fail: stop at the first', 'skip')
    .option('--info-prefix <text>', 'prefix of the INFO keys written with --vcf-out', 'STRAND')
    .option('--threads <n>', 'libtorch threads (per worker with --workers; default 1 there)', positiveInt)
    .option('--report <file>', 'the HTML report: counts, effect distributions, largest effects (default: OUT with .report.html)')
    .option('--no-report', 'do not write the HTML report')
    .addHelpText('after', `
Windows: each allele is scored in a window of the model's input length centred on it; for
insertions and deletions the ALT window is centred on the ALT allele and filled from the
genome on both sides, so both windows have the model's length. Alleles are used as written
(VCF anchor bases kept) unless --left-align: then an indel in a repeat is moved to its leftmost
position and shared bases are trimmed first, so every way of writing it gives the same windows.
Multi-allelic records are scored per ALT allele.`)
    .option('--workers <n>', WORKERS_HELP, positiveInt)
    .action((o: ScoreVariantsOptions) =>
      runRanked({ processes: o.workers, threads: o.threads, check: () => checkOptions(o), run: (group) => scoreVariants(o, group) }),
    );
}
