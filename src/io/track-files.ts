/**
 * Prediction tracks on disk: bigWig (src/io/bigwig-writer.ts) or bedGraph, one file per output.
 * `--out x.bw` (or .bigWig) / `x.bedGraph` (or .bg): a one-output model writes that file, a model
 * with several outputs `x.<output>.bw` beside it; any other `--out` is a folder of `<output>.bw`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bigWigBytes, type BigWigChrom, type BigWigIntervals } from './bigwig-writer.js';
import { writeFileAtomic } from './atomic-write.js';

export type TrackFormat = 'bigwig' | 'bedgraph';

const EXTENSIONS: readonly [RegExp, TrackFormat, string][] = [
  [/\.(bw|bigwig)$/i, 'bigwig', 'bw'],
  [/\.(bedgraph|bg)$/i, 'bedgraph', 'bedGraph'],
];

/** The file of each output and its format. */
export function trackPaths(out: string, outputs: readonly string[]): { format: TrackFormat; paths: string[] } {
  const safe = (name: string) => name.replace(/[^\w.-]+/g, '_');
  for (const [pattern, format] of EXTENSIONS) {
    const m = pattern.exec(out);
    if (m === null) continue;
    if (outputs.length === 1) return { format, paths: [out] };
    const stem = out.slice(0, m.index);
    return { format, paths: outputs.map((o) => `${stem}.${safe(o)}${m[0]}`) };
  }
  mkdirSync(out, { recursive: true });
  return { format: 'bigwig', paths: outputs.map((o) => join(out, `${safe(o)}.bw`)) };
}

function bedGraphText(name: string, tracks: readonly BigWigIntervals[]): string {
  const lines = [`track type=bedGraph name="${name.replace(/"/g, "'")}"`];
  for (const t of tracks) for (let i = 0; i < t.starts.length; i++) lines.push(`${t.chrom}\t${t.starts[i]}\t${t.ends[i]}\t${Number(Math.fround(t.values[i]!).toPrecision(7))}`);
  return `${lines.join('\n')}\n`;
}

/** Writes one track file atomically. */
export function writeTrack(path: string, format: TrackFormat, name: string, chroms: readonly BigWigChrom[], tracks: readonly BigWigIntervals[]): void {
  writeFileAtomic(path, format === 'bigwig' ? bigWigBytes(chroms, tracks) : bedGraphText(name, tracks));
}
