/**
 * Custom models from a list of layer specs, what a YAML config holds:
 *
 *   layers:
 *     - { type: conv1d, filters: 64, kernel: 9, padding: same }
 *     - { type: relu }
 *     - { type: maxpool, size: 4 }
 *     - { type: dropout, p: 0.2 }
 *     - { type: flatten }
 *     - { type: linear, units: 100 }
 *
 * A layer without options may be given by its type alone (`- relu`).
 * Input channels and features are inferred: each layer's output shape is computed from its
 * input shape (no data), starting from [channels, length] for sequences or [features] for
 * numeric vectors (shapes here leave out the batch axis). Layers work channels-first on
 * [C, L] like Conv1d; recurrent layers read [C, L] and return [directions * hidden, L] (or
 * the final state [directions * hidden] with output 'last'). A bad spec or a shape that does
 * not fit is a ConfigError naming the layer and field: `layers.3.kernel: expected a positive
 * integer, got 0`.
 */
import { z } from 'zod';
import { ConfigError, didYouMean, InputError, type Tensor } from '../core/index.js';
import {
  AvgPool1d,
  BatchNorm1d,
  Conv1d,
  Dropout,
  ELU,
  Exp,
  Flatten,
  GELU,
  GlobalAvgPool1d,
  GlobalMaxPool1d,
  GRU,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  LSTM,
  MaxPool1d,
  Module,
  ReLU,
  Residual,
  Sequential,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
  type TensorModule,
} from '../nn/index.js';
import { shapeText } from './common.js';
import { bool, finite, integer, joinPath, nonNegativeInt, oneOf, options, padding, parseOptions, positiveInt, positiveNumber, rate, showValue } from './schema.js';

/** Layer specs, by `type`. Defaults as the matching torch.nn layer unless stated. */
export type LayerSpec =
  /** Conv1d; padding default 'valid' (none); stride, dilation, groups default 1. */
  | { type: 'conv1d'; filters: number; kernel: number; stride?: number; padding?: number | 'same' | 'valid'; dilation?: number; groups?: number; bias?: boolean }
  /** Linear over the last axis. */
  | { type: 'linear'; units: number; bias?: boolean }
  | { type: 'relu' | 'gelu' | 'sigmoid' | 'tanh' | 'silu' | 'exp' }
  | { type: 'softplus'; beta?: number; threshold?: number }
  | { type: 'leakyrelu'; negativeSlope?: number }
  | { type: 'elu'; alpha?: number }
  /** dim counts the batch axis (default -1, the last). */
  | { type: 'softmax' | 'logsoftmax'; dim?: number }
  /** Max / average pooling over the length axis; stride default size. */
  | { type: 'maxpool' | 'avgpool'; size: number; stride?: number; padding?: number }
  /** [C, L] -> [C]. */
  | { type: 'globalmaxpool' | 'globalavgpool' }
  /** p default 0.5. */
  | { type: 'dropout'; p?: number }
  /** Over the channel axis of [C, L] or [F]. */
  | { type: 'batchnorm'; eps?: number; momentum?: number }
  /** Over the last axis. */
  | { type: 'layernorm'; eps?: number }
  /** Everything but the batch axis into one. */
  | { type: 'flatten' }
  /** [C, L] -> [directions * hidden, L] ('sequence', default) or [directions * hidden] ('last'). */
  | { type: 'lstm' | 'gru'; hidden: number; layers?: number; bidirectional?: boolean; dropout?: number; output?: 'sequence' | 'last' }
  /** x + the nested layers' output (which must keep x's shape). */
  | { type: 'residual'; layers: (LayerSpec | LayerType)[] };

export type LayerType = LayerSpec['type'];

const plain = (type: string) => options({ type: z.literal(type) });
const pool = (type: string) => options({ type: z.literal(type), size: positiveInt(), stride: positiveInt().optional(), padding: nonNegativeInt().optional() });
const recurrent = (type: string) =>
  options({
    type: z.literal(type),
    hidden: positiveInt(),
    layers: positiveInt().optional(),
    bidirectional: bool().optional(),
    dropout: rate().optional(),
    output: oneOf(['sequence', 'last']).optional(),
  });

