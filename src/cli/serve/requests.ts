/**
 * Validation of the JSON API's request bodies: which sequences (JSON list, one sequence, or
 * FASTA text), their alphabet and count, explain options, and variants. Every problem is an
 * HttpError (400 malformed, 413 too many) or a ConfigError naming the field (a 400).
 */
import { z } from 'zod';
import { validateConfig } from '../../config/load.js';
import { StrandError } from '../../core/errors.js';
import { buildObjective, parseObjective } from '../../design/objective.js';
import type { ExplainMethod } from '../../interpret/explain.js';
import { parseFastaText } from '../../io/fasta-records.js';
import { HttpError } from './http-error.js';
import type { VariantAlleles } from './protocol.js';

export interface ServeLimits {
  /** Largest request body in bytes (413 above). */
  maxBodyBytes: number;
  /** Most sequences in one predict request (413 above). */
  maxSequences: number;
  /** Most sequences in one explain request (413 above). */
  maxExplainSequences: number;
  /** Most edits one design request may ask for (400 above). */
  maxDesignEdits: number;
}

export const DEFAULT_LIMITS: ServeLimits = { maxBodyBytes: 1024 * 1024, maxSequences: 64, maxExplainSequences: 16, maxDesignEdits: 20 };

/** Named sequences, upper case, each only A, C, G, T and N. */
export interface SequenceInputs {
  ids: string[];
  sequences: string[];
}

const EXPLAIN_METHOD_NAMES = ['saliency', 'ig', 'deeplift', 'ism'] as const satisfies readonly ExplainMethod[];

const sequenceFields = {
  sequences: z.array(z.strictObject({ id: z.string().min(1).max(200).optional(), sequence: z.string() })).optional(),
  sequence: z.string().optional(),
  fasta: z.string().optional(),
};

const predictSchema = z.strictObject(sequenceFields);

const explainSchema = z.strictObject({
  ...sequenceFields,
  /** Default saliency; ism for a language model. */
  method: z.enum(EXPLAIN_METHOD_NAMES).optional(),
  task: z.string().optional(),
  head: z.enum(['counts', 'profile']).optional(),
  steps: z.int().min(1).max(200).default(50),
  shuffles: z.int().min(1).max(50).default(10),
});

const designSchema = z.strictObject({
  ...sequenceFields,
  /** Objective text (max:OUT, min:OUT, target:OUT=V, specific:ON/OFF, joined by +), or output + direction. */
  objective: z.string().min(1).max(500).optional(),
  output: z.string().optional(),
  direction: z.enum(['max', 'min']).default('max'),
  maxEdits: z.int().min(1).default(5),
  /** 1-based inclusive, e.g. "11-50". */
  editable: z.string().regex(/^\d+-\d+$/).optional(),
  forbidden: z.array(z.string().min(1).max(50)).max(20).optional(),
});

const variantSchema = z.strictObject({
  variant: z.string().optional(),
  chrom: z.string().min(1).optional(),
  pos: z.int().min(1).optional(),
  ref: z.string().optional(),
  alt: z.string().optional(),
  bothStrands: z.boolean().default(false),
  leftAlign: z.boolean().default(false),
});

const DNA = /[^ACGTN]/i;

/** Throws a 400 naming the first character of `sequence` that is not A, C, G, T or N (any case). */
export function checkAlphabet(sequence: string, what: string): void {
  const bad = DNA.exec(sequence);
  if (bad === null) return;
  const ch = bad[0];
  const shown = /^[\x21-\x7e]$/.test(ch) ? `'${ch}'` : JSON.stringify(ch);
  throw new HttpError(400, `${what}: invalid character ${shown} at position ${bad.index + 1}; only A, C, G, T and N are allowed`);
}

function tooMany(count: number, max: number): HttpError {
  return new HttpError(413, `too many sequences: ${count} in one request, the limit is ${max}; send them in several requests`);
}

/** Sequences of FASTA text (any line starts with '>'), or of one bare sequence (line breaks and spaces dropped). */
function sequencesOfText(text: string): { ids: string[]; sequences: string[] } {
  if (/^\s*>/m.test(text)) return parseFastaText(text, 'fasta');
  return { ids: ['sequence1'], sequences: [text.replace(/\s+/g, '')] };
}

