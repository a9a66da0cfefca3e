/**
 * A model slid along genome regions as tracks, the way basenji_predict_bed writes them: regions
 * (merged where they overlap, in the genome's chromosome order) are cut into tiles of `step`
 * bases; each tile is predicted from the model's window centred on it (N past a chromosome end).
 * A scalar output gives each tile one value; a profile model gives every base of the tile its
 * expected count from the window's profile (the tile must lie inside the profile: step <= its
 * positions). The result is sorted, non-overlapping intervals per output and chromosome, as
 * bigWig and bedGraph require.
 */
import { InputError } from '../core/index.js';
import type { Genome } from '../io/genome.js';
import type { SavedModel } from '../models/saved-model.js';
import { predictProfiles, predictSequences, sequenceModelLength } from './predict.js';

export interface TrackRegion {
  chrom: string;
  start: number;
  end: number;
}

export interface OutputTrack {
  chrom: string;
  starts: number[];
  ends: number[];
  values: number[];
}

export interface PredictionTracks {
  outputs: string[];
  /** tracks[t]: output t's intervals, one entry per chromosome with data, in genome order. */
  tracks: OutputTrack[][];
  /** Windows predicted. */
  windows: number;
}

/** Regions sorted by the genome's chromosome order and start, overlapping or touching ones merged; each checked against the genome. */
export function mergeRegions(regions: readonly TrackRegion[], sizes: ReadonlyMap<string, number>, source: string): TrackRegion[] {
  const order = new Map([...sizes.keys()].map((c, i) => [c, i]));
  for (const r of regions) {
    const size = sizes.get(r.chrom);
    if (size === undefined) throw new InputError(`${source}: chromosome '${r.chrom}' is not in the genome`);
    if (!(r.start >= 0 && r.end <= size && r.start < r.end)) throw new InputError(`${source}: ${r.chrom}:${r.start}-${r.end} is not inside ${r.chrom} (0-${size})`);
  }
  const sorted = [...regions].sort((a, b) => order.get(a.chrom)! - order.get(b.chrom)! || a.start - b.start);
  const merged: TrackRegion[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.chrom === r.chrom && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

interface Tile {
  chrom: string;
  start: number;
  end: number;
  /** First base of the model window centred on the tile. */
  window: number;
}

async function windowBases(genome: Genome, chrom: string, start: number, length: number): Promise<string> {
  const size = genome.chromosomes().get(chrom)!;
  const a = Math.max(0, start);
  const b = Math.min(size, start + length);
  return 'N'.repeat(a - start) + (await genome.fetch(chrom, a, b)) + 'N'.repeat(start + length - b);
}

export async function predictTracks(
  saved: SavedModel,
  genome: Genome,
  regions: readonly TrackRegion[],
  step: number,
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<PredictionTracks> {
  const { batchSize = 128, onProgress } = options;
  if (!Number.isInteger(step) || step < 1) throw new InputError(`--tile must be a positive integer, got ${step}`);
  const length = sequenceModelLength(saved);
  const outputs = saved.description.task.outputs;
  const profile = saved.description.task.kind === 'profile';
  const tiles: Tile[] = [];
  for (const r of regions) {
    for (let a = r.start; a < r.end; a += step) {
      const b = Math.min(a + step, r.end);
      tiles.push({ chrom: r.chrom, start: a, end: b, window: Math.floor((a + b) / 2) - Math.floor(length / 2) });
    }
  }
  const tracks: OutputTrack[][] = outputs.map(() => []);
  const trackOf = (t: number, chrom: string): OutputTrack => {
    const list = tracks[t]!;
    const last = list[list.length - 1];
    if (last !== undefined && last.chrom === chrom) return last;
    const fresh: OutputTrack = { chrom, starts: [], ends: [], values: [] };
    list.push(fresh);
    return fresh;
  };
  for (let first = 0; first < tiles.length; first += batchSize) {
    const batch = tiles.slice(first, first + batchSize);
    const sequences = await Promise.all(batch.map((t) => windowBases(genome, t.chrom, t.window, length)));
    if (profile) {
      const p = predictProfiles(saved, sequences);
      const crop = (length - p.positions) / 2;
      batch.forEach((tile, i) => {
        const from = tile.window + crop;
        if (tile.start < from || tile.end > from + p.positions) {
          throw new InputError(`--tile ${step} is longer than the model's profile (${p.positions} positions): use --tile ${p.positions} or less`);
        }
        outputs.forEach((_, t) => {
          const track = trackOf(t, tile.chrom);
          for (let base = tile.start; base < tile.end; base++) {
            track.starts.push(base);
            track.ends.push(base + 1);
            track.values.push(p.values[(i * outputs.length + t) * p.positions + (base - from)]!);
          }
        });
      });
    } else {
      const { values } = predictSequences(saved, sequences);
      batch.forEach((tile, i) =>
        outputs.forEach((_, t) => {
          const track = trackOf(t, tile.chrom);
          track.starts.push(tile.start);
          track.ends.push(tile.end);
          track.values.push(values[i * outputs.length + t]!);
        }),
      );
    }
    onProgress?.(Math.min(first + batchSize, tiles.length), tiles.length);
  }
  return { outputs, tracks, windows: tiles.length };
}
