/**
 * `strand motifs`: motifs a saved model learned, two ways: its first-layer filters (aligned
 * best sites, the Basset / DeepBind method) and seqlets cut from gradient x input attributions
 * and clustered; each compared with a motif database (Tomtom-like p and q values).
 */
import { InputError, tensor, tidy, type Tensor } from '../core/index.js';
import { fitLength } from '../data/labelled-sequences.js';
import { writeOneHot } from '../genomics/one-hot.js';
import type { BaseProbabilities, MemeMotif } from '../io/meme.js';
import type { MotifsOutput } from '../io/motifs-output.js';
import type { SavedModel } from '../models/saved-model.js';
import { Conv1d, type Module } from '../nn/index.js';
import { compareMotif, prepareDatabase, type MotifMatch } from './motifs/compare.js';
import { filterMotifs } from './motifs/filter-motifs.js';
import { trimPwm, type Pwm } from './motifs/pwm.js';
import { clusterSeqlets, findSeqlets } from './motifs/seqlets.js';
import { saliency } from './saliency.js';
import { outputTarget, type ForwardModel, type HeadTarget } from './target.js';

export interface DiscoveredMotif {
  name: string;
  source: 'filter' | 'seqlets';
  pwm: Pwm;
  sites: number;
  /** Best matches first (empty without a database). */
  matches: MotifMatch[];
}

export interface DiscoverOptions {
  /** Output whose attributions give the seqlets. Default: the first. */
  task?: string;
  /** Profile models: the head whose attributions give the seqlets. Default 'counts'. */
  head?: HeadTarget['head'];
  database?: readonly MemeMotif[];
  /** Filters need at least this many sites to be reported. Default 10. */
  minSites?: number;
  /** Seqlet clusters reported at most. Default 10. */
  maxClusters?: number;
}

/** The first Conv1d over the 4 DNA channels, in registration order. */
export function firstConvolution(model: Module): Conv1d {
  for (const m of model.namedModules().values()) if (m instanceof Conv1d && m.inChannels === 4) return m;
  throw new InputError('the model has no Conv1d over the 4 DNA channels to read motifs from');
}

export function discoverMotifs(saved: SavedModel, sequences: readonly string[], options: DiscoverOptions = {}): DiscoveredMotif[] {
  const length = saved.description.input.length;
  if (saved.description.input.kind !== 'sequence' || length === undefined) throw new InputError('motifs need a model of DNA sequences');
  const { target } = outputTarget(saved.description, options);
  const { minSites = 10, maxClusters = 10 } = options;
  const db = options.database ? prepareDatabase(options.database.map((m) => ({ id: m.id, name: m.name, pwm: m.pwm }))) : undefined;
  const matchesOf = (name: string, pwm: Pwm) => (db ? compareMotif({ id: name, pwm }, db) : []);
  const model = saved.model as Module & ForwardModel;
  model.eval();
  const x = new Float32Array(sequences.length * 4 * length);
  sequences.forEach((s, i) => writeOneHot(fitLength(s, length), x, i * 4 * length));
  return tidy(() => {
    const input: Tensor = tensor(x, [sequences.length, 4, length]);
    const found: DiscoveredMotif[] = [];
    for (const f of filterMotifs(firstConvolution(model), input)) {
      if (f.sites < minSites) continue;
      const { pwm } = trimPwm(f.pwm);
      if (pwm.length < 4) continue;
      const name = `filter${f.filter}`;
      found.push({ name, source: 'filter', pwm, sites: f.sites, matches: matchesOf(name, pwm) });
    }
    const attributions = saliency(model, input, { target }).attributions;
    const clusters = clusterSeqlets(findSeqlets(attributions, input), attributions, input).slice(0, maxClusters);
    clusters.forEach((c, i) => {
      const { pwm } = trimPwm(c.pwm);
      if (pwm.length < 4) return;
      const name = `seqlets${i + 1}`;
      found.push({ name, source: 'seqlets', pwm, sites: c.seqlets.length, matches: matchesOf(name, pwm) });
    });
    return found;
  });
}

/** How `discoverMotifs` finds motifs, as recorded in motifs.json. */
export const MOTIF_SOURCE = 'first-layer filters and gradient x input seqlets';

/**
 * Discovered motifs as the files of a motifs folder (io/motifs-output.ts): each motif with its
 * best 10 matches against `database` (its file path and motifs) when there was one.
 */
export function motifsOutput(motifs: readonly DiscoveredMotif[], database?: { path: string; motifs: readonly MemeMotif[] }): MotifsOutput {
  return {
    source: MOTIF_SOURCE,
    ...(database ? { database: database.path } : {}),
    motifs: motifs.map((m) => ({ id: m.name, name: m.source, pwm: m.pwm.map((r) => [...r] as unknown as BaseProbabilities), nsites: m.sites })),
    matches: motifs.flatMap((m) => m.matches.slice(0, 10)),
    databaseMotifs: [...(database?.motifs ?? [])],
  };
}