/** The zod schema of each layer type (the residual's nested layers are checked one by one when built). */
export const LAYER_SCHEMAS: Readonly<Record<LayerType, z.ZodType>> = {
  conv1d: options({
    type: z.literal('conv1d'),
    filters: positiveInt(),
    kernel: positiveInt(),
    stride: positiveInt().optional(),
    padding: padding().optional(),
    dilation: positiveInt().optional(),
    groups: positiveInt().optional(),
    bias: bool().optional(),
  }),
  linear: options({ type: z.literal('linear'), units: positiveInt(), bias: bool().optional() }),
  relu: plain('relu'),
  gelu: plain('gelu'),
  sigmoid: plain('sigmoid'),
  tanh: plain('tanh'),
  silu: plain('silu'),
  exp: plain('exp'),
  softplus: options({ type: z.literal('softplus'), beta: positiveNumber().optional(), threshold: finite().optional() }),
  leakyrelu: options({ type: z.literal('leakyrelu'), negativeSlope: finite().optional() }),
  elu: options({ type: z.literal('elu'), alpha: finite().optional() }),
  softmax: options({ type: z.literal('softmax'), dim: integer().optional() }),
  logsoftmax: options({ type: z.literal('logsoftmax'), dim: integer().optional() }),
  maxpool: pool('maxpool'),
  avgpool: pool('avgpool'),
  globalmaxpool: plain('globalmaxpool'),
  globalavgpool: plain('globalavgpool'),
  dropout: options({ type: z.literal('dropout'), p: rate().optional() }),
  batchnorm: options({ type: z.literal('batchnorm'), eps: positiveNumber().optional(), momentum: rate().optional() }),
  layernorm: options({ type: z.literal('layernorm'), eps: positiveNumber().optional() }),
  flatten: plain('flatten'),
  lstm: recurrent('lstm'),
  gru: recurrent('gru'),
  residual: options({ type: z.literal('residual'), layers: z.array(z.unknown(), { error: (i) => `expected a list of layer specs, got ${showValue(i.input)}` }) }),
};

/** Every layer type name. */
export const LAYER_TYPES = Object.keys(LAYER_SCHEMAS) as LayerType[];

export interface CustomModelOptions {
  /** The layers, in order (a spec, or a bare type name for layers without options). Required (at least one). */
  layers: readonly (LayerSpec | LayerType)[];
  /** Sequence input: channels. Default 4. */
  channels?: number;
  /** Sequence input: length in bp. Default 1000. */
  length?: number;
  /** Numeric input [N, features] instead of a sequence; when given, channels and length are ignored. */
  features?: number;
}

/** A recurrent layer that reads and writes channels-first [N, C, L] (or returns the final state [N, D * H]). */
export class ChannelsFirstRecurrent extends Module {
  readonly rnn: LSTM | GRU;
  readonly output: 'sequence' | 'last';

  constructor(rnn: LSTM | GRU, output: 'sequence' | 'last') {
    super();
    this.rnn = this.registerModule('rnn', rnn);
    this.output = output;
  }

  /** x: [N, C, L] -> [N, D * H, L] ('sequence') or [N, D * H] ('last'). */
  forward(x: Tensor): Tensor {
    const result = this.rnn.forward(x.transpose(1, 2));
    if (this.output === 'sequence') return result.output.transpose(1, 2);
    const directions = this.rnn.bidirectional ? 2 : 1;
    const last = result.h.narrow(0, (this.rnn.numLayers - 1) * directions, directions);
    return last.transpose(0, 1).reshape([x.shape[0]!, directions * this.rnn.hiddenSize]);
  }
}

/** One built layer with its output shape (no batch axis). */
interface Built {
  module: TensorModule;
  shape: number[];
}

/** Checks `raw` (a spec, or a bare type name such as 'relu') against its type's schema; ConfigError at `path` otherwise. */
function parseSpec(raw: unknown, path: string): LayerSpec {
  const spec = typeof raw === 'string' ? { type: raw } : raw;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ConfigError(path, `expected a layer spec object with a type, got ${showValue(spec)}`);
  }
  const type = (spec as { type?: unknown }).type;
  if (typeof type !== 'string' || !(type in LAYER_SCHEMAS)) {
    throw new ConfigError(joinPath(path, ['type']), `expected one of ${LAYER_TYPES.join(', ')}, got ${showValue(type)}${didYouMean(type, LAYER_TYPES)}`);
  }
  return parseOptions(LAYER_SCHEMAS[type as LayerType], spec, path) as LayerSpec;
}

