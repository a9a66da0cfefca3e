import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, setNumThreads } from '../../core/index.js';
import { designConfigSchema, designOptionsSchema, editableRanges, type DesignOptions } from '../../config/design.js';
import { loadConfig, validateConfig } from '../../config/load.js';
import { Random } from '../../data/random.js';
import { ConstraintChecker, type DesignConstraints } from '../../design/constraints.js';
import { designModel, type DesignModel } from '../../design/design-model.js';
import { gradientDesign } from '../../design/gradient-design.js';
import { buildObjective, parseObjective, type Objective } from '../../design/objective.js';
import { greedyEvolution, insertPatterns, randomSequences, screenSequences, type DesignResult, type SearchControl } from '../../design/search.js';
import { designLogos } from '../../design/design-logos.js';
import { sequenceModelLength } from '../../interpret/predict.js';
import type { ForwardModel } from '../../interpret/target.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { iterateBed } from '../../io/bed.js';
import { readFastaRecords } from '../../io/fasta-records.js';
import { openGenome } from '../../io/genome.js';
import { loadModel } from '../../models/saved-model.js';
import { designReportHtml, type DesignReportItem } from '../../report/design-report.js';
import { countProgress } from '../progress.js';
import { positiveInt } from '../parse.js';

interface DesignArgs {
  model: string;
  fasta?: string;
  bed?: string;
  genome?: string;
  random?: number;
  length?: number;
  config?: string;
  objective?: string;
  method?: string;
  rounds?: number;
  beam?: number;
  maxEdits?: number;
  editable?: string;
  gc?: string;
  forbid?: string;
  require?: string;
  maxHomopolymer?: number;
  pattern?: string;
  keep?: number;
  steps?: number;
  lambda?: number;
  seed?: number;
  out: string;
  threads?: number;
}

interface Start {
  id: string;
  sequence: string;
}

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter((s) => s !== ''));

/** The design options: the config's `design:` section, then the flags given. */
function designOptions(o: DesignArgs): DesignOptions {
  const base: Record<string, unknown> = o.config === undefined ? {} : { ...loadConfig(designConfigSchema, o.config).design };
  const constraints = { ...((base.constraints as Record<string, unknown> | undefined) ?? {}) };
  const flags: Record<string, unknown> = {
    objective: o.objective,
    method: o.method,
    rounds: o.rounds,
    beam: o.beam,
    patterns: list(o.pattern),
    keep: o.keep,
    steps: o.steps,
    lambda: o.lambda,
    seed: o.seed,
  };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) base[k] = v;
  const given: Record<string, unknown> = {
    maxEdits: o.maxEdits,
    editable: list(o.editable),
    gc: o.gc === undefined ? undefined : o.gc.split('-').map(Number),
    forbidden: list(o.forbid),
    required: list(o.require),
    maxHomopolymer: o.maxHomopolymer,
  };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) constraints[k] = v;
  base.constraints = constraints;
  if (base.objective === undefined) throw new InputError('give --objective (e.g. max:bound) or design.objective in --config');
  return validateConfig(designOptionsSchema, base, o.config ?? 'command line');
}

function fitted(id: string, sequence: string, length: number): Start {
  const upper = sequence.toUpperCase();
  if (upper.length !== length) throw new InputError(`seed '${id}' is ${upper.length} bp; the model reads ${length} bp`);
  const bad = upper.search(/[^ACGT]/);
  if (bad >= 0) throw new InputError(`seed '${id}' has '${sequence[bad]}' at position ${bad + 1}; a design starts from A, C, G and T only`);
  return { id, sequence: upper };
}

async function readStarts(o: DesignArgs, length: number, options: DesignOptions, constraints: DesignConstraints): Promise<Start[]> {
  const sources = [o.fasta, o.bed, o.random].filter((s) => s !== undefined).length;
  if (sources !== 1) throw new InputError('give one of --fasta, --bed (with --genome) or --random N');
  if (o.fasta !== undefined) {
    const { ids, sequences } = await readFastaRecords(o.fasta);
    if (ids.length === 0) throw new InputError(`${o.fasta}: no sequences`);
    return ids.map((id, i) => fitted(id, sequences[i]!, length));
  }
  if (o.bed !== undefined) {
    if (o.genome === undefined) throw new InputError('--bed needs --genome');
    const genome = await openGenome(o.genome);
    try {
      const sizes = genome.chromosomes();
      const starts: Start[] = [];
      for await (const r of iterateBed(o.bed)) {
        const size = sizes.get(r.chrom);
        if (size === undefined) throw new InputError(`${o.bed}: chromosome '${r.chrom}' is not in ${o.genome}`);
        const from = Math.floor((r.start + r.end) / 2) - Math.floor(length / 2);
        if (from < 0 || from + length > size) throw new InputError(`${o.bed}: the ${length} bp window around ${r.chrom}:${r.start}-${r.end} leaves the chromosome`);
        starts.push(fitted(r.name ?? `${r.chrom}:${from}-${from + length}`, await genome.fetch(r.chrom, from, from + length), length));
      }
      return starts;
    } finally {
      await genome.close();
    }
  }
  if (o.length !== undefined && o.length !== length) throw new InputError(`--length ${o.length}: the model reads ${length} bp`);
  // Random starts meet the constraints a sequence can meet alone (GC, forbidden motifs, homopolymers).
  const { required: _required, ...alone } = constraints;
  const meets = (s: string) => new ConstraintChecker(s, alone).violations(s).length === 0;
  return randomSequences(o.random!, length, new Random(options.seed), meets).map((sequence, i) => ({ id: `random${i + 1}`, sequence }));
}

