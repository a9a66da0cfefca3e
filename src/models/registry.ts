/**
 * The model registry: every architecture by name with a zod schema of its options, so a
 * config such as `model: { name: deepsea, options: { tasks: 12 } }` is validated and built
 * in one call, and a bad value is reported as `model.options.tasks: expected a positive
 * integer, got 0`.
 */
import { z } from 'zod';
import { ConfigError, didYouMean, InputError, StrandError } from '../core/index.js';
import type { Module, TensorModule } from '../nn/index.js';
import { ACTIVATIONS } from './common.js';
import { Autoencoder, VAE } from './autoencoder.js';
import { Basset } from './basset.js';
import { CustomModel, parseLayerSpecs } from './custom.js';
import { DanQ } from './danq.js';
import { DeepBind } from './deepbind.js';
import { DeepSEA } from './deepsea.js';
import { DilatedResidualCNN } from './dilated-residual-cnn.js';
import { MLP } from './mlp.js';
import { MultiViewModel } from './multi-view.js';
import {
  bool,
  convolutionList,
  joinPath,
  nonNegativeInt,
  oneOf,
  options,
  parseOptions,
  positiveInt,
  positiveIntList,
  rate,
  rateList,
  showValue,
} from './schema.js';
import { SequenceTransformer } from './sequence-transformer.js';
import { ConvLm } from './conv-lm.js';
import { TransformerLm } from './transformer-lm.js';
import { LmClassifier } from './lm-classifier.js';
import { tokenizerFromDescription } from '../genomics/tokenizers/description.js';

/** What a model's forward takes. */
export type ModelInputs =
  /** forward(x: [N, 4, L] float32) */
  | 'sequence'
  /** forward(x: [N, L] int64 token ids) */
  | 'tokens'
  /** forward(x: [N, features] float32) */
  | 'features'
  /** forward(x: [N, 4, L] float32, features: [N, features] float32) */
  | 'sequence+features';

export interface ModelEntry<O = unknown> {
  readonly name: string;
  /** One line: what the model is. */
  readonly description: string;
  /** Validates the options object (fields optional unless stated; defaults live in the model class). */
  readonly schema: z.ZodType<O>;
  /** Names of forward's named outputs, or null when it returns one tensor. */
  readonly outputs: readonly string[] | null;
  /** What forward takes, for validated options. */
  inputs(options: O): ModelInputs;
  /** Builds the model from validated options; `path` is where the options sit in the config (for nested errors). */
  create(options: O, path: string): Module;
  /** Checks validated options further without building anything (ConfigError under `path`), when the schema cannot say it all. */
  check?(options: O, path: string): void;
}

const activation = () => oneOf(ACTIVATIONS);

const lengthsMatch = (listName: string, listLength: number | undefined, convolutions: number | undefined, ctx: z.RefinementCtx): void => {
  if (listLength !== undefined && convolutions !== undefined && listLength !== convolutions) {
    ctx.addIssue({ code: 'custom', path: [listName], message: `expected one entry per convolution (${convolutions}), got ${listLength}` });
  }
};

const entries = new Map<string, ModelEntry>();

/** Adds `entry` to the registry (InputError when the name is taken). */
export function registerModel<O>(entry: ModelEntry<O>): void {
  if (!/^[a-z][a-z0-9-]*$/.test(entry.name)) throw new InputError(`expected a lower-case model name (letters, digits, '-'), got '${entry.name}'`);
  if (entries.has(entry.name)) throw new InputError(`expected a new model name, got '${entry.name}' which is already registered`);
  entries.set(entry.name, entry as unknown as ModelEntry);
}

/** Registered model names, sorted. */
export function modelNames(): string[] {
  return [...entries.keys()].sort();
}

/** `expected one of <names>, got 'custm' (did you mean 'custom'?)`. */
function unknownModelProblem(name: unknown): string {
  return `expected one of ${modelNames().join(', ')}, got ${showValue(name)}${didYouMean(name, modelNames())}`;
}

/** The registry entry for `name`; ConfigError at `path.name` when unknown. */
export function modelEntry(name: string, { path = 'model' }: { path?: string } = {}): ModelEntry {
  const entry = typeof name === 'string' ? entries.get(name) : undefined;
  if (entry === undefined) throw new ConfigError(joinPath(path, ['name']), unknownModelProblem(name));
  return entry;
}

