/**
 * One epoch of a Basset-style model through the `strand train` pipeline (read the table,
 * encode, split, train one epoch, evaluate validation and test, write the model folder) vs
 * a plain PyTorch script doing the same work (bench/peers/torch_train_epoch.py), data
 * loading included, same thread count, in the same run. speedup = peer s / strand s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { trainConfigSchema } from '../src/config/train.js';
import { consensusPwm, plantedMotifDataset } from '../src/data/planted-motifs.js';
import { trainFromConfig } from '../src/train/run-training.js';
import { benchLine, median, runPeer } from './timing.js';

const peerScript = fileURLToPath(new URL('../../bench/peers/torch_train_epoch.py', import.meta.url));

/** Rows planted with three motifs as a table (id, sequence, m0..m2) in `dir`: the training benches' data. */
export const PLANTED_TABLE_ROWS = 6000;

export function writePlantedTable(dir: string): string {
  const data = plantedMotifDataset({
    count: PLANTED_TABLE_ROWS,
    length: 600,
    motifs: ['GATAAG', 'CACGTG', 'CCGGAAGT'].map((c, i) => ({ name: `m${i}`, pwm: consensusPwm(c) })),
    seed: 9,
  });
  const tsv = join(dir, 'data.tsv');
  writeFileSync(tsv, `id\tsequence\t${data.tasks.join('\t')}\n${data.sequences.map((s, i) => `s${i}\t${s}\t${data.labels[i]!.join('\t')}`).join('\n')}\n`);
  return tsv;
}

export async function benchTrainEpoch(threads: number, emit: (line: string) => void, rounds = 2): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-epoch-'));
  try {
    const tsv = writePlantedTable(dir);
    const config = parseConfig(
      trainConfigSchema,
      `seed: 1
data: { kind: table, path: ${tsv}, sequenceColumn: sequence, labelColumns: [m0, m1, m2], idColumn: id }
split: { validation: 0.1, test: 0.1 }
task: { kind: binary }
model: { name: basset, options: { convolutions: [[128, 15], [128, 7], [128, 5]], pools: [2, 2, 2], hidden: [256] } }
train: { epochs: 1, batchSize: 64, optimizer: { name: adam, lr: 0.001 }, threads: ${threads} }
`,
    );
    const strand: number[] = [];
    const peer: number[] = [];
    for (let r = 0; r < rounds; r++) {
      peer.push(runPeer<{ seconds: number }>(peerScript, [tsv, threads]).seconds);
      const t0 = process.hrtime.bigint();
      await trainFromConfig(config, { outDir: join(dir, `out${r}`) });
      strand.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const s = median(strand);
    const p = median(peer);
    emit(benchLine('train-epoch', s, p, p / s, 's'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
