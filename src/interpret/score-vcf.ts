/**
 * Variant effects of every allele in a VCF, streamed: records are read, split per ALT
 * allele, scored in batches across records (`scoreVariantAlleles`) and handed back in file
 * order, so memory stays bounded however long the file is.
 */
import { FormatError } from '../core/index.js';
import type { RegionSpec } from '../genomics/intervals.js';
import type { VariantProblem, VariantProblemKind } from '../genomics/variant-windows.js';
import type { Genome } from '../io/genome.js';
import { iterateVcf, openIndexedVcf, readVcfHeader, splitAlleles, type VcfAllele, type VcfHeader, type VcfRecord } from '../io/vcf.js';
import type { SavedModel } from '../models/saved-model.js';
import { effectOutputNames, scoreVariantAlleles, resolveEffectScores, resolveOutputs, type EffectScore, type VariantEffectOptions } from './variant-effect.js';

export type ProblemPolicy = 'skip' | 'fail';

export interface ScoreVcfOptions extends VariantEffectOptions {
  /** Only these regions (needs a bgzip VCF with a .tbi / .csi index). Default: the whole file. */
  regions?: readonly RegionSpec[];
  /** `skip` (default): report problem alleles and go on; `fail`: the first one is a FormatError. */
  onProblem?: ProblemPolicy;
  /** Keep each record's line as written (`record.text`), to write it back annotated. */
  keepText?: boolean;
  /**
   * Sharded scoring: only the rounds (groups of records, numbered from 0 in file order) this
   * returns true for are scored and handed back; the others are read and passed over. Rounds
   * are the same whoever scores them, so every model batch is the one a single process runs.
   */
  ownsRound?: (round: number) => boolean;
}

export interface ScoredAllele {
  allele: VcfAllele;
  problem?: VariantProblem;
  /** [outputs, scores] row-major, when scored. */
  values?: Float64Array;
}

export interface ScoredRecord {
  record: VcfRecord;
  /** One per ALT allele (a record without ALT has one, with a `no-alt` problem). */
  alleles: ScoredAllele[];
}

export interface VcfScoring {
  header: VcfHeader;
  outputs: string[];
  scores: EffectScore[];
  /** Groups of consecutive records in file order. */
  batches: AsyncGenerator<ScoredRecord[]>;
}

/** The VCF column a problem is about, for `FormatError` messages. */
const PROBLEM_FIELD: Readonly<Record<VariantProblemKind, string>> = {
  'ref-mismatch': 'REF',
  'missing-chromosome': 'CHROM',
  'chromosome-end': 'POS',
  'too-long': 'REF/ALT',
  symbolic: 'ALT',
  breakend: 'ALT',
  'spanning-deletion': 'ALT',
  'no-alt': 'ALT',
};

/** Scores the alleles of `vcfPath` with `saved` on `genome` (see `scoreVariantAlleles`). */
export async function scoreVcf(saved: SavedModel, genome: Genome, vcfPath: string, options: ScoreVcfOptions = {}): Promise<VcfScoring> {
  const scores = resolveEffectScores(saved, options.scores);
  const outputs = resolveOutputs(saved, options.outputs).map((t) => effectOutputNames(saved)[t]!); // before the VCF is opened
  const readOptions = { keepText: options.keepText === true };
  let header: VcfHeader;
  let records: AsyncIterable<VcfRecord>;
  if (options.regions !== undefined && options.regions.length > 0) {
    const indexed = await openIndexedVcf(vcfPath, readOptions);
    header = indexed.header;
    records = regionRecords(indexed, options.regions, genome.chromosomes());
  } else {
    header = await readVcfHeader(vcfPath);
    records = iterateVcf(vcfPath, readOptions);
  }
  return { header, outputs, scores, batches: scoreRecords(saved, genome, vcfPath, records, header, { ...options, scores }) };
}

async function* regionRecords(
  indexed: Awaited<ReturnType<typeof openIndexedVcf>>, regions: readonly RegionSpec[], sizes: ReadonlyMap<string, number>,
): AsyncGenerator<VcfRecord> {
  try {
    for (const region of regions) {
      const end = region.end ?? sizes.get(region.chrom) ?? 2 ** 29; // tabix's largest coordinate
      yield* indexed.stream(region.chrom, region.start, end);
    }
  } finally {
    await indexed.close();
  }
}

