/**
 * Reads the corpus of `strand pretrain` into memory as ASCII bytes: chromosomes of a genome
 * with a held-out part (whole chromosomes, regions, or the last fraction of each), or
 * unlabelled sequences from FASTA files and tables with the last fraction held out.
 */
import { ConfigError, InputError } from '../core/index.js';
import { readFastaRecords } from '../io/fasta-records.js';
import { openGenome } from '../io/genome.js';
import { readSequenceTable } from '../io/sequence-table.js';
import type { CorpusRegion } from './lm-corpus.js';

export interface Corpus {
  train: CorpusRegion[];
  validation: CorpusRegion[];
  /** Bases in each part. */
  trainBases: number;
  validationBases: number;
}

export type CorpusSource =
  | {
      kind: 'genome';
      path: string;
      chromosomes?: string[] | undefined;
      validation: { chromosomes?: string[] | undefined; regions?: string[] | undefined; fraction?: number | undefined };
    }
  | { kind: 'sequences'; paths: string[]; column?: string | number | undefined; validationFraction: number };

interface Span {
  chrom: string;
  start: number;
  end: number;
}

export function parseRegion(text: string, field: string): Span {
  const m = /^([^:\s]+):([\d,]+)-([\d,]+)$/.exec(text);
  if (m === null) throw new ConfigError(field, `expected chrom:start-end, got '${text}'`);
  const start = Number(m[2]!.replace(/,/g, ''));
  const end = Number(m[3]!.replace(/,/g, ''));
  if (!(end > start)) throw new ConfigError(field, `expected start < end, got '${text}'`);
  return { chrom: m[1]!, start, end };
}

/** [start, end) pieces of [0, length) outside the held-out spans (sorted, merged). */
function complement(length: number, held: readonly Span[]): [number, number][] {
  const sorted = [...held].sort((a, b) => a.start - b.start);
  const out: [number, number][] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start > at) out.push([at, Math.min(s.start, length)]);
    at = Math.max(at, s.end);
  }
  if (at < length) out.push([at, length]);
  return out.filter(([a, b]) => b > a);
}

const sum = (regions: readonly CorpusRegion[]) => regions.reduce((n, r) => n + r.bytes.length, 0);

async function readGenomeCorpus(source: Extract<CorpusSource, { kind: 'genome' }>): Promise<Corpus> {
  const genome = await openGenome(source.path);
  try {
    const sizes = genome.chromosomes();
    const chroms = source.chromosomes ?? [...sizes.keys()];
    for (const c of [...chroms, ...(source.validation.chromosomes ?? [])]) {
      if (!sizes.has(c)) throw new InputError(`${source.path}: no chromosome '${c}' (it has ${[...sizes.keys()].slice(0, 8).join(', ')}${sizes.size > 8 ? ', ...' : ''})`);
    }
    const heldChroms = new Set(source.validation.chromosomes ?? []);
    const heldRegions = (source.validation.regions ?? []).map((r, i) => parseRegion(r, `corpus.validation.regions.${i}`));
    for (const r of heldRegions) {
      const size = sizes.get(r.chrom);
      if (size === undefined || r.end > size) throw new InputError(`${source.path}: validation region ${r.chrom}:${r.start}-${r.end} is outside the genome`);
    }
    const train: CorpusRegion[] = [];
    const validation: CorpusRegion[] = [];
    const take = async (into: CorpusRegion[], chrom: string, start: number, end: number) => {
      into.push({ name: `${chrom}:${start}-${end}`, span: { chrom, start }, bytes: Uint8Array.from(await genome.fetchBytes(chrom, start, end)) });
    };
    for (const chrom of new Set([...chroms, ...heldChroms])) {
      const size = sizes.get(chrom)!;
      if (heldChroms.has(chrom)) {
        await take(validation, chrom, 0, size);
        continue;
      }
      const held = heldRegions.filter((r) => r.chrom === chrom);
      const fraction = source.validation.fraction;
      if (fraction !== undefined) held.push({ chrom, start: Math.floor(size * (1 - fraction)), end: size });
      for (const h of held) await take(validation, chrom, h.start, h.end);
      for (const [a, b] of complement(size, held)) await take(train, chrom, a, b);
    }
    if (validation.length === 0) throw new ConfigError('corpus.validation', 'holds out nothing; name chromosomes, regions or a fraction');
    return { train, validation, trainBases: sum(train), validationBases: sum(validation) };
  } finally {
    await genome.close();
  }
}

async function readSequences(path: string, column: string | number | undefined): Promise<string[]> {
  const head = path.replace(/\.gz$/, '');
  if (/\.(fa|fasta|fna)$/i.test(head)) return (await readFastaRecords(path)).sequences;
  if (column === undefined) throw new ConfigError('corpus.column', `${path} is a table; name its sequence column`);
  return (await readSequenceTable(path, { sequenceColumn: column, labelColumns: [column] })).sequences;
}

async function readSequencesCorpus(source: Extract<CorpusSource, { kind: 'sequences' }>): Promise<Corpus> {
  const all: CorpusRegion[] = [];
  for (const path of source.paths) {
    const sequences = await readSequences(path, source.column);
    sequences.forEach((s, i) => all.push({ name: `${path}#${i + 1}`, bytes: Buffer.from(s, 'latin1') }));
  }
  const held = Math.max(1, Math.round(all.length * source.validationFraction));
  if (all.length - held < 1) throw new InputError(`the corpus has ${all.length} sequence(s); at least 2 are needed to hold some out`);
  const train = all.slice(0, all.length - held);
  const validation = all.slice(all.length - held);
  return { train, validation, trainBases: sum(train), validationBases: sum(validation) };
}

export function readCorpus(source: CorpusSource): Promise<Corpus> {
  return source.kind === 'genome' ? readGenomeCorpus(source) : readSequencesCorpus(source);
}
