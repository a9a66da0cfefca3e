/**
 * `model.json` of a saved model: what it holds, its strict schema, and the reader that checks
 * a file from anyone (unknown fields, missing fields, wrong types and unknown architectures
 * are FormatErrors naming the file and the field).
 */
import { z } from 'zod';
import { didYouMean, FormatError } from '../core/index.js';
import { readJsonFile } from '../io/json-file.js';
import { modelNames, type ModelInputs } from './registry.js';

export const MODEL_FORMAT = 'strand-model/1';

export interface ModelDescription {
  format: typeof MODEL_FORMAT;
  architecture: { name: string; options: Record<string, unknown> };
  input: { kind: ModelInputs; alphabet?: string; length?: number; features?: number };
  /** Task kind and the name of each output column (tasks, or classes for multiclass). */
  task: { kind: string; outputs: string[]; classes?: string[] };
  /** How sequences become token ids, for token models (language models): `{ kind, ...options }`. */
  tokenizer?: Record<string, unknown>;
  training?: unknown;
  metrics?: unknown;
  versions: { strand: string; libtorch: string };
  created: string;
}

const INPUT_KINDS = ['sequence', 'tokens', 'features', 'sequence+features'] as const satisfies readonly ModelInputs[];
const TASK_KINDS = ['binary', 'multiclass', 'regression', 'profile', 'reconstruction', 'masked-lm', 'causal-lm'] as const;
const positiveInt = z.number().int().positive();

/** Every field model.json may hold; anything else is an error (strict objects). */
const modelDescriptionSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT, { error: (i) => `expected '${MODEL_FORMAT}', got ${JSON.stringify(i.input)}` }),
  architecture: z.strictObject({ name: z.string().min(1), options: z.record(z.string(), z.unknown()) }),
  input: z.strictObject({
    kind: z.enum(INPUT_KINDS),
    alphabet: z.string().min(1).optional(),
    length: positiveInt.optional(),
    features: positiveInt.optional(),
  }),
  task: z.strictObject({
    kind: z.enum(TASK_KINDS),
    outputs: z.array(z.string()).min(1),
    classes: z.array(z.string()).min(1).optional(),
  }),
  tokenizer: z.record(z.string(), z.unknown()).optional(),
  /** The training config, as written (informational: older configs stay readable). */
  training: z.unknown().optional(),
  metrics: z.unknown().optional(),
  versions: z.strictObject({ strand: z.string(), libtorch: z.string() }),
  created: z.string(),
}) satisfies z.ZodType<ModelDescription>;

/**
 * Reads and checks `path` (a model.json): strict fields and types, a registered architecture
 * name (the list of known ones, and the closest, in the message). The architecture's options
 * are checked when the model is built.
 */
export function readModelDescription(path: string): ModelDescription {
  const description: ModelDescription = readJsonFile(path, modelDescriptionSchema);
  const { name } = description.architecture;
  const known = modelNames();
  if (!known.includes(name)) {
    throw new FormatError(path, undefined, 'architecture.name', `unknown architecture '${name}' (known: ${known.join(', ')})${didYouMean(name, known)}`);
  }
  return description;
}