async function* scoreRecords(
  saved: SavedModel, genome: Genome, vcfPath: string, records: AsyncIterable<VcfRecord>, header: VcfHeader, options: ScoreVcfOptions,
): AsyncGenerator<ScoredRecord[]> {
  const batchSize = options.batchSize ?? 64;
  // Several model batches per round keep the per-round overhead small.
  const roundAlleles = batchSize * 4;
  const hints = new ChromosomeHints(genome.chromosomes());
  let pending: ScoredRecord[] = [];
  let pendingAlleles = 0;
  let round = 0;
  const owned = (): boolean => {
    const mine = options.ownsRound?.(round++) ?? true;
    if (!mine) {
      pending = [];
      pendingAlleles = 0;
    }
    return mine;
  };
  const score = async (): Promise<ScoredRecord[]> => {
    const alleles = pending.flatMap((r) => r.alleles);
    const input = alleles.map(({ allele }) => ({ chrom: allele.chrom, start: allele.start, ref: allele.ref, alt: allele.alts[0] ?? '' }));
    const { effects } = await scoreVariantAlleles(saved, genome, input, options);
    effects.forEach((effect, i) => {
      const scored = alleles[i]!;
      if (effect.problem !== undefined) {
        scored.problem = effect.problem.kind === 'missing-chromosome' ? hints.explain(scored.allele.chrom, effect.problem) : effect.problem;
        if (options.onProblem === 'fail') {
          throw new FormatError(vcfPath, scored.allele.line, PROBLEM_FIELD[effect.problem.kind],
            `${scored.problem.message} (use --on-problem skip to report and skip such alleles)`);
        }
      } else if (effect.values !== undefined) {
        scored.values = effect.values;
      }
    });
    const done = pending;
    pending = [];
    pendingAlleles = 0;
    return done;
  };
  for await (const record of records) {
    const alleles = splitAlleles(record, header).map((allele) => ({ allele }));
    pending.push({ record, alleles });
    pendingAlleles += alleles.length;
    if (pendingAlleles >= roundAlleles && owned()) yield await score();
  }
  if (pending.length > 0 && owned()) yield await score();
}

/** Explains a missing chromosome when the genome has it under a `chr`-prefixed or unprefixed name. */
class ChromosomeHints {
  private readonly cache = new Map<string, VariantProblem>();
  constructor(private readonly sizes: ReadonlyMap<string, number>) {}

  explain(chrom: string, problem: VariantProblem): VariantProblem {
    let explained = this.cache.get(chrom);
    if (explained === undefined) {
      const other = chrom.startsWith('chr') ? chrom.slice(3) : `chr${chrom}`;
      const names = [...this.sizes.keys()];
      const hint = this.sizes.has(other)
        ? ` (the genome has '${other}': the VCF and genome name chromosomes differently)`
        : ` (the genome has ${names.slice(0, 5).map((n) => `'${n}'`).join(', ')}${names.length > 5 ? ', ...' : ''})`;
      explained = { kind: problem.kind, message: problem.message + hint };
      this.cache.set(chrom, explained);
    }
    return explained;
  }
}

/** Counts problems by kind and keeps the first few examples of each, for the run's summary. */
export class VariantProblemTally {
  readonly counts = new Map<VariantProblemKind, number>();
  private readonly examples = new Map<VariantProblemKind, string[]>();
  checked = 0;

  constructor(private readonly file: string, private readonly examplesPerKind = 3) {}

  add(scored: ScoredAllele): void {
    this.checked++;
    const problem = scored.problem;
    if (problem === undefined) return;
    this.counts.set(problem.kind, (this.counts.get(problem.kind) ?? 0) + 1);
    const list = this.examples.get(problem.kind) ?? [];
    if (list.length < this.examplesPerKind) {
      list.push(`${this.file}${scored.allele.line === undefined ? '' : `: line ${scored.allele.line}`}: ${problem.message}`);
      this.examples.set(problem.kind, list);
    }
  }

  get skipped(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** One line per problem kind with its count, then its examples indented. */
  summary(): string[] {
    const lines: string[] = [];
    for (const [kind, count] of [...this.counts].sort((a, b) => b[1] - a[1])) {
      lines.push(`${kind}: ${count} allele${count === 1 ? '' : 's'} skipped, e.g.`);
      for (const e of this.examples.get(kind) ?? []) lines.push(`  ${e}`);
    }
    const mismatches = this.counts.get('ref-mismatch') ?? 0;
    if (this.checked >= 100 && mismatches > 0.1 * this.checked) {
      lines.push(`warning: ${((100 * mismatches) / this.checked).toFixed(1)}% of REF alleles do not match the genome: is it the genome build the VCF was called on?`);
    }
    return lines;
  }
}

