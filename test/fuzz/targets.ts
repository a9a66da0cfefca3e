/**
 * The fuzz targets: one entry per input reader, naming the real files its inputs start
 * from and how the reader is called. `makeInput` builds one mutated input (the main file
 * first, then companions such as `.fai`, `.gzi`, `.tbi`); `read` runs the reader over it to
 * the end (every record, a few windows of every chromosome), so lazy parsing is exercised.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../src/config/load.js';
import { EXAMPLES } from '../../src/config/examples.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { BgzfEncoder } from '../../src/io/bgzf.js';
import { readBed } from '../../src/io/bed.js';
import { openBigWig } from '../../src/io/bigwig.js';
import { readFastaRecords } from '../../src/io/fasta-records.js';
import { openGenome } from '../../src/io/genome.js';
import { readAnnotation } from '../../src/io/gff.js';
import { readMatrix } from '../../src/io/matrix.js';
import { readMeme } from '../../src/io/meme.js';
import { readMatrixMarket } from '../../src/io/mtx.js';
import { encodeNpy, readNpy } from '../../src/io/npy.js';
import { readFastaWithLabels, readSequenceTable } from '../../src/io/sequence-table.js';
import { writeTwoBit } from '../../src/io/twobit-writer.js';
import { openIndexedVcf, readVcf, splitAlleles } from '../../src/io/vcf.js';
import { loadSafetensors } from '../../src/nn/safetensors.js';
import { writeBigWig, type BigWigSpec } from '../io/bigwig-writer.js';
import { BINARY_OPERATORS, mutate, TEXT_OPERATORS, type MutationOperator } from './mutations.js';
import type { SeededRandom } from './prng.js';
import { data, excerpt, excerptLines, fixture, realFile } from './seed-files.js';

export interface FuzzFile {
  name: string;
  bytes: Uint8Array;
}

export interface FuzzInput {
  /** The main file first, then its companions. */
  files: FuzzFile[];
  /** What was done, e.g. `x.fa.fai: huge-number, crlf`. */
  steps: string[];
}

export interface FuzzTarget {
  name: string;
  /** Loads the real seed files (so the time box measures the reader, not the loading). */
  prepare(): void;
  makeInput(random: SeededRandom): FuzzInput;
  /** Runs the reader over the input; `paths[i]` holds `files[i]`. Resolves with a small summary. */
  read(paths: readonly string[]): Promise<unknown>;
}

function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

const text = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** Mutates one file of a set (chosen by `weights`, default: the main file); the others stay as they are. */
function mutateOne(files: readonly FuzzFile[], random: SeededRandom, operators: (file: FuzzFile) => readonly MutationOperator[], weights?: readonly number[]): FuzzInput {
  let k = 0;
  if (weights !== undefined) {
    let r = random.next() * weights.reduce((a, b) => a + b, 0);
    while (k < weights.length - 1 && r >= weights[k]!) r -= weights[k++]!;
  }
  const target = files[k]!;
  const { bytes, steps } = mutate(target.bytes, operators(target), random);
  return { files: files.map((f, i) => (i === k ? { name: f.name, bytes } : f)), steps: [`${target.name}: ${steps.join(', ')}`] };
}

/**
 * A text reader over one file: mutate a seed; sometimes (`gzip`) gzip the result, and now
 * and then truncate or bit-flip the gzip stream too.
 */
function textTarget(name: string, seeds: () => readonly FuzzFile[], read: (path: string) => Promise<unknown>, { gzip = true } = {}): FuzzTarget {
  return {
    name,
    prepare: () => void seeds(),
    makeInput(random) {
      const input = mutateOne([random.pick(seeds())], random, () => TEXT_OPERATORS);
      const file = input.files[0]!;
      if (!gzip || !random.chance(0.15)) return input;
      let bytes: Uint8Array = gzipSync(file.bytes);
      const steps = [...input.steps, 'gzip'];
      if (random.chance(0.4)) {
        const damaged = mutate(bytes, BINARY_OPERATORS, random, 1);
        bytes = damaged.bytes;
        steps.push(`gzip stream: ${damaged.steps.join(', ')}`);
      }
      return { files: [{ name: `${file.name}.gz`, bytes }], steps };
    },
    read: (paths) => read(paths[0]!),
  };
}