function readSequences(body: z.infer<typeof predictSchema>, max: number): SequenceInputs {
  const given = [body.sequences, body.sequence, body.fasta].filter((v) => v !== undefined).length;
  if (given !== 1) throw new HttpError(400, "give exactly one of 'sequences' (a list of {id, sequence}), 'sequence' or 'fasta'");
  const raw =
    body.sequences !== undefined
      ? { ids: body.sequences.map((s, i) => s.id ?? `seq${i + 1}`), sequences: body.sequences.map((s) => s.sequence) }
      : body.sequence !== undefined
        ? { ids: ['seq1'], sequences: [body.sequence] }
        : sequencesOfText(body.fasta!);
  if (raw.sequences.length === 0) throw new HttpError(400, 'no sequences given');
  if (raw.sequences.length > max) throw tooMany(raw.sequences.length, max);
  raw.sequences.forEach((s, i) => {
    const what = `sequence '${raw.ids[i]}'`;
    if (s.length === 0) throw new HttpError(400, `${what} is empty`);
    checkAlphabet(s, what);
  });
  return { ids: raw.ids, sequences: raw.sequences.map((s) => s.toUpperCase()) };
}

/** A JSON list longer than the limit is a 413 before anything else is checked. */
function checkListLength(body: unknown, max: number): void {
  if (typeof body === 'object' && body !== null && 'sequences' in body && Array.isArray(body.sequences) && body.sequences.length > max) {
    throw tooMany(body.sequences.length, max);
  }
}

export function readPredictRequest(body: unknown, limits: ServeLimits): SequenceInputs {
  checkListLength(body, limits.maxSequences);
  return readSequences(validateConfig(predictSchema, body), limits.maxSequences);
}

export interface ExplainRequest extends SequenceInputs {
  method: ExplainMethod;
  /** The output to explain; undefined: the model's first. */
  task: string | undefined;
  /** Profile models: the head to explain; undefined: counts. */
  head: 'counts' | 'profile' | undefined;
  steps: number;
  shuffles: number;
}

export function readExplainRequest(body: unknown, limits: ServeLimits, { outputs, kind }: { outputs: readonly string[]; kind: string }): ExplainRequest {
  checkListLength(body, limits.maxExplainSequences);
  const parsed = validateConfig(explainSchema, body);
  if (parsed.task !== undefined && !outputs.includes(parsed.task)) {
    throw new HttpError(400, `unknown task '${parsed.task}'; the model's outputs are ${outputs.join(', ')}`);
  }
  if (parsed.head !== undefined && kind !== 'profile') throw new HttpError(400, `'head' is for profile models; this model's task is '${kind}'`);
  const lm = kind === 'masked-lm' || kind === 'causal-lm';
  if (lm && parsed.method !== undefined && parsed.method !== 'ism') {
    throw new HttpError(400, `a language model is explained by masked-LM in-silico mutagenesis (method 'ism'), not '${parsed.method}'`);
  }
  const { task, head, steps, shuffles } = parsed;
  const method = parsed.method ?? (lm ? 'ism' : 'saliency');
  return { ...readSequences(parsed, limits.maxExplainSequences), method, task, head, steps, shuffles };
}

const VARIANT_TEXT = /^(\S+):([\d,]+)[\s:]+([A-Za-z]+)\s*[>/:]\s*([A-Za-z]+)$/;

/** `chrom:pos ref>alt` (1-based pos, as in VCF; also `chrom:pos:ref:alt`, `chrom:1,234 A/G`). */
export function parseVariantText(text: string): VariantAlleles {
  const m = VARIANT_TEXT.exec(text.trim());
  if (m === null) throw new HttpError(400, `expected a variant as 'chrom:pos ref>alt' with a 1-based position, e.g. 'chr1:12345 A>G', got ${JSON.stringify(text.slice(0, 80))}`);
  const pos = Number(m[2]!.replace(/,/g, ''));
  if (!Number.isSafeInteger(pos) || pos < 1) throw new HttpError(400, `expected a position >= 1 (1-based), got ${m[2]}`);
  return checkAlleles({ chrom: m[1]!, pos, ref: m[3]!, alt: m[4]! });
}