/** The options schema of model `name`. */
export function modelOptionsSchema(name: string): z.ZodType {
  return modelEntry(name).schema;
}

/**
 * The option names model `name` accepts, e.g. to pass a data set's sequence length only to
 * models with a `length` option (options are strict: unknown names are errors).
 */
export function modelOptionKeys(name: string): string[] {
  return optionKeys(modelEntry(name).schema);
}

/**
 * Validates `options` for model `name` and builds it. Errors are ConfigErrors under `path`
 * (default 'model'): `model.name: expected one of ...`, `model.options.filters: expected a
 * positive integer, got 0`; a combination the model rejects is reported at `model.options`.
 */
export function createModel(name: string, options: unknown = {}, { path = 'model' }: { path?: string } = {}): Module {
  const entry = modelEntry(name, { path });
  const optionsPath = joinPath(path, ['options']);
  const parsed = parseOptions(entry.schema, options ?? {}, optionsPath);
  try {
    return entry.create(parsed, optionsPath);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (err instanceof StrandError) throw new ConfigError(optionsPath, err.message, { cause: err });
    throw err;
  }
}

/**
 * Checks model `name` and its `options` as far as can be done without building the model (no
 * tensors): the name (a close one suggested), the options schema, and the model's own checks
 * (a custom model's layer specs, a multi-view model's sequence branch). Errors are ConfigErrors
 * under `path`, as createModel's. Returns what forward takes.
 */
export function checkModelOptions(name: string, options: unknown = {}, { path = 'model' }: { path?: string } = {}): ModelInputs {
  const entry = modelEntry(name, { path });
  const optionsPath = joinPath(path, ['options']);
  const parsed = parseOptions(entry.schema, options ?? {}, optionsPath);
  entry.check?.(parsed, optionsPath);
  return entry.inputs(parsed);
}

/** What `createModel(name, options)` would take as forward input, after validating the options. */
export function modelInputs(name: string, options: unknown = {}, { path = 'model' }: { path?: string } = {}): ModelInputs {
  const entry = modelEntry(name, { path });
  return entry.inputs(parseOptions(entry.schema, options ?? {}, joinPath(path, ['options'])));
}

const sequence = (): ModelInputs => 'sequence';

registerModel({
  name: 'deepbind',
  description: 'DeepBind (Alipanahi 2015): motif-detector convolution, global max (and average) pooling, optional hidden layer',
  schema: options({
    tasks: positiveInt().optional(),
    filters: positiveInt().optional(),
    kernel: positiveInt().optional(),
    pooling: oneOf(['max', 'maxavg']).optional(),
    hidden: nonNegativeInt().optional(),
    dropout: rate().optional(),
    padInput: bool().optional(),
  }),
  outputs: null,
  inputs: sequence,
  create: (o) => new DeepBind(o),
});

registerModel({
  name: 'basset',
  description: 'Basset (Kelley 2016): three conv + batch norm + max-pool blocks, two fully connected layers',
  schema: options({
    length: positiveInt().optional(),
    tasks: positiveInt().optional(),
    convolutions: convolutionList().optional(),
    pools: positiveIntList().optional(),
    hidden: positiveIntList().optional(),
    dropout: rate().optional(),
  }).superRefine((o, ctx) => lengthsMatch('pools', o.pools?.length, (o.convolutions ?? [0, 0, 0]).length, ctx)),
  outputs: null,
  inputs: sequence,
  create: (o) => new Basset(o),
});

registerModel({
  name: 'deepsea',
  description: 'DeepSEA (Zhou & Troyanskaya 2015): three convolutions with pooling and dropout, a 925-unit layer, 919 outputs',
  schema: options({
    length: positiveInt().optional(),
    tasks: positiveInt().optional(),
    convolutions: convolutionList().optional(),
    pools: positiveIntList().optional(),
    dropouts: rateList().optional(),
    hidden: positiveInt().optional(),
  }).superRefine((o, ctx) => {
    const convolutions = (o.convolutions ?? [0, 0, 0]).length;
    lengthsMatch('pools', o.pools?.length, convolutions, ctx);
    lengthsMatch('dropouts', o.dropouts?.length, convolutions, ctx);
  }),
  outputs: null,
  inputs: sequence,
  create: (o) => new DeepSEA(o),
});

