/**
 * A small trained model for the serve, browser and load tests: `strand train` on the built-in
 * planted-motif example (GATA1 and SPI1 sites in 200 bp sequences, a DeepBind model, binary
 * outputs), cut to 2,000 sequences and 4 epochs (a few seconds; 1,000 x 3 ranked a planted GATA1 site below
 * plain background on one seed of five). The folder also holds the
 * training report (report.html).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outcomeSeed } from './outcome.js';

export const STRAND_CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function strand(...args: string[]): string {
  const r = spawnSync(process.execPath, [STRAND_CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`strand ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Trains the model into `dir/model` and returns that folder. */
export function trainPlantedModel(dir: string, { count = 2000, epochs = 4 } = {}): string {
  const config = strand('init', 'planted')
    .replace('seed: 1\n', `seed: ${outcomeSeed(1)}\n`)
    .replace('count: 5000', `count: ${count}`)
    .replace('epochs: 8', `epochs: ${epochs}`);
  const path = join(dir, 'planted.yaml');
  writeFileSync(path, config);
  const out = join(dir, 'model');
  strand('train', '--config', path, '--out', out, '--plain');
  return out;
}
