/**
 * Tokenizers as plain JSON (a model folder's `tokenizer.json`): `describe()` writes one,
 * `tokenizerFromDescription` checks it and rebuilds the same tokenizer. Forms:
 *
 *   { "kind": "nucleotide" }
 *   { "kind": "kmer", "k": 6, "stride": 1 }                  overlapping k-mers, stride default 1
 *   { "kind": "nonoverlapping-kmer", "k": 6 }                k default 6
 *   { "kind": "bpe", "vocabulary": [...], "merges": [["A", "C"], ...] }
 *   { "kind": "protein" }
 *
 * A BPE vocabulary lists every token by id (special tokens, A, C, G, T, then one per merge);
 * it must agree with the merges.
 */
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { ProteinTokenizer } from '../protein.js';
import { DNA_ALPHABET } from '../one-hot.js';
import { BpeTokenizer, findMergeProblem, FIRST_MERGE_ID } from './bpe.js';
import { KmerTokenizer } from './kmer.js';
import { NonOverlappingKmerTokenizer } from './nonoverlapping-kmer.js';
import { NucleotideTokenizer } from './nucleotide.js';
import { SPECIAL_TOKEN_NAMES, type SequenceTokenizer } from './tokens.js';

/** A value as a message shows it: strings quoted, anything else as JSON, cut short. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** zod parameters whose every failure reads `expected <what>, got <value>`. */
const expecting = (what: string) => ({ error: (issue: { input?: unknown }) => `expected ${what}, got ${shown(issue.input)}` });

function integerIn(min: number, max: number): z.ZodNumber {
  const e = expecting(`an integer in ${min}..${max}`);
  return z.number(e).int(e).min(min, e).max(max, e);
}

const token = z.string(expecting('a token string')).min(1, expecting('a non-empty token string'));

const kmerSchema = z
  .strictObject({ kind: z.literal('kmer'), k: integerIn(1, 6), stride: z.number().optional() })
  .superRefine((d, ctx) => {
    const stride = d.stride ?? 1;
    if (!Number.isInteger(stride) || stride < 1 || stride > d.k) {
      ctx.addIssue({ code: 'custom', path: ['stride'], message: `expected an integer in 1..${d.k} (k), got ${shown(d.stride)}` });
    }
  });

const bpeSchema = z
  .strictObject({
    kind: z.literal('bpe'),
    vocabulary: z.array(z.string(expecting('a token string')), expecting('a list of token strings')),
    merges: z.array(z.tuple([token, token], expecting('a [left, right] pair of token strings')), expecting('a list of [left, right] pairs')),
  })
  .superRefine((d, ctx) => {
    const bad = findMergeProblem(d.merges);
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['merges', ...bad.path], message: bad.problem });
      return;
    }
    const expected = [...SPECIAL_TOKEN_NAMES, ...DNA_ALPHABET, ...d.merges.map(([left, right]) => left + right)];
    if (d.vocabulary.length !== expected.length) {
      const message = `expected ${expected.length} tokens (${FIRST_MERGE_ID} + one per merge, ${d.merges.length}), got ${d.vocabulary.length}`;
      ctx.addIssue({ code: 'custom', path: ['vocabulary'], message });
      return;
    }
    const id = expected.findIndex((t, i) => d.vocabulary[i] !== t);
    if (id >= 0) {
      const why = id < FIRST_MERGE_ID ? '' : ` (merges.${id - FIRST_MERGE_ID} joined)`;
      ctx.addIssue({ code: 'custom', path: ['vocabulary', id], message: `expected '${expected[id]}'${why}, got ${shown(d.vocabulary[id])}` });
    }
  });

/** One schema and one constructor per kind. */
const KINDS = {
  nucleotide: { schema: z.strictObject({ kind: z.literal('nucleotide') }), build: () => new NucleotideTokenizer() },
  kmer: { schema: kmerSchema, build: (d: z.infer<typeof kmerSchema>) => new KmerTokenizer({ k: d.k, stride: d.stride ?? 1 }) },
  'nonoverlapping-kmer': {
    schema: z.strictObject({ kind: z.literal('nonoverlapping-kmer'), k: integerIn(2, 6).optional() }),
    build: (d: { k?: number }) => new NonOverlappingKmerTokenizer({ k: d.k ?? 6 }),
  },
  bpe: { schema: bpeSchema, build: (d: z.infer<typeof bpeSchema>) => new BpeTokenizer(d.merges) },
  protein: { schema: z.strictObject({ kind: z.literal('protein') }), build: () => new ProteinTokenizer() },
} as const;

type Kind = keyof typeof KINDS;

/** The description of any tokenizer (see the module comment). */
export type TokenizerDescription = { [K in Kind]: z.input<(typeof KINDS)[K]['schema']> }[Kind];

export interface TokenizerDescriptionSource {
  /** The file the description was read from, named first in errors. */
  file?: string;
  /** Where the description sits, first in error paths. Default 'tokenizer' without `file`, none with it. */
  path?: string;
}

/**
 * The tokenizer a description (parsed JSON) stands for. A bad description is a ConfigError
 * naming the field: `tokenizer.k: expected an integer in 1..6, got 9`.
 */
export function tokenizerFromDescription(description: unknown, source: TokenizerDescriptionSource = {}): SequenceTokenizer {
  const base = source.path ?? (source.file === undefined ? 'tokenizer' : '');
  const fail = (keys: readonly PropertyKey[], problem: string): never => {
    throw new ConfigError([base, ...keys.map(String)].filter((p) => p !== '').join('.'), problem, { file: source.file });
  };
  if (typeof description !== 'object' || description === null || Array.isArray(description)) {
    return fail([], `expected an object with a kind, got ${shown(description)}`);
  }
  const kind = (description as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) {
    return fail(['kind'], `expected one of ${Object.keys(KINDS).map((k) => `'${k}'`).join(', ')}, got ${shown(kind)}`);
  }
  const { schema, build } = KINDS[kind as Kind] as { schema: z.ZodType; build: (d: unknown) => SequenceTokenizer };
  const result = schema.safeParse(description, { reportInput: true });
  if (result.success) return build(result.data);
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return fail([...issue.path, issue.keys[0]!], 'unknown field');
  if (issue.code === 'invalid_type' && issue.input === undefined) return fail(issue.path, `missing (expected ${issue.expected})`);
  return fail(issue.path, issue.message);
}