registerModel({
  name: 'danq',
  description: 'DanQ (Quang & Xie 2016): convolution, max pooling, bidirectional LSTM, fully connected layers',
  schema: options({
    length: positiveInt().optional(),
    tasks: positiveInt().optional(),
    filters: positiveInt().optional(),
    kernel: positiveInt().optional(),
    pool: positiveInt().optional(),
    hidden: positiveInt().optional(),
    dense: positiveInt().optional(),
  }),
  outputs: null,
  inputs: sequence,
  create: (o) => new DanQ(o),
});

registerModel({
  name: 'bpnet',
  description: 'Dilated residual CNN (BPNet / Basenji style) with a per-position profile head and a total-count head',
  schema: options({
    length: positiveInt().optional(),
    tasks: positiveInt().optional(),
    filters: positiveInt().optional(),
    stemKernel: positiveInt().optional(),
    layers: nonNegativeInt().optional(),
    kernel: positiveInt().optional(),
    dilationRate: z.number({ error: (i) => `expected a number of at least 1, got ${showValue(i.input)}` }).min(1, { error: (i) => `expected a number of at least 1, got ${showValue(i.input)}` }).optional(),
    profileKernel: positiveInt().optional(),
    crop: nonNegativeInt().optional(),
    activation: activation().optional(),
    dropout: rate().optional(),
  }),
  outputs: ['profile', 'counts'],
  inputs: sequence,
  create: (o) => new DilatedResidualCNN(o),
});

registerModel({
  name: 'transformer',
  description: "Transformer encoder classifier over one-hot DNA, token ids, or the k-mer tokens of one-hot DNA (input 'kmers', DNABERT style), CLS or mean pooling",
  schema: options({
    input: oneOf(['onehot', 'tokens', 'kmers']).optional(),
    vocabSize: positiveInt().optional(),
    k: positiveInt().max(6).optional(),
    embedding: oneOf(['linear', 'conv']).optional(),
    embeddingKernel: positiveInt().optional(),
    dModel: positiveInt().optional(),
    heads: positiveInt().optional(),
    layers: positiveInt().optional(),
    dimFeedforward: positiveInt().optional(),
    dropout: rate().optional(),
    activation: oneOf(['relu', 'gelu']).optional(),
    norm: oneOf(['pre', 'post']).optional(),
    positional: oneOf(['sinusoidal', 'learned']).optional(),
    maxLength: positiveInt().optional(),
    pooling: oneOf(['cls', 'mean']).optional(),
    tasks: positiveInt().optional(),
  }).superRefine((o, ctx) => {
    if (o.input === 'kmers' && o.vocabSize !== undefined) ctx.addIssue({ code: 'custom', path: ['vocabSize'], message: "not allowed with input 'kmers' (it is 5 + 4^k)" });
    if (o.input !== 'kmers' && o.k !== undefined) ctx.addIssue({ code: 'custom', path: ['k'], message: "only with input 'kmers'" });
    if (o.input === 'tokens' && o.vocabSize === undefined) ctx.addIssue({ code: 'custom', path: ['vocabSize'], message: "required with input 'tokens'" });
    if (o.input === 'tokens' && o.vocabSize !== undefined && o.vocabSize < 2) {
      ctx.addIssue({ code: 'custom', path: ['vocabSize'], message: `expected at least 2 (padding id 0 and one token), got ${o.vocabSize}` });
    }
    const dModel = o.dModel ?? 128;
    const heads = o.heads ?? 8;
    if (dModel % heads !== 0) ctx.addIssue({ code: 'custom', path: ['heads'], message: `expected a divisor of dModel ${dModel}, got ${heads}` });
  }),
  outputs: null,
  inputs: (o) => (o.input === 'tokens' ? 'tokens' : 'sequence'),
  create: (o) => new SequenceTransformer(o),
});

registerModel({
  name: 'mlp',
  description: 'Multilayer perceptron for expression regression (D-GEX style: tanh hidden layers with dropout)',
  schema: options({
    features: positiveInt().optional(),
    targets: positiveInt().optional(),
    hidden: positiveIntList().optional(),
    dropout: rate().optional(),
    activation: activation().optional(),
    batchNorm: bool().optional(),
  }),
  outputs: null,
  inputs: () => 'features',
  create: (o) => new MLP(o),
});

