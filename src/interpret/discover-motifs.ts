/**
 * `strand motifs`: motifs a saved model learned, two ways: its first-layer filters (aligned
 * best sites, the Basset / DeepBind method; models with a convolution over the bases) and
 * seqlets cut from attributions and clustered (gradient x input, or ISM for a model gradients do
 * not reach); each compared with a motif database (Tomtom-like p and q values).
 */
import { InputError, tensor, tidy, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
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
import { ism } from './ism.js';
import { GradientUnavailableError, outputTarget, type ForwardModel, type HeadTarget, type Target } from './target.js';

export interface DiscoveredMotif {
  name: string;
  source: 'filter' | 'seqlets';
  /** Seqlets: the attributions they were cut from. */
  attribution?: 'saliency' | 'ism';
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
  /** Called as the attributions of the sequences are computed (64 at a time). */
  onProgress?: (done: number, total: number) => void;
}

/** The first Conv1d over the 4 DNA channels, in registration order. */
/** The model's first convolution over the 4 DNA channels, or null (e.g. a transformer). */
export function firstConvolution(model: Module): Conv1d | null {
  for (const m of model.namedModules().values()) if (m instanceof Conv1d && m.inChannels === 4) return m;
  return null;
}

/**
 * Attributions for seqlets, 64 sequences at a time: gradient x input, or for a model gradients
 * do not reach, ISM as the importance of each observed base (minus the mean change when it is mutated).
 */
function seqletAttributions(model: ForwardModel, input: Tensor, target: Target, onProgress?: (done: number, total: number) => void): { attributions: Tensor; method: 'saliency' | 'ism' } {
  const n = input.shape[0]!;
  let method: 'saliency' | 'ism' = 'saliency';
  const parts: Tensor[] = [];
  for (let start = 0; start < n; start += 64) {
    const chunk = input.narrow(0, start, Math.min(64, n - start));
    if (method === 'saliency') {
      try {
        parts.push(saliency(model, chunk, { target }).attributions);
      } catch (err) {
        if (!(err instanceof GradientUnavailableError)) throw err;
        method = 'ism';
      }
    }
    if (method === 'ism') parts.push(chunk.mul(ism(model, chunk, { target }).deltas.sumDimIntList([1], { keepdim: true }).mul(-1 / 3)));
    onProgress?.(start + chunk.shape[0]!, n);
  }
  return { attributions: parts.length === 1 ? parts[0]! : ops.cat(parts), method };
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
    const conv = firstConvolution(model);
    for (const f of conv === null ? [] : filterMotifs(conv, input)) {
      if (f.sites < minSites) continue;
      const { pwm } = trimPwm(f.pwm);
      if (pwm.length < 4) continue;
      const name = `filter${f.filter}`;
      found.push({ name, source: 'filter', pwm, sites: f.sites, matches: matchesOf(name, pwm) });
    }
    const { attributions, method } = seqletAttributions(model, input, target, options.onProgress);
    const clusters = clusterSeqlets(findSeqlets(attributions, input), attributions, input).slice(0, maxClusters);
    clusters.forEach((c, i) => {
      const { pwm } = trimPwm(c.pwm);
      if (pwm.length < 4) return;
      const name = `seqlets${i + 1}`;
      found.push({ name, source: 'seqlets', attribution: method, pwm, sites: c.seqlets.length, matches: matchesOf(name, pwm) });
    });
    return found;
  });
}

/** How the motifs were found, as recorded in motifs.json. */
function motifSource(motifs: readonly DiscoveredMotif[]): string {
  const parts: string[] = [];
  if (motifs.some((m) => m.source === 'filter')) parts.push('first-layer filters');
  const seqlets = motifs.find((m) => m.source === 'seqlets');
  if (seqlets) parts.push(seqlets.attribution === 'ism' ? 'ISM seqlets' : 'gradient x input seqlets');
  return parts.length > 0 ? parts.join(' and ') : 'no motif found';
}

/**
 * Discovered motifs as the files of a motifs folder (io/motifs-output.ts): each motif with its
 * best 10 matches against `database` (its file path and motifs) when there was one.
 */
export function motifsOutput(motifs: readonly DiscoveredMotif[], database?: { path: string; motifs: readonly MemeMotif[] }): MotifsOutput {
  return {
    source: motifSource(motifs),
    ...(database ? { database: database.path } : {}),
    motifs: motifs.map((m) => ({ id: m.name, name: m.source, pwm: m.pwm.map((r) => [...r] as unknown as BaseProbabilities), nsites: m.sites })),
    matches: motifs.flatMap((m) => m.matches.slice(0, 10)),
    databaseMotifs: [...(database?.motifs ?? [])],
  };
}