function constraintsOf(options: DesignOptions, length: number): DesignConstraints {
  const c = options.constraints;
  const editable = c.editable === undefined ? undefined : editableRanges(c.editable);
  for (const [a, b] of editable ?? []) if (a < 0 || b > length || a >= b) throw new InputError(`design.constraints.editable: ${a + 1}-${b} is not inside 1-${length}`);
  return {
    ...(editable ? { editable } : {}),
    ...(c.maxEdits !== undefined ? { maxEdits: c.maxEdits } : {}),
    ...(c.gc ? { gc: c.gc } : {}),
    ...(c.forbidden ? { forbidden: c.forbidden } : {}),
    ...(c.required ? { required: c.required } : {}),
    ...(c.maxHomopolymer !== undefined ? { maxHomopolymer: c.maxHomopolymer } : {}),
  };
}

function runMethod(model: DesignModel, objective: Objective, checker: ConstraintChecker, options: DesignOptions, control: SearchControl): Promise<DesignResult> {
  switch (options.method) {
    case 'greedy':
      return greedyEvolution(model, objective, checker, { rounds: options.rounds, beam: options.beam, ...control });
    case 'insert':
      if (options.patterns === undefined) throw new InputError('--method insert needs --pattern MOTIF (or design.patterns)');
      return insertPatterns(model, objective, checker, { patterns: options.patterns.map((p) => p.toUpperCase()), rounds: options.rounds, ...control });
    case 'gradient':
      return gradientDesign(model, objective, checker, { steps: options.steps, samples: options.samples, lr: options.lr, lambda: options.lambda, temperature: options.temperature, seed: options.seed, ...control });
    case 'screen':
      throw new InputError('screen is run on --random sequences as a whole');
  }
}

function trajectoryTsv(outputs: readonly string[], designs: readonly { id: string; result: DesignResult }[]): string {
  const lines = [['id', 'round', 'edit', 'position', 'from', 'to', 'objective', ...outputs].join('\t')];
  const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(7))) : 'NaN');
  for (const { id, result } of designs) {
    lines.push([id, 0, 0, '.', '.', '.', fmt(result.startObjective), ...result.startPredictions.map(fmt)].join('\t'));
    result.steps.forEach((s, k) => lines.push([id, s.round, k + 1, s.position + 1, s.from, s.to, fmt(s.objective), ...s.predictions.map(fmt)].join('\t')));
  }
  return `${lines.join('\n')}\n`;
}