// ---------------------------------------------------------------------------------------
// Genomes: FASTA (+ .fai), gzip FASTA, bgzip FASTA (+ .fai + .gzi), 2bit
// ---------------------------------------------------------------------------------------

/** Opens a genome and reads both ends and the middle of its first chromosomes, one at a time and in bulk. */
async function readGenome(path: string): Promise<number> {
  const genome = await openGenome(path, { writeIndex: false });
  try {
    let total = 0;
    for (const [chrom, length] of [...genome.chromosomes()].slice(0, 4)) {
      const mid = Math.floor(length / 2);
      const windows = [
        { chrom, start: 0, end: Math.min(length, 300) },
        { chrom, start: Math.max(0, length - 300), end: length },
        { chrom, start: mid, end: Math.min(length, mid + 100) },
      ];
      for (const w of windows) total += (await genome.fetch(w.chrom, w.start, w.end)).length;
      total += (await genome.fetchWindows(windows)).length;
    }
    return total;
  } finally {
    await genome.close();
  }
}

const fastaSeeds = memo((): FuzzFile[] => [
  { name: 'q.fa', bytes: excerpt(data('human_chr22_giab_na12878_tiny/q.fa'), 60) },
  { name: 'mixed.fa', bytes: realFile(fixture('genome/mixed.fa')) },
  { name: 'chrIV.fa', bytes: excerpt(data('yeast_chrIV_pho4/sacCer3_chrIV.fa.gz'), 80) },
]);

/** A FASTA seed with its `.fai` as samtools writes it (computed here from the line layout). */
function faiOf(fasta: Uint8Array): Uint8Array {
  const rows: string[] = [];
  const lines = Buffer.from(fasta).toString('latin1').split('\n');
  let offset = 0;
  let current: { name: string; length: number; start: number; lineBases: number } | undefined;
  const flush = () => {
    if (current) rows.push(`${current.name}\t${current.length}\t${current.start}\t${current.lineBases}\t${current.lineBases + 1}`);
  };
  for (const line of lines) {
    const next = offset + line.length + 1;
    if (line.startsWith('>')) {
      flush();
      current = { name: line.slice(1).split(/\s/)[0]!, length: 0, start: next, lineBases: 0 };
    } else if (current && line.length > 0) {
      if (current.lineBases === 0) current.lineBases = line.length;
      current.length += line.length;
    }
    offset = next;
  }
  flush();
  return text(`${rows.join('\n')}\n`);
}

const fastaTarget = textTarget('fasta', fastaSeeds, readGenome, { gzip: false });

const fastaFaiTarget: FuzzTarget = {
  name: 'fasta-fai',
  prepare: () => void fastaSeeds(),
  makeInput(random) {
    const seed = random.pick(fastaSeeds().filter((s) => s.name !== 'mixed.fa'));
    const files = [seed, { name: `${seed.name}.fai`, bytes: faiOf(seed.bytes) }];
    return mutateOne(files, random, () => TEXT_OPERATORS, [1, 3]);
  },
  read: (paths) => readGenome(paths[0]!),
};

const fastaGzipTarget: FuzzTarget = {
  name: 'fasta-gzip',
  prepare: () => void fastaSeeds(),
  makeInput(random) {
    const seed = random.pick(fastaSeeds());
    if (random.chance(0.5)) {
      const { bytes, steps } = mutate(seed.bytes, TEXT_OPERATORS, random);
      return { files: [{ name: `${seed.name}.gz`, bytes: gzipSync(bytes) }], steps: [`${seed.name}: ${steps.join(', ')}`, 'gzip'] };
    }
    return mutateOne([{ name: `${seed.name}.gz`, bytes: gzipSync(seed.bytes) }], random, () => BINARY_OPERATORS);
  },
  read: (paths) => readGenome(paths[0]!),
};

