/**
 * A bounded-memory summary of variant effects for the report: per output, the alleles with
 * the largest |effect| and a uniform sample of the effects (reservoir sampling, seeded) for
 * their distribution.
 */
export interface VariantRow {
  chrom: string;
  /** 1-based VCF POS. */
  pos: number;
  id: string;
  ref: string;
  alt: string;
}

export interface TopVariant extends VariantRow {
  /** The allele's scores for this output, in the order of `scores`. */
  values: number[];
}

export interface OutputEffectSummary {
  output: string;
  /** Largest |effect| first. */
  top: TopVariant[];
  /** A uniform sample of the effects (at most `sampleSize`). */
  sample: number[];
  /** Mean |effect| over every scored allele. */
  meanAbsolute: number;
}

export interface VariantEffectSummaryResult {
  /** The score ranked and sampled (`diff` when computed, else the first). */
  score: string;
  scores: string[];
  scored: number;
  outputs: OutputEffectSummary[];
}

export class VariantEffectSummary {
  private readonly scoreIndex: number;
  private readonly tops: TopVariant[][];
  private readonly samples: number[][];
  private readonly absoluteSums: Float64Array;
  private scored = 0;
  private state: number;

  constructor(
    private readonly outputs: readonly string[],
    private readonly scores: readonly string[],
    private readonly options: { top?: number; sampleSize?: number; seed?: number } = {},
  ) {
    const diff = scores.indexOf('diff');
    this.scoreIndex = diff >= 0 ? diff : 0;
    this.tops = outputs.map(() => []);
    this.samples = outputs.map(() => []);
    this.absoluteSums = new Float64Array(outputs.length);
    this.state = (options.seed ?? 1) >>> 0 || 1;
  }

  /** Adds one scored allele: `values` is [outputs, scores] row-major. */
  add(row: VariantRow, values: Float64Array): void {
    const S = this.scores.length;
    const topSize = this.options.top ?? 20;
    const sampleSize = this.options.sampleSize ?? 20_000;
    this.scored++;
    const slot = this.scored <= sampleSize ? this.scored - 1 : Math.floor(this.random() * this.scored);
    for (let t = 0; t < this.outputs.length; t++) {
      const effect = values[t * S + this.scoreIndex]!;
      if (Number.isNaN(effect)) continue;
      this.absoluteSums[t] += Math.abs(effect);
      if (slot < sampleSize) this.samples[t]![slot] = effect;
      const top = this.tops[t]!;
      if (top.length < topSize || Math.abs(effect) > Math.abs(top[top.length - 1]!.values[this.scoreIndex]!)) {
        const entry = { ...row, values: Array.from(values.subarray(t * S, (t + 1) * S)) };
        let i = top.length;
        while (i > 0 && Math.abs(top[i - 1]!.values[this.scoreIndex]!) < Math.abs(effect)) i--;
        top.splice(i, 0, entry);
        if (top.length > topSize) top.pop();
      }
    }
  }

  result(): VariantEffectSummaryResult {
    return {
      score: this.scores[this.scoreIndex]!,
      scores: [...this.scores],
      scored: this.scored,
      outputs: this.outputs.map((output, t) => ({
        output,
        top: this.tops[t]!,
        sample: this.samples[t]!.filter((v) => v !== undefined),
        meanAbsolute: this.scored > 0 ? this.absoluteSums[t]! / this.scored : Number.NaN,
      })),
    };
  }

  /** xorshift32 in [0, 1). */
  private random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }
}
