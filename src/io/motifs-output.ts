/**
 * The folder of `strand motifs --out DIR`:
 *   motifs.meme            the motifs found (`MOTIF <name> <how found>`, nsites = sites)
 *   matches.tsv            their best database matches (see motif-matches.ts)
 *   database-motifs.meme   the database motifs named in matches.tsv, for their logos (when compared)
 *   motifs.json            { source (how the motifs were found), database? (the file compared with) }
 * Each file is written atomically.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FormatError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { readJsonFile } from './json-file.js';
import { readMeme, writeMeme, type MemeMotif } from './meme.js';
import { readMatchesTsv, writeMatchesTsv, type MotifMatch } from './motif-matches.js';

export const MOTIFS_FILES = { motifs: 'motifs.meme', matches: 'matches.tsv', database: 'database-motifs.meme', description: 'motifs.json' } as const;

const descriptionSchema = z.object({ source: z.string(), database: z.string().optional() });

export interface MotifsOutput {
  /** How the motifs were found, e.g. "first-layer filters and gradient x input seqlets". */
  source: string;
  /** The motif database compared with (e.g. its file name), when there was one. */
  database?: string;
  /** id: the motif's name; name: how it was found (e.g. filter, seqlets); nsites: its sites. */
  motifs: MemeMotif[];
  matches: MotifMatch[];
  /** The database motifs that appear in `matches`. */
  databaseMotifs: MemeMotif[];
}

/** Writes the folder's files into `dir` (created when missing); database-motifs.meme only with a database. */
export function writeMotifsOutput(dir: string, output: MotifsOutput): void {
  mkdirSync(dir, { recursive: true });
  writeMeme(join(dir, MOTIFS_FILES.motifs), output.motifs);
  writeMatchesTsv(join(dir, MOTIFS_FILES.matches), output.matches);
  if (output.database !== undefined) {
    const used = new Set(output.matches.map((m) => m.target));
    writeMeme(join(dir, MOTIFS_FILES.database), output.databaseMotifs.filter((m) => used.has(m.id)));
  }
  const description = { source: output.source, ...(output.database !== undefined ? { database: output.database } : {}) };
  writeFileAtomic(join(dir, MOTIFS_FILES.description), `${JSON.stringify(description, null, 2)}\n`);
}

/** Reads the folder written by `writeMotifsOutput`; a missing file or an unknown match target names the file. */
export async function readMotifsOutput(dir: string): Promise<MotifsOutput> {
  const path = (name: string) => join(dir, name);
  const description = readJsonFile(path(MOTIFS_FILES.description), descriptionSchema);
  const motifs = await readMeme(path(MOTIFS_FILES.motifs));
  const matches = await readMatchesTsv(path(MOTIFS_FILES.matches));
  const databaseMotifs = description.database !== undefined ? (await readMeme(path(MOTIFS_FILES.database))).motifs : [];
  const names = new Set(motifs.motifs.map((m) => m.id));
  const targets = new Set(databaseMotifs.map((m) => m.id));
  for (const m of matches) {
    if (!names.has(m.query)) throw new FormatError(path(MOTIFS_FILES.matches), undefined, 'query', `'${m.query}' is not a motif of ${MOTIFS_FILES.motifs}`);
    if (!targets.has(m.target)) throw new FormatError(path(MOTIFS_FILES.matches), undefined, 'target', `'${m.target}' is not in ${MOTIFS_FILES.database}`);
  }
  return { ...description, motifs: motifs.motifs, matches, databaseMotifs };
}