function bgzip(bytes: Uint8Array): Uint8Array {
  const encoder = new BgzfEncoder();
  return Buffer.concat([encoder.push(bytes), encoder.finish()]);
}

const bgzipFastaSeed = memo((): FuzzFile[] => {
  const dir = 'human_chr20_1mb_1kgp3/';
  return [
    { name: 'z.fa.gz', bytes: realFile(data(`${dir}z.fa.gz`), { gunzip: false }) },
    { name: 'z.fa.gz.fai', bytes: realFile(data(`${dir}z.fa.gz.fai`)) },
    { name: 'z.fa.gz.gzi', bytes: realFile(data(`${dir}z.fa.gz.gzi`)) },
  ];
});

const fastaBgzipTarget: FuzzTarget = {
  name: 'fasta-bgzip',
  prepare: () => void bgzipFastaSeed(),
  makeInput(random) {
    if (random.chance(0.7)) {
      // the real bgzip FASTA with its real indexes: damage one of the three files
      return mutateOne(bgzipFastaSeed(), random, (f) => (f.name.endsWith('.fai') ? TEXT_OPERATORS : BINARY_OPERATORS), [3, 2, 2]);
    }
    // a damaged FASTA text, bgzip-compressed, with the index of the undamaged text (one block: an empty .gzi)
    const seed = random.pick(fastaSeeds());
    const { bytes, steps } = mutate(seed.bytes, TEXT_OPERATORS, random);
    const files = [
      { name: `${seed.name}.gz`, bytes: bgzip(bytes) },
      { name: `${seed.name}.gz.fai`, bytes: faiOf(seed.bytes) },
      { name: `${seed.name}.gz.gzi`, bytes: new Uint8Array(8) },
    ];
    return { files, steps: [`${seed.name}: ${steps.join(', ')}`, 'bgzip with the index of the undamaged text'] };
  },
  read: (paths) => readGenome(paths[0]!),
};