async function design(o: DesignArgs): Promise<void> {
  if (o.threads !== undefined) setNumThreads(o.threads);
  const options = designOptions(o);
  const saved = loadModel(o.model);
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nstrand: interrupted; writing the best designs so far (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const length = sequenceModelLength(saved);
    const { description } = saved;
    const model = designModel(saved.model as unknown as ForwardModel, description.task.kind, description.task.outputs, length);
    const objective = buildObjective(parseObjective(options.objective, 'design.objective'), model.outputs, 'design.objective');
    const constraints = constraintsOf(options, length);
    if (options.method === 'screen' && o.random === undefined) throw new InputError('--method screen draws random sequences: give --random N');
    const starts = await readStarts(o, length, options, constraints);
    mkdirSync(o.out, { recursive: true });
    const designs: { id: string; result: DesignResult; checker: ConstraintChecker }[] = [];
    if (options.method === 'screen') {
      for (const [rank, s] of screenSequences(model, objective, starts.map((s) => s.sequence), options.keep).entries()) {
        const result: DesignResult = { start: s.sequence, sequence: s.sequence, startObjective: s.objective, objective: s.objective, startPredictions: s.predictions, predictions: s.predictions, steps: [], objectivePerRound: [s.objective], stopped: 'rounds' };
        designs.push({ id: `screen${rank + 1}`, result, checker: new ConstraintChecker(s.sequence, constraints) });
      }
    } else {
      const perDesign = options.method === 'gradient' ? options.steps : options.rounds;
      const progress = countProgress('designing', 'rounds', starts.length * perDesign);
      try {
        for (const [i, start] of starts.entries()) {
          if (stop) break;
          const checker = new ConstraintChecker(start.sequence, constraints);
          const result = await runMethod(model, objective, checker, options, { shouldStop: () => stop, onRound: (round) => progress.update(i * perDesign + round) });
          designs.push({ id: start.id, result, checker });
          progress.update((i + 1) * perDesign);
        }
      } finally {
        progress.stop();
      }
    }
    const output = objective.terms.map((t) => (t.kind === 'specific' ? t.on[0]! : t.output))[0]!;
    const items: DesignReportItem[] = designs.map(({ id, result, checker }, i) => ({
      id,
      ...result,
      violations: checker.violations(result.sequence),
      ...(i < 20 && !stop ? { logos: designLogos(saved, output, result.start, result.sequence) } : {}),
    }));
    const constraintText = JSON.stringify(options.constraints);
    writeFileAtomic(join(o.out, 'designed.fa'), designs.map(({ id, result }) => `>${id} objective=${result.objective.toPrecision(6)} edits=${result.steps.length === 0 ? 0 : [...result.sequence].filter((c, j) => c !== result.start[j]).length}\n${result.sequence}\n`).join(''));
    writeFileAtomic(join(o.out, 'trajectory.tsv'), trajectoryTsv(model.outputs, designs));
    writeFileAtomic(
      join(o.out, 'design.json'),
      `${JSON.stringify({ model: o.model, options, outputs: model.outputs, interrupted: stop, designs: items.map(({ logos: _logos, ...d }) => d) }, null, 2)}\n`,
    );
    writeFileAtomic(join(o.out, 'report.html'), designReportHtml({ model: o.model, method: options.method, objective: objective.text, constraints: constraintText, outputs: model.outputs, designs: items, interrupted: stop }));
    const gains = designs.map((d) => d.result.objective - d.result.startObjective);
    process.stderr.write(
      `designed ${designs.length} sequence${designs.length === 1 ? '' : 's'} (${options.method}; mean objective gain ${(gains.reduce((a, b) => a + b, 0) / Math.max(1, gains.length)).toFixed(4)}): wrote ${o.out}/designed.fa, trajectory.tsv, design.json, report.html\n`,
    );
    if (stop) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    saved.model.dispose();
  }
}

const number = (text: string) => {
  const v = Number(text);
  if (!Number.isFinite(v)) throw new InputError(`expected a number, got '${text}'`);
  return v;
};
const count = (text: string) => {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) throw new InputError(`expected a non-negative integer, got '${text}'`);
  return v;
};

export function registerDesign(program: Command): void {
  program
    .command('design')
    .description('design sequences with a saved model: greedy evolution, motif insertion, random screening or gradient design; writes designed.fa, trajectory.tsv, design.json and report.html')
    .requiredOption('--model <dir>', 'saved model folder')
    .option('--fasta <file>', 'start sequences (each of the model input length)')
    .option('--bed <file>', 'start from the reference around each interval (with --genome)')
    .option('--genome <file>', 'reference genome for --bed')
    .option('--random <n>', 'start from N random sequences (--method screen: screen N of them)', positiveInt)
    .option('--length <bp>', 'length of --random sequences (the model input length)', positiveInt)
    .option('--config <file>', "YAML with a 'design:' section (every option below, and the rest: samples, lr, temperature)")
    .option('--objective <terms>', "e.g. 'max:bound', 'min:bound', 'target:expr=2.5', 'specific:HepG2/K562;offWeight=0.5', joined by +")
    .option('--method <name>', 'greedy (default), insert, screen or gradient')
    .option('--rounds <n>', 'greedy / insert: rounds at most (default 20)', positiveInt)
    .option('--beam <n>', 'greedy: sequences kept per round (default 1)', positiveInt)
    .option('--max-edits <n>', 'positions that may differ from the start', count)
    .option('--editable <ranges>', '1-based positions that may change, e.g. 11-50,60-70 (default all)')
    .option('--gc <min-max>', 'GC fraction bounds, e.g. 0.4-0.6')
    .option('--forbid <motifs>', 'motifs that must not occur (either strand, IUPAC), e.g. GAATTC,GGATCC')
    .option('--require <motifs>', 'motifs whose occurrences in the start are kept')
    .option('--max-homopolymer <n>', 'longest run of one base', positiveInt)
    .option('--pattern <motifs>', 'insert: motifs to write, e.g. TGACTCA')
    .option('--keep <n>', 'screen: designs kept (default 10)', positiveInt)
    .option('--steps <n>', 'gradient: optimiser steps (default 200)', positiveInt)
    .option('--lambda <x>', 'gradient: weight of the edit count (default 0.01)', number)
    .option('--seed <n>', 'seed of random starts, screens and gradient samples (default 1)', count)
    .requiredOption('--out <dir>', 'output folder')
    .option('--threads <n>', 'libtorch threads', positiveInt)
    .action((o: DesignArgs) => design(o));
}
