/**
 * Data-parallel training throughput: `strand train --nproc 2` (one libtorch thread per rank)
 * against the same config on one process with one thread, and against PyTorch
 * DistributedDataParallel on gloo with 2 processes of one thread (bench/peers/torch_ddp_epoch.py),
 * same Basset-style model, batch 64 per rank, in the same run. Throughput is training samples
 * per second of the last of 2 epochs (the first warms kernels up); Strand's epoch time also
 * holds its 1% validation pass. Prints `BENCH ddp-train-epoch` lines: speedup over one process
 * (goal >= 1.6 on 2 cores) and over PyTorch DDP (goal >= 1.0).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/distributed/index.js';
import { median } from './timing.js';
import { PLANTED_TABLE_ROWS, writePlantedTable } from './train-epoch.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const peerScript = fileURLToPath(new URL('../../bench/peers/torch_ddp_epoch.py', import.meta.url));
const EPOCHS = 2;

/** Training samples per second of the last epoch of a `strand train` run. */
function strandRate(config: string, out: string, extra: string[], samples: number): number {
  const r = spawnSync(process.execPath, [cli, 'train', '--config', config, '--out', out, '--plain', ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`strand train ${extra.join(' ')} failed:\n${r.stderr}`);
  const epochs = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; seconds: number }).filter((e) => e.type === 'epoch');
  return samples / epochs[epochs.length - 1]!.seconds;
}

async function peerRate(tsv: string): Promise<number> {
  const port = await freePort();
  const runs = [0, 1].map(
    (rank) =>
      new Promise<string>((resolve, reject) => {
        const env = { ...process.env, RANK: String(rank), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), OMP_NUM_THREADS: '1' };
        const child = spawn('/usr/bin/python3', [peerScript, tsv, String(EPOCHS)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`peer rank ${rank} failed:\n${stderr}`))));
      }),
  );
  const [out0] = await Promise.all(runs);
  const lines = out0!.trim().split('\n');
  const { seconds, samples } = JSON.parse(lines[lines.length - 1]!) as { seconds: number; samples: number };
  return samples / seconds;
}

export async function benchDdpTrainEpoch(emit: (line: string) => void, rounds = 2): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strand-bench-ddp-'));
  try {
    const count = PLANTED_TABLE_ROWS;
    const tsv = writePlantedTable(dir);
    const config = join(dir, 'run.yaml');
    writeFileSync(
      config,
      `seed: 1
data: { kind: table, path: ${tsv}, sequenceColumn: sequence, labelColumns: [m0, m1, m2], idColumn: id }
split: { validation: 0.01, test: 0.01 }
task: { kind: binary }
model: { name: basset, options: { convolutions: [[128, 15], [128, 7], [128, 5]], pools: [2, 2, 2], hidden: [256] } }
train: { epochs: ${EPOCHS}, batchSize: 64, optimizer: { name: adam, lr: 0.001 } }
`,
    );
    const samples = count - 2 * Math.round(count * 0.01);
    const one: number[] = [];
    const two: number[] = [];
    const peer: number[] = [];
    for (let r = 0; r < rounds; r++) {
      peer.push(await peerRate(tsv));
      two.push(strandRate(config, join(dir, `two${r}`), ['--nproc', '2'], samples));
      one.push(strandRate(config, join(dir, `one${r}`), ['--threads', '1'], samples));
    }
    const [o, t, p] = [median(one), median(two), median(peer)];
    emit(`BENCH ddp-train-epoch strand2=${t.toFixed(1)}samples/s strand1=${o.toFixed(1)}samples/s speedup=${(t / o).toFixed(2)} (--nproc 2 vs one process, 1 thread each; Basset 600 bp, batch 64 per rank)`);
    emit(`BENCH ddp-train-epoch-vs-pytorch strand=${t.toFixed(1)}samples/s peer=${p.toFixed(1)}samples/s speedup=${(t / p).toFixed(2)} (2 ranks x 1 thread, gloo; peer: PyTorch DDP + DistributedSampler)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