const twoBitSeeds = memo((): FuzzFile[] => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-fuzz-2bit-'));
  try {
    return fastaSeeds().map((seed) => {
      const records = Buffer.from(seed.bytes).toString('latin1').split('>').filter((r) => r.trim() !== '').map((r) => {
        const [head = '', ...lines] = r.split('\n');
        return { name: head.split(/\s/)[0]!, sequence: lines.join('').replace(/[^A-Za-z]/g, 'N') };
      });
      const path = join(dir, `${seed.name}.2bit`);
      writeTwoBit(path, records);
      return { name: seed.name.replace(/\.fa$/, '.2bit'), bytes: new Uint8Array(readFileSync(path)) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const twoBitTarget: FuzzTarget = {
  name: '2bit',
  prepare: () => void twoBitSeeds(),
  makeInput: (random) => mutateOne([random.pick(twoBitSeeds())], random, () => BINARY_OPERATORS),
  read: (paths) => readGenome(paths[0]!),
};

const fastaRecordsTarget = textTarget('fasta-records', fastaSeeds, async (path) => (await readFastaRecords(path)).ids.length);

// ---------------------------------------------------------------------------------------
// Intervals, tracks, variants, annotations, motifs
// ---------------------------------------------------------------------------------------

const bedTarget = textTarget(
  'bed',
  memo(() => [
    { name: 'pho4.bed', bytes: realFile(data('yeast_chrIV_pho4/pho4_chip_bound_chrIV.bed')) },
    { name: 'genes.bed', bytes: excerpt(data('yeast_chrIV_pho4/sacCer3_chrIV_50genes.annotation.bed12'), 20) },
    { name: 'genes12.bed', bytes: realFile(fixture('io/genes.bed12')) },
  ]),
  async (path) => (await readBed(path)).length,
);

const narrowPeakTarget = textTarget(
  'narrowPeak',
  memo(() => [{ name: 'peaks.narrowPeak', bytes: realFile(fixture('io/peaks.narrowPeak')) }]),
  async (path) => (await readBed(path)).length,
);

/** bigWig files (written by the test writer) holding the real Pho4 peaks, shifted near the start of a short chromosome. */
const bigWigSeeds = memo((): FuzzFile[] => {
  const peaks = excerptLines(data('yeast_chrIV_pho4/pho4_chip_bound_chrIV.bed'), 30).map((l) => l.split('\t'));
  const origin = Number(peaks[0]![1]);
  const items = peaks
    .map(([, s, e], i) => [(Number(s) - origin) % 20_000, (Number(s) - origin) % 20_000 + Math.min(Number(e) - Number(s), 500), i + 0.5] as const)
    .sort((a, b) => a[0] - b[0])
    .filter((item, i, all) => i === 0 || item[0] >= all[i - 1]![1]);
  const chroms = [{ name: 'chrIV', size: 25_000 }, { name: 'chrM', size: 8_000 }];
  const specs: BigWigSpec[] = [
    { chroms, sections: [{ chrom: 'chrIV', type: 'bedGraph', items }], compress: false },
    { chroms, sections: [{ chrom: 'chrIV', type: 'bedGraph', items }, { chrom: 'chrM', type: 'fixedStep', start: 100, step: 50, span: 25, values: items.map((x) => x[2]) }], compress: true },
    { chroms, sections: [{ chrom: 'chrIV', type: 'varStep', span: 20, items: items.map(([s, , v]) => [s, v] as const) }], compress: false },
  ];
  return specs.map((spec, i) => ({ name: `pho4-${i}.bw`, bytes: writeBigWig(spec) }));
});

const bigWigTarget: FuzzTarget = {
  name: 'bigwig',
  prepare: () => void bigWigSeeds(),
  makeInput: (random) => mutateOne([random.pick(bigWigSeeds())], random, () => BINARY_OPERATORS),
  async read(paths) {
    const bw = await openBigWig(paths[0]!);
    try {
      let total = 0;
      for (const [chrom, size] of [...bw.chromSizes].slice(0, 3)) {
        const end = Math.min(size, 2000);
        total += (await bw.values(chrom, 0, end)).length;
        total += (await bw.values(chrom, Math.max(0, size - 2000), size)).length;
        if (end >= 100) total += (await bw.binnedMeans(chrom, 0, end - (end % 100), 100)).length;
      }
      return total;
    } finally {
      await bw.close();
    }
  },
};

/** The 1000 Genomes chr20 VCF has 2,504 samples: keep its header and 4 samples of its first records. */
function thousandGenomesExcerpt(): Uint8Array {
  const lines = excerptLines(data('human_chr20_1mb_1kgp3/z.vcf.gz'), 290);
  return text(`${lines.map((l) => (l.startsWith('##') ? l : l.split('\t').slice(0, 13).join('\t'))).join('\n')}\n`);
}

const vcfSeeds = memo((): FuzzFile[] => [
  { name: 'giab.vcf', bytes: realFile(data('human_chr22_giab_na12878_tiny/NA12878.chr22.tiny.giab.vcf.gz')) },
  { name: 'kgp3.vcf', bytes: thousandGenomesExcerpt() },
]);

const vcfTarget = textTarget('vcf', vcfSeeds, async (path) => {
  const { header, records } = await readVcf(path, { genotypes: true });
  return records.reduce((n, r) => n + splitAlleles(r, header).length, 0);
});

const tabixSeed = memo((): FuzzFile[] => {
  const base = data('human_chr22_giab_na12878_tiny/NA12878.chr22.tiny.giab.vcf.gz');
  return [
    { name: 'giab.vcf.gz', bytes: realFile(base, { gunzip: false }) },
    { name: 'giab.vcf.gz.tbi', bytes: realFile(`${base}.tbi`, { gunzip: false }) },
  ];
});

const vcfTabixTarget: FuzzTarget = {
  name: 'vcf-tabix',
  prepare: () => {
    tabixSeed();
    vcfSeeds();
  },
  makeInput(random) {
    const [vcf, tbi] = tabixSeed() as [FuzzFile, FuzzFile];
    if (random.chance(0.35)) {
      // a damaged VCF text, bgzip-compressed, with the index of the undamaged file
      const { bytes, steps } = mutate(vcfSeeds()[0]!.bytes, TEXT_OPERATORS, random);
      return { files: [{ name: vcf.name, bytes: bgzip(bytes) }, tbi], steps: [`giab.vcf: ${steps.join(', ')}`, 'bgzip with the stale index'] };
    }
    return mutateOne([vcf, tbi], random, () => BINARY_OPERATORS, [1, 1]);
  },
  async read(paths) {
    const vcf = await openIndexedVcf(paths[0]!);
    try {
      let total = 0;
      for (const chrom of (await vcf.chromosomes()).slice(0, 3)) {
        total += (await vcf.query(chrom, 0, 20_000)).length;
        total += (await vcf.query(chrom, 5_000, 5_100)).length;
      }
      return total;
    } finally {
      await vcf.close();
    }
  },
};

const gtfTarget = textTarget(
  'gtf',
  memo(() => [{ name: 'genes.gtf', bytes: excerpt(data('yeast_chrIV_pho4/sacCer3_chrIV_50genes.annotation.gtf'), 120) }]),
  async (path) => (await readAnnotation(path)).genes.length,
);

const gff3Target = textTarget(
  'gff3',
  memo(() => [{ name: 'genes.gff3', bytes: realFile(fixture('io/genes.gff3')) }]),
  async (path) => (await readAnnotation(path)).genes.length,
);

const memeTarget = textTarget(
  'meme',
  memo(() => [{ name: 'jaspar.meme', bytes: excerpt(data('jaspar2024_core_vertebrates/JASPAR2024_CORE_vertebrates_non-redundant_pfms_meme.txt'), 90) }]),
  async (path) => (await readMeme(path)).motifs.length,
);

// ---------------------------------------------------------------------------------------
// Matrices and tables
// ---------------------------------------------------------------------------------------

/** The HSMM expression matrix's header and first 300 entries, its size line saying 300. */
const mtxSeeds = memo((): FuzzFile[] => {
  const lines = excerptLines(data('singlecell_hsmm_myoblast/expression.mtx.gz'), 304);
  const comments = lines.filter((l) => l.startsWith('%'));
  const entries = lines.filter((l) => !l.startsWith('%')).slice(1);
  const [rows, cols] = lines.find((l) => !l.startsWith('%'))!.split(' ');
  return [{ name: 'expression.mtx', bytes: text(`${[...comments, `${rows} ${cols} ${entries.length}`, ...entries].join('\n')}\n`) }];
});

const mtxTarget = textTarget('mtx', mtxSeeds, async (path) => (await readMatrixMarket(path)).data.length);

const expressionMatrixTarget = textTarget(
  'expression-matrix',
  memo(() => [{ name: 'golub.csv', bytes: excerpt(data('golub_all_aml/data_set_ALL_AML_train.csv.gz'), 25, 2000) }]),
  async (path) => (await readMatrix(path, { rowNameColumn: 'Gene Accession Number', columns: (name) => /^\d+$/.test(name) })).values.length,
);

const numericTableTarget = textTarget(
  'numeric-table',
  memo(() => [{ name: 'pho4.tsv', bytes: excerpt(data('yeast_chrIV_pho4/he2017_pho4_chip_bound_regions.tsv'), 40) }]),
  async (path) => (await readMatrix(path, { rowNameColumn: 'geneID', columns: /^(chip|fc)_/ })).values.length,
);

const deepBindTableTarget = textTarget(
  'sequence-table-deepbind',
  memo(() => [{ name: 'srf.seq', bytes: excerpt(data('deepbind_encode_chipseq/SRF_H1-hESC_SRF_HudsonAlpha_B.seq.gz'), 40) }]),
  async (path) => (await readSequenceTable(path, { sequenceColumn: 'seq', labelColumns: ['Bound'], idColumn: 'EventID' })).sequences.length,
);

const spliceTableTarget = textTarget(
  'sequence-table-splice',
  memo(() => [{ name: 'splice.data', bytes: excerpt(data('uci_splice/splice.data'), 40) }]),
  async (path) => (await readSequenceTable(path, { header: false, sequenceColumn: 2, labelColumns: [0], idColumn: 1 })).sequences.length,
);

/** DeepBind's first sequences as FASTA, with their labels as a CSV table. */
const fastaLabelSeeds = memo((): FuzzFile[] => {
  const rows = excerptLines(data('deepbind_encode_chipseq/SRF_H1-hESC_SRF_HudsonAlpha_B.seq.gz'), 30).slice(1).map((l) => l.split('\t'));
  return [
    { name: 'srf.fa', bytes: text(rows.map(([, id, seq]) => `>${id}\n${seq}\n`).join('')) },
    { name: 'srf-labels.csv', bytes: text(`id,bound\n${rows.map(([, id, , bound]) => `${id},${bound}\n`).join('')}`) },
  ];
});

const fastaLabelsTarget: FuzzTarget = {
  name: 'fasta-labels',
  prepare: () => void fastaLabelSeeds(),
  makeInput: (random) => mutateOne(fastaLabelSeeds(), random, () => TEXT_OPERATORS, [1, 1]),
  read: async (paths) => (await readFastaWithLabels(paths[0]!, paths[1]!, 'id', ['bound'])).sequences.length,
};

// ---------------------------------------------------------------------------------------
// Configs and weights
// ---------------------------------------------------------------------------------------

const trainConfigTarget = textTarget(
  'train-config',
  memo(() => Object.entries(EXAMPLES).map(([kind, yaml]) => ({ name: `${kind}.yaml`, bytes: text(yaml) }))),
  async (path) => Object.keys(loadConfig(trainConfigSchema, path)).length,
  { gzip: false },
);

const safetensorsTarget: FuzzTarget = {
  name: 'safetensors',
  prepare: () => void realFile(fixture('safetensors/reference.safetensors')),
  makeInput: (random) => mutateOne([{ name: 'reference.safetensors', bytes: realFile(fixture('safetensors/reference.safetensors')) }], random, () => BINARY_OPERATORS),
  async read(paths) {
    const { tensors } = loadSafetensors(paths[0]!);
    const all = Object.values(tensors);
    for (const t of all) t.dispose();
    return all.length;
  },
};

/** The Golub training matrix's first values as float32 and float64 .npy files. */
const npySeeds = memo((): FuzzFile[] => {
  const rows = excerptLines(data('golub_all_aml/data_set_ALL_AML_train.csv.gz'), 13).slice(1).map((l) => l.split(',').slice(2).filter((_, i) => i % 2 === 0).slice(0, 16).map(Number));
  const values = rows.flat();
  return [
    { name: 'golub-f4.npy', bytes: encodeNpy({ data: Float32Array.from(values), shape: [rows.length, 16] }) },
    { name: 'golub-f8.npy', bytes: encodeNpy({ data: Float64Array.from(values), shape: [values.length] }) },
  ];
});

const npyTarget: FuzzTarget = {
  name: 'npy',
  prepare: () => void npySeeds(),
  makeInput: (random) => mutateOne([random.pick(npySeeds())], random, () => BINARY_OPERATORS),
  read: async (paths) => readNpy(paths[0]!).data.length,
};

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  fastaTarget, fastaFaiTarget, fastaGzipTarget, fastaBgzipTarget, twoBitTarget, fastaRecordsTarget, fastaLabelsTarget,
  bedTarget, narrowPeakTarget, bigWigTarget, vcfTarget, vcfTabixTarget, gtfTarget, gff3Target, memeTarget,
  mtxTarget, expressionMatrixTarget, numericTableTarget, deepBindTableTarget, spliceTableTarget,
  trainConfigTarget, safetensorsTarget, npyTarget,
];

export function fuzzTarget(name: string): FuzzTarget {
  const target = FUZZ_TARGETS.find((t) => t.name === name);
  if (target === undefined) throw new Error(`no fuzz target '${name}' (known: ${FUZZ_TARGETS.map((t) => t.name).join(', ')})`);
  return target;
}