const autoencoderSchema = () =>
  options({
    features: positiveInt(),
    hidden: positiveIntList().optional(),
    latent: positiveInt().optional(),
    activation: activation().optional(),
    dropout: rate().optional(),
    outputActivation: oneOf(['none', 'sigmoid', 'softplus']).optional(),
  });

registerModel({
  name: 'autoencoder',
  description: 'Autoencoder: encoder MLP to a latent vector, decoder MLP back (expression embeddings)',
  schema: autoencoderSchema(),
  outputs: ['reconstruction', 'latent'],
  inputs: () => 'features',
  create: (o) => new Autoencoder(o),
});

registerModel({
  name: 'vae',
  description: 'Variational autoencoder: Gaussian latent (mu, logvar) with reparameterisation; train it with task.kind reconstruction (MSE + beta x KL)',
  schema: autoencoderSchema(),
  outputs: ['reconstruction', 'mu', 'logvar', 'latent'],
  inputs: () => 'features',
  create: (o) => new VAE(o),
});

/** The registry entry of a multi-view model's sequence branch, checked: a single-output model of one-hot sequences with valid options. */
function checkSequenceBranch(spec: { model: string; options?: Record<string, unknown> | undefined }, branchPath: string): ModelEntry {
  const modelPath = joinPath(branchPath, ['model']);
  const entry = entries.get(spec.model);
  if (entry === undefined) throw new ConfigError(modelPath, unknownModelProblem(spec.model));
  if (entry.outputs !== null) throw new ConfigError(modelPath, `expected a model with one tensor output, got '${entry.name}' (outputs ${entry.outputs.join(', ')})`);
  const optionsPath = joinPath(branchPath, ['options']);
  const parsed = parseOptions(entry.schema, spec.options ?? {}, optionsPath);
  entry.check?.(parsed, optionsPath);
  const inputs = entry.inputs(parsed);
  if (inputs !== 'sequence') throw new ConfigError(modelPath, `expected a model of one-hot sequences, got '${entry.name}' (input ${inputs})`);
  return entry;
}

registerModel({
  name: 'multi-view',
  description: 'Two inputs, a sequence branch (a conv stack or any registered single-output sequence model) and a numeric branch, fused',
  schema: options({
    features: positiveInt(),
    length: positiveInt().optional(),
    tasks: positiveInt().optional(),
    sequence: z
      .strictObject(
        {
          model: z.string({ error: (i) => `expected a model name, got ${showValue(i.input)}` }),
          options: z.record(z.string(), z.unknown(), { error: (i) => `expected an object of options, got ${showValue(i.input)}` }).optional(),
        },
        { error: (i) => `expected { model, options }, got ${showValue(i.input)}` },
      )
      .optional(),
    convolutions: convolutionList().optional(),
    pool: positiveInt().optional(),
    featureHidden: positiveIntList().optional(),
    hidden: positiveIntList().optional(),
    dropout: rate().optional(),
    activation: activation().optional(),
  }),
  outputs: null,
  inputs: () => 'sequence+features',
  check: (o, path) => {
    if (o.sequence !== undefined) checkSequenceBranch(o.sequence, joinPath(path, ['sequence']));
  },
  create: (o, path) => {
    const { sequence: branchSpec, ...rest } = o;
    let sequenceBranch: TensorModule | undefined;
    if (branchSpec !== undefined) {
      const branchPath = joinPath(path, ['sequence']);
      const entry = checkSequenceBranch(branchSpec, branchPath);
      const branchOptions: Record<string, unknown> = { ...(branchSpec.options ?? {}) };
      // A branch with a length option follows the multi-view length unless set.
      if (branchOptions.length === undefined && rest.length !== undefined && optionKeys(entry.schema).includes('length')) branchOptions.length = rest.length;
      sequenceBranch = createModel(entry.name, branchOptions, { path: branchPath }) as TensorModule;
    }
    try {
      return new MultiViewModel({ ...rest, sequenceBranch });
    } catch (err) {
      sequenceBranch?.dispose();
      throw err;
    }
  },
});