/** Builds layer `spec` for inputs of `shape` (no batch axis); ConfigError at `path` when it does not fit. */
function buildLayer(raw: unknown, shape: readonly number[], path: string): Built {
  const spec = parseSpec(raw, path);
  const fail = (field: string | null, problem: string): never => {
    throw new ConfigError(field === null ? path : `${path}.${field}`, problem);
  };
  const needSequence = (): [number, number] => {
    if (shape.length !== 2) fail(null, `${spec.type} expects a [channels, length] input, got ${shapeText(shape)}`);
    return shape as [number, number];
  };
  const same = (module: TensorModule): Built => ({ module, shape: [...shape] });
  switch (spec.type) {
    case 'conv1d': {
      const [channels, length] = needSequence();
      const { filters, kernel, stride = 1, padding = 'valid', dilation = 1, groups = 1, bias = true } = spec;
      if (padding === 'same' && stride !== 1) fail('stride', `expected 1 with padding 'same', got ${stride}`);
      if (channels % groups !== 0) fail('groups', `expected a divisor of the ${channels} input channels, got ${groups}`);
      if (filters % groups !== 0) fail('groups', `expected a divisor of filters ${filters}, got ${groups}`);
      const pad = padding === 'valid' ? 0 : padding === 'same' ? null : padding;
      const span = dilation * (kernel - 1) + 1;
      const out = pad === null ? length : Math.floor((length + 2 * pad - span) / stride) + 1;
      if (out < 1) fail('kernel', `kernel ${kernel} (dilation ${dilation}, span ${span}) does not fit the input length ${length}${pad ? ` padded by ${pad}` : ''}`);
      return { module: new Conv1d(channels, filters, kernel, { stride, padding, dilation, groups, bias }), shape: [filters, out] };
    }
    case 'linear': {
      if (shape.length < 1) fail(null, `linear expects a [..., features] input, got ${shapeText(shape)}`);
      const features = shape[shape.length - 1]!;
      return { module: new Linear(features, spec.units, { bias: spec.bias ?? true }), shape: [...shape.slice(0, -1), spec.units] };
    }
    case 'relu': return same(new ReLU());
    case 'gelu': return same(new GELU());
    case 'sigmoid': return same(new Sigmoid());
    case 'tanh': return same(new Tanh());
    case 'silu': return same(new SiLU());
    case 'exp': return same(new Exp());
    case 'softplus': return same(new Softplus({ beta: spec.beta, threshold: spec.threshold }));
    case 'leakyrelu': return same(new LeakyReLU({ negativeSlope: spec.negativeSlope }));
    case 'elu': return same(new ELU({ alpha: spec.alpha }));
    case 'softmax':
    case 'logsoftmax': {
      const dim = spec.dim ?? -1;
      const rank = shape.length + 1;
      if (dim < -rank || dim >= rank) fail('dim', `expected an axis in [${-rank}, ${rank - 1}] of the [N, ${shape.join(', ')}] input, got ${dim}`);
      return same(spec.type === 'softmax' ? new Softmax(dim) : new LogSoftmax(dim));
    }
    case 'maxpool':
    case 'avgpool': {
      const [channels, length] = needSequence();
      const { size, stride = size, padding = 0 } = spec;
      if (padding > size / 2) fail('padding', `expected at most half the size ${size}, got ${padding}`);
      const out = Math.floor((length + 2 * padding - size) / stride) + 1;
      if (out < 1) fail('size', `pool size ${size} does not fit the input length ${length}`);
      const module = spec.type === 'maxpool' ? new MaxPool1d(size, { stride, padding }) : new AvgPool1d(size, { stride, padding });
      return { module, shape: [channels, out] };
    }
    case 'globalmaxpool':
    case 'globalavgpool': {
      const [channels] = needSequence();
      return { module: spec.type === 'globalmaxpool' ? new GlobalMaxPool1d() : new GlobalAvgPool1d(), shape: [channels] };
    }
    case 'dropout': return same(new Dropout(spec.p ?? 0.5));
    case 'batchnorm': {
      if (shape.length !== 1 && shape.length !== 2) fail(null, `batchnorm expects a [features] or [channels, length] input, got ${shapeText(shape)}`);
      return same(new BatchNorm1d(shape[0]!, { eps: spec.eps, momentum: spec.momentum }));
    }
    case 'layernorm': {
      if (shape.length < 1) fail(null, `layernorm expects a [..., features] input, got ${shapeText(shape)}`);
      return same(new LayerNorm(shape[shape.length - 1]!, { eps: spec.eps }));
    }
    case 'flatten': {
      if (shape.length < 1) fail(null, `flatten expects an input with axes beyond the batch, got ${shapeText(shape)}`);
      return { module: new Flatten(), shape: [shape.reduce((a, b) => a * b, 1)] };
    }
    case 'lstm':
    case 'gru': {
      const [channels, length] = needSequence();
      const { hidden, layers = 1, bidirectional = false, dropout = 0, output = 'sequence' } = spec;
      const options = { numLayers: layers, bidirectional, dropout, batchFirst: true };
      const rnn = spec.type === 'lstm' ? new LSTM(channels, hidden, options) : new GRU(channels, hidden, options);
      const width = (bidirectional ? 2 : 1) * hidden;
      return { module: new ChannelsFirstRecurrent(rnn, output), shape: output === 'sequence' ? [width, length] : [width] };
    }
    case 'residual': {
      const inner = buildStack(spec.layers, shape, `${path}.layers`);
      if (inner.shape.length !== shape.length || inner.shape.some((d, i) => d !== shape[i])) {
        fail('layers', `expected the residual layers to keep their input shape ${shapeText(shape)}, got ${shapeText(inner.shape)}`);
      }
      return same(new Residual(inner.module));
    }
  }
}

