/** One fuzz input, rebuilt from (target, campaign seed, index) and written to a folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputSeed, SeededRandom } from './prng.js';
import { fuzzTarget, type FuzzInput } from './targets.js';

/** Builds input `index` of `target` under campaign `seed` (the same on every run). */
export function buildInput(target: string, seed: number, index: number): FuzzInput {
  return fuzzTarget(target).makeInput(new SeededRandom(inputSeed(target, seed, index)));
}

/** Writes the input's files into `dir` and returns their paths, main file first. */
export function writeInput(input: FuzzInput, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return input.files.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.bytes);
    return path;
  });
}