function checkAlleles(v: VariantAlleles): VariantAlleles {
  for (const [name, allele] of [['REF', v.ref], ['ALT', v.alt]] as const) {
    if (allele.length === 0) throw new HttpError(400, `${name} is empty; write the bases, e.g. 'chr1:12345 A>G' (VCF style, with the anchor base for indels)`);
    checkAlphabet(allele, name);
  }
  const ref = v.ref.toUpperCase();
  const alt = v.alt.toUpperCase();
  if (ref === alt) throw new HttpError(400, `ALT equals REF (${ref}): nothing changes`);
  return { chrom: v.chrom, pos: v.pos, ref, alt };
}

export interface VariantRequest {
  variant: VariantAlleles;
  /** Average each prediction over the window and its reverse complement. */
  bothStrands: boolean;
  /** Left-align and trim the allele against the genome before placing its windows. */
  leftAlign: boolean;
}

export function readVariantRequest(body: unknown): VariantRequest {
  const parsed = validateConfig(variantSchema, body);
  const fields = [parsed.chrom, parsed.pos, parsed.ref, parsed.alt];
  if (parsed.variant !== undefined) {
    if (fields.some((f) => f !== undefined)) throw new HttpError(400, "give either 'variant' ('chrom:pos ref>alt') or 'chrom', 'pos', 'ref' and 'alt', not both");
    return { variant: parseVariantText(parsed.variant), bothStrands: parsed.bothStrands, leftAlign: parsed.leftAlign };
  }
  if (fields.some((f) => f === undefined)) throw new HttpError(400, "give 'variant' ('chrom:pos ref>alt') or all of 'chrom', 'pos' (1-based), 'ref' and 'alt'");
  return { variant: checkAlleles({ chrom: parsed.chrom!, pos: parsed.pos!, ref: parsed.ref!, alt: parsed.alt! }), bothStrands: parsed.bothStrands, leftAlign: parsed.leftAlign };
}

export interface DesignRequest {
  id: string;
  /** The start, fitted to the model's input length (centre-cropped when longer). */
  sequence: string;
  given: number;
  objective: string;
  maxEdits: number;
  editable?: [number, number][];
  forbidden?: string[];
}

/** One sequence to design: A, C, G, T only, at least the model's length (longer ones are centre-cropped). */
export function readDesignRequest(body: unknown, limits: ServeLimits, { outputs, length }: { outputs: readonly string[]; length: number }): DesignRequest {
  const parsed = validateConfig(designSchema, body);
  const { ids, sequences } = readSequences(parsed, 1);
  const raw = sequences[0]!;
  if (raw.includes('N')) throw new HttpError(400, `sequence '${ids[0]}' has N at position ${raw.indexOf('N') + 1}; a design starts from A, C, G and T only`);
  if (raw.length < length) throw new HttpError(400, `sequence '${ids[0]}' is ${raw.length} bp; design needs at least the model's input length, ${length} bp`);
  const from = Math.floor((raw.length - length) / 2);
  if (parsed.maxEdits > limits.maxDesignEdits) throw new HttpError(400, `maxEdits ${parsed.maxEdits} is over the limit of ${limits.maxDesignEdits} a request`);
  if (parsed.objective !== undefined && parsed.output !== undefined) throw new HttpError(400, "give either 'objective' or 'output' (with 'direction'), not both");
  const output = parsed.output ?? outputs[0]!;
  if (!outputs.includes(output)) throw new HttpError(400, `unknown output '${output}'; the model's outputs are ${outputs.join(', ')}`);
  let editable: [number, number][] | undefined;
  if (parsed.editable !== undefined) {
    const [a, b] = parsed.editable.split('-').map(Number) as [number, number];
    if (!(a >= 1 && b <= length && a <= b)) throw new HttpError(400, `editable ${parsed.editable} is not inside 1-${length}`);
    editable = [[a - 1, b]];
  }
  const objective = parsed.objective ?? `${parsed.direction}:${output}`;
  try {
    buildObjective(parseObjective(objective), outputs);
  } catch (err) {
    if (err instanceof StrandError) throw new HttpError(400, err.message);
    throw err;
  }
  return {
    id: ids[0]!,
    sequence: raw.slice(from, from + length),
    given: raw.length,
    objective,
    maxEdits: parsed.maxEdits,
    ...(editable ? { editable } : {}),
    ...(parsed.forbidden ? { forbidden: parsed.forbidden.map((f) => f.toUpperCase()) } : {}),
  };
}