registerModel({
  name: 'custom',
  description: 'A model from a list of layer specs (conv1d, pools, dropout, flatten, linear, activations, lstm/gru, residual, ...)',
  schema: options({
    layers: z.array(z.unknown(), { error: (i) => `expected a list of layer specs, got ${showValue(i.input)}` }),
    channels: positiveInt().optional(),
    length: positiveInt().optional(),
    features: positiveInt().optional(),
  }),
  outputs: null,
  inputs: (o) => (o.features === undefined ? 'sequence' : 'features'),
  check: (o, path) => {
    parseLayerSpecs(o.layers, joinPath(path, ['layers']));
  },
  create: (o, path) => new CustomModel(o as ConstructorParameters<typeof CustomModel>[0], { path }),
});

/** The option names a schema accepts (its object's fields), or [] when it is not an object schema. */
function optionKeys(schema: z.ZodType): string[] {
  let s: unknown = schema;
  while (s instanceof z.ZodPipe) s = s.in;
  return s instanceof z.ZodObject ? Object.keys(s.shape as object) : [];
}

registerModel({
  name: 'conv-lm',
  description: 'GPN-style genomic language model: dilated convolution blocks over token ids, logits per token (strand pretrain)',
  schema: options({
    vocabSize: positiveInt(),
    dim: positiveInt().optional(),
    kernel: positiveInt().optional(),
    dilations: positiveIntList().optional(),
    causal: bool().optional(),
  }).superRefine((o, ctx) => {
    if (o.causal !== true && o.kernel !== undefined && o.kernel % 2 === 0) ctx.addIssue({ code: 'custom', path: ['kernel'], message: `expected an odd kernel (two-sided convolutions), got ${o.kernel}` });
  }),
  outputs: null,
  inputs: () => 'tokens',
  create: (o) => new ConvLm(o),
});

registerModel({
  name: 'transformer-lm',
  description: 'Transformer genomic language model with rotary or ALiBi positions, logits per token (strand pretrain)',
  schema: options({
    vocabSize: positiveInt(),
    dim: positiveInt().optional(),
    heads: positiveInt().optional(),
    layers: positiveInt().optional(),
    ffDim: positiveInt().optional(),
    positions: oneOf(['rotary', 'alibi']).optional(),
    dropout: rate().optional(),
    causal: bool().optional(),
  }).superRefine((o, ctx) => {
    const dim = o.dim ?? 128;
    const heads = o.heads ?? 4;
    if (dim % heads !== 0) ctx.addIssue({ code: 'custom', path: ['heads'], message: `expected a divisor of dim ${dim}, got ${heads}` });
    else if ((o.positions ?? 'rotary') === 'rotary' && (dim / heads) % 2 !== 0) ctx.addIssue({ code: 'custom', path: ['heads'], message: `rotary positions need an even head size; dim / heads = ${dim / heads}` });
  }),
  outputs: null,
  inputs: () => 'tokens',
  create: (o) => new TransformerLm(o),
});

registerModel({
  name: 'lm-classifier',
  description: "A genomic language model's encoder with a pooled linear head, for fine-tuning or a linear probe after init.from a pretrained LM",
  schema: options({
    lm: oneOf(['conv-lm', 'transformer-lm']),
    encoder: z.record(z.string(), z.unknown()).optional(),
    tasks: positiveInt().optional(),
    pooling: oneOf(['mean', 'max']).optional(),
    dropout: rate().optional(),
    tokenizer: z.record(z.string(), z.unknown()).optional(),
  }),
  outputs: null,
  inputs: sequence,
  check: (o, path) => {
    if (o.tokenizer !== undefined) tokenizerFromDescription(o.tokenizer, { path: joinPath(path, ['tokenizer']) });
    const entry = modelEntry(o.lm);
    const encoder = { ...(o.encoder ?? {}), vocabSize: 9 };
    entry.check?.(parseOptions(entry.schema, encoder, joinPath(path, ['encoder'])), joinPath(path, ['encoder']));
  },
  create: (o, path) => {
    const entry = modelEntry(o.lm);
    const encoder = parseOptions(entry.schema, { ...(o.encoder ?? {}), vocabSize: 9 }, joinPath(path, ['encoder'])) as Record<string, unknown>;
    const { vocabSize: _vocab, ...rest } = encoder;
    return new LmClassifier({ ...o, encoder: rest } as ConstructorParameters<typeof LmClassifier>[0]);
  },
});