/** Builds a list of layer specs as a Sequential from `shape`; returns it with every layer's output shape. */
function buildStack(specs: readonly unknown[], shape: readonly number[], path: string): { module: Sequential; shape: number[]; shapes: number[][] } {
  if (specs.length === 0) throw new ConfigError(path, 'expected at least one layer, got none');
  const module = new Sequential();
  const shapes: number[][] = [];
  let current = [...shape];
  try {
    specs.forEach((spec, i) => {
      const built = buildLayer(spec, current, `${path}.${i}`);
      module.append(built.module);
      shapes.push(built.shape);
      current = built.shape;
    });
  } catch (err) {
    module.dispose(); // the layers built before the bad one
    throw err;
  }
  return { module, shape: current, shapes };
}

/**
 * Children (PyTorch names): `layers` Sequential (`layers.{i}`; a residual's nested layers are
 * `layers.{i}.inner.{j}`, a recurrent layer's parameters `layers.{i}.rnn.*`).
 */
export class CustomModel extends Module {
  /** Input shape without the batch axis: [channels, length] or [features]. */
  readonly inputShape: readonly number[];
  /** Output shape of each top-level layer, without the batch axis. */
  readonly layerShapes: readonly (readonly number[])[];
  /** Output shape without the batch axis. */
  readonly outputShape: readonly number[];
  readonly layers: Sequential;

  /**
   * Builds the layers for inputs of the given shape. Errors are ConfigErrors whose path
   * starts with `path` (default ''), e.g. `layers.3.kernel` or, from the registry,
   * `model.options.layers.3.kernel`.
   */
  constructor(options: CustomModelOptions, { path = '' }: { path?: string } = {}) {
    super();
    const at = (field: string): string => joinPath(path, [field]);
    if (options === null || typeof options !== 'object') throw new ConfigError(path, `expected custom model options with layers, got ${showValue(options)}`);
    const { layers, channels = 4, length = 1000, features } = options;
    for (const [name, value] of [['channels', channels], ['length', length], ['features', features ?? 1]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new ConfigError(at(name), `expected a positive integer, got ${showValue(value)}`);
    }
    if (!Array.isArray(layers)) throw new ConfigError(at('layers'), `expected a list of layer specs, got ${showValue(layers)}`);
    this.inputShape = features === undefined ? [channels, length] : [features];
    const stack = buildStack(layers, this.inputShape, at('layers'));
    this.layers = this.registerModule('layers', stack.module);
    this.layerShapes = stack.shapes;
    this.outputShape = stack.shape;
  }

  /** x: [N, ...inputShape] float32 -> [N, ...outputShape]. */
  forward(x: Tensor): Tensor {
    const shape = x.shape;
    const expected = this.inputShape;
    if (shape.length !== expected.length + 1 || expected.some((d, i) => shape[i + 1] !== d)) {
      throw new InputError(`expected a [N, ${expected.join(', ')}] tensor for CustomModel input, got ${shapeText(shape)}`);
    }
    return this.layers.forward(x);
  }
}

/** Parses a list of layer specs without building it (ConfigError at `path.{i}...` for the first bad one); bare type names become `{ type }`. */
export function parseLayerSpecs(value: unknown, path = 'layers'): LayerSpec[] {
  if (!Array.isArray(value)) throw new ConfigError(path, `expected a list of layer specs, got ${showValue(value)}`);
  return value.map((spec, i) => {
    const parsed = parseSpec(spec, `${path}.${i}`);
    return parsed.type === 'residual' ? { ...parsed, layers: parseLayerSpecs(parsed.layers, `${path}.${i}.layers`) } : parsed;
  });
}
