/**
 * ONNX export of sequence models whose forward is a chain of layers (Basset, DeepBind with max
 * pooling, DeepSEA, custom layer lists with LSTM / GRU layers) and of DanQ: recurrent layers
 * become ONNX LSTM / GRU nodes, one a layer, gates reordered from PyTorch's (LSTM i,f,g,o -> i,o,f,c;
 * GRU r,z,n -> z,r,h with linear_before_reset), the bias both bias vectors; and of BPNet-style
 * profile models, with two outputs `profile` and `counts`: standard `ai.onnx` operators only, weights as float32
 * initializers, a dynamic batch dimension; the length is the model's (its own forward checks
 * it). Written with the `onnx-proto` message classes (protobufjs).
 *
 * Layers: Conv1d -> Conv (a BatchNorm1d right after it folded in), BatchNorm1d (eval statistics)
 * -> BatchNormalization elsewhere, MaxPool1d ->
 * MaxPool, AvgPool1d -> AveragePool, global poolings -> ReduceMax / ReduceMean, Flatten, Linear
 * -> Gemm, ConstantPad1d -> Pad, ReLU, Sigmoid, Tanh, ELU, LeakyReLU, Softplus (beta 1), SiLU,
 * Exp, exact GELU (as x * 0.5 * (1 + erf(x / sqrt 2))), Dropout (dropped: inference). Anything
 * else is an InputError naming the layer.
 */
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';
import { InputError, tidy, type Tensor } from '../core/index.js';
import * as ops from '../ops/index.js';
import { modelLayers } from '../interpret/layer-chain.js';
import { ChannelsFirstRecurrent } from '../models/custom.js';
import { DanQ } from '../models/danq.js';
import { DilatedResidualCNN } from '../models/dilated-residual-cnn.js';
import {
  AvgPool1d, BatchNorm1d, ConstantPad1d, Conv1d, Dropout, ELU, Exp, Flatten, GELU, GlobalAvgPool1d, GlobalMaxPool1d, GRU, LeakyReLU, Linear, LSTM, MaxPool1d, ReLU, Sigmoid, SiLU, Softplus, Tanh, type Module,
} from '../nn/index.js';

export interface OnnxExportOptions {
  /** Operator set. Default 17. */
  opset?: number;
  /** Input length in bases (the model's). */
  length: number;
  /** Output names, for the graph's documentation. */
  outputs: readonly string[];
  /** The graph's name. */
  name?: string;
}

// onnx-proto is CommonJS: its namespace comes through the default export (its types by name).
const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

class GraphBuilder {
  readonly nodes: P.INodeProto[] = [];
  readonly initializers: P.ITensorProto[] = [];
  private counter = 0;

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  weight(name: string, t: Tensor): string {
    const values = tidy(() => t.toDType('float32').contiguous().data<Float32Array>());
    this.initializers.push({ name, dataType: FLOAT, dims: [...t.shape], rawData: new Uint8Array(Float32Array.from(values).buffer) });
    return name;
  }

  constant(name: string, values: readonly number[], dtype: 'float' | 'int64'): string {
    if (dtype === 'int64') this.initializers.push({ name, dataType: INT64, dims: [values.length], int64Data: [...values] });
    else this.initializers.push({ name, dataType: FLOAT, dims: [], floatData: [...values] });
    return name;
  }

  /** A float vector of `n` copies of `value` (e.g. a BatchNorm without affine weights). */
  constantVector(name: string, n: number, value: number): string {
    this.initializers.push({ name, dataType: FLOAT, dims: [n], floatData: Array.from({ length: n }, () => value) });
    return name;
  }

  node(opType: string, inputs: readonly string[], attributes: P.IAttributeProto[] = [], output = this.fresh(opType.toLowerCase())): string {
    this.nodes.push({ opType, input: [...inputs], output: [output], name: output, attribute: attributes });
    return output;
  }
}

const ints = (name: string, values: readonly number[]): P.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...values] });
const int = (name: string, value: number): P.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
const float = (name: string, value: number): P.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value });

/** Conv's attributes for a Conv1d: kernel, stride, dilation, its padding on both sides, groups. */
function convAttributes(conv: Conv1d): P.IAttributeProto[] {
  const total = conv.dilation * (conv.kernelSize - 1);
  const [left, right] = conv.padding === 'valid' ? [0, 0] : conv.padding === 'same' ? [Math.floor(total / 2), total - Math.floor(total / 2)] : [conv.padding, conv.padding];
  return [ints('kernel_shape', [conv.kernelSize]), ints('strides', [conv.stride]), ints('dilations', [conv.dilation]), ints('pads', [left, right]), int('group', conv.groups)];
}

/** A convolution followed by an eval-mode BatchNorm as one Conv: W * s and (b - mean) * s + beta, s = gamma / sqrt(var + eps) per output channel. */
function foldedConv(g: GraphBuilder, conv: Conv1d, bn: BatchNorm1d, x: string, index: number): string {
  const { weight, bias } = tidy(() => {
    const scale = ops.rsqrt(ops.addScalar(bn.runningVar!, bn.eps));
    const gamma = bn.weight === null ? scale : scale.mul(bn.weight);
    const w = conv.weight.mul(gamma.reshape([-1, 1, 1]));
    const convBias = conv.findParameter('bias');
    const centred = convBias === null ? ops.neg(bn.runningMean!) : convBias.sub(bn.runningMean!);
    const b = bn.bias === null ? centred.mul(gamma) : centred.mul(gamma).add(bn.bias);
    return { weight: w.detach().clone(), bias: b.detach().clone() };
  });
  try {
    return g.node('Conv', [x, g.weight(`layer${index}.folded_weight`, weight), g.weight(`layer${index}.folded_bias`, bias)], convAttributes(conv));
  } finally {
    weight.dispose();
    bias.dispose();
  }
}

/** A reduction over positions (axis 2): axes as an attribute up to opset 17, as an input from 18. */
function reduce(g: GraphBuilder, op: 'ReduceMax' | 'ReduceMean', x: string, opset: number): string {
  if (opset >= 18) return g.node(op, [x, g.constant(g.fresh('axes'), [2], 'int64')], [int('keepdims', 0)]);
  return g.node(op, [x], [ints('axes', [2]), int('keepdims', 0)]);
}

/** Adds `layer` applied to `x`; returns the output name. */
function exportLayer(g: GraphBuilder, layer: Module, x: string, index: number, opset: number): { y: string } {
  const keep = (y: string) => ({ y });
  const prefix = `layer${index}`;
  if (layer instanceof Dropout) return keep(x);
  if (layer instanceof Conv1d) {
    const bias = layer.findParameter('bias');
    return keep(g.node('Conv', [x, g.weight(`${prefix}.weight`, layer.weight), ...(bias ? [g.weight(`${prefix}.bias`, bias)] : [])], convAttributes(layer)));
  }
  if (layer instanceof BatchNorm1d) {
    const { weight, bias, runningMean, runningVar } = layer;
    if (runningMean === null || runningVar === null) throw new InputError(`ONNX export: layer ${index} (BatchNorm1d) keeps no running statistics`);
    const scale = weight ?? null;
    const C = layer.numFeatures;
    const names = [
      scale ? g.weight(`${prefix}.weight`, scale) : g.constantVector(`${prefix}.weight`, C, 1),
      bias ? g.weight(`${prefix}.bias`, bias) : g.constantVector(`${prefix}.bias`, C, 0),
      g.weight(`${prefix}.running_mean`, runningMean),
      g.weight(`${prefix}.running_var`, runningVar),
    ];
    return keep(g.node('BatchNormalization', [x, ...names], [float('epsilon', layer.eps)]));
  }
  if (layer instanceof MaxPool1d) {
    if (layer.ceilMode) throw new InputError(`ONNX export: layer ${index} (MaxPool1d with ceilMode) is not supported`);
    return keep(g.node('MaxPool', [x], [ints('kernel_shape', [layer.kernelSize]), ints('strides', [layer.stride]), ints('pads', [layer.padding, layer.padding]), ints('dilations', [layer.dilation])]));
  }
  if (layer instanceof AvgPool1d) {
    if (layer.ceilMode) throw new InputError(`ONNX export: layer ${index} (AvgPool1d with ceilMode) is not supported`);
    return keep(g.node('AveragePool', [x], [ints('kernel_shape', [layer.kernelSize]), ints('strides', [layer.stride]), ints('pads', [layer.padding, layer.padding]), int('count_include_pad', layer.countIncludePad ? 1 : 0)]));
  }
  if (layer instanceof GlobalMaxPool1d) return keep(reduce(g, 'ReduceMax', x, opset));
  if (layer instanceof GlobalAvgPool1d) return keep(reduce(g, 'ReduceMean', x, opset));
  if (layer instanceof Flatten) {
    if (layer.startDim !== 1 || (layer.endDim !== -1 && layer.endDim !== 2)) throw new InputError(`ONNX export: layer ${index} (Flatten ${layer.startDim}..${layer.endDim}) is not supported; only from dimension 1`);
    return keep(g.node('Flatten', [x], [int('axis', 1)]));
  }
  if (layer instanceof Linear) {
    const bias = layer.findParameter('bias');
    return keep(g.node('Gemm', [x, g.weight(`${prefix}.weight`, layer.weight), ...(bias ? [g.weight(`${prefix}.bias`, bias)] : [])], [int('transB', 1)]));
  }
  if (layer instanceof ConstantPad1d) {
    const pads = g.constant(`${prefix}.pads`, [0, 0, layer.left, 0, 0, layer.right], 'int64');
    return keep(g.node('Pad', [x, pads, g.constant(`${prefix}.value`, [layer.value], 'float')], [ { name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('constant') } ]));
  }
  if (layer instanceof ChannelsFirstRecurrent) {
    // [N, C, L] -> [L, N, C]; outputs back to [N, D * H, L], or the final states [N, D * H].
    const { sequence, last } = recurrentNodes(g, layer.rnn, g.node('Transpose', [x], [ints('perm', [2, 0, 1])]), prefix);
    return keep(layer.output === 'last' ? last : g.node('Transpose', [sequence], [ints('perm', [1, 2, 0])]));
  }
  if (layer instanceof ReLU) return keep(g.node('Relu', [x]));
  if (layer instanceof Sigmoid) return keep(g.node('Sigmoid', [x]));
  if (layer instanceof Tanh) return keep(g.node('Tanh', [x]));
  if (layer instanceof Exp) return keep(g.node('Exp', [x]));
  if (layer instanceof ELU) return keep(g.node('Elu', [x], [float('alpha', layer.alpha)]));
  if (layer instanceof LeakyReLU) return keep(g.node('LeakyRelu', [x], [float('alpha', layer.negativeSlope)]));
  if (layer instanceof SiLU) return keep(g.node('Mul', [x, g.node('Sigmoid', [x])]));
  if (layer instanceof Softplus) {
    if (layer.beta !== 1) throw new InputError(`ONNX export: layer ${index} (Softplus with beta ${layer.beta}) is not supported`);
    return keep(g.node('Softplus', [x]));
  }
  if (layer instanceof GELU) {
    if (layer.approximate !== 'none') throw new InputError(`ONNX export: layer ${index} (GELU tanh approximation) is not supported`);
    const erf = g.node('Erf', [g.node('Div', [x, g.constant(`${prefix}.sqrt2`, [Math.SQRT2], 'float')])]);
    const half = g.node('Mul', [g.node('Add', [erf, g.constant(`${prefix}.one`, [1], 'float')]), g.constant(`${prefix}.half`, [0.5], 'float')]);
    return keep(g.node('Mul', [x, half]));
  }
  throw new InputError(`ONNX export: layer ${index} (${layer.constructor.name}) is not supported yet`);
}

/** PyTorch's gate blocks in ONNX's order along dimension 0: LSTM i,f,g,o -> i,o,f,c; GRU r,z,n -> z,r,h. */
function onnxGateOrder(t: Tensor, hidden: number, lstm: boolean): Tensor {
  const order = lstm ? [0, 3, 1, 2] : [1, 0, 2];
  return ops.cat(order.map((k) => ops.narrow(t, 0, k * hidden, hidden)), { dim: 0 });
}

/**
 * A (bi)directional LSTM or GRU of any depth on sequence-first x [T, N, C]: one ONNX node a layer
 * (W, R and B stack the directions, B the input and hidden biases; GRUs with
 * linear_before_reset, as PyTorch computes them). Returns the last layer's outputs as [T, N, D * H]
 * and its final states as [N, D * H], PyTorch's direction-major order.
 */
function recurrentNodes(g: GraphBuilder, rnn: LSTM | GRU, x: string, prefix: string): { sequence: string; last: string } {
  const lstm = rnn instanceof LSTM;
  const H = rnn.hiddenSize;
  const directions = rnn.bidirectional ? ['', '_reverse'] : [''];
  const state = rnn.stateDict();
  let input = x;
  let last = '';
  for (let layer = 0; layer < rnn.numLayers; layer++) {
    const stacked = tidy(() => {
      const of = (name: string, d: string) => onnxGateOrder(state[`${name}_l${layer}${d}`]!, H, lstm);
      const gates = lstm ? 4 : 3;
      return {
        W: ops.stack(directions.map((d) => of('weight_ih', d))).clone(),
        R: ops.stack(directions.map((d) => of('weight_hh', d))).clone(),
        B: ops.stack(directions.map((d) => (rnn.hasBiases ? ops.cat([of('bias_ih', d), of('bias_hh', d)]) : ops.zeros([2 * gates * H])))).clone(),
      };
    });
    const name = `${prefix}.l${layer}`;
    try {
      const inputs = [input, g.weight(`${name}.W`, stacked.W), g.weight(`${name}.R`, stacked.R), g.weight(`${name}.B`, stacked.B)];
      const direction = { name: 'direction', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(rnn.bidirectional ? 'bidirectional' : 'forward') };
      const attributes = [int('hidden_size', H), direction, ...(lstm ? [] : [int('linear_before_reset', 1)])];
      const y = g.fresh(`${name}.y`);
      const yh = g.fresh(`${name}.y_h`);
      g.nodes.push({ opType: lstm ? 'LSTM' : 'GRU', input: inputs, output: [y, yh], name: y, attribute: attributes });
      // Y [T, D, N, H] -> [T, N, D * H], the next layer's input; Y_h [D, N, H] -> [N, D * H].
      input = g.node('Reshape', [g.node('Transpose', [y], [ints('perm', [0, 2, 1, 3])]), g.constant(g.fresh('shape'), [0, 0, -1], 'int64')]);
      last = g.node('Reshape', [g.node('Transpose', [yh], [ints('perm', [1, 0, 2])]), g.constant(g.fresh('shape'), [0, -1], 'int64')]);
    } finally {
      for (const t of Object.values(stacked)) t.dispose();
    }
  }
  return { sequence: input, last };
}

/** DanQ: convolution, ReLU, max pooling, the bidirectional LSTM over the pooled positions, two dense layers. */
function danqNodes(g: GraphBuilder, model: DanQ, opset: number): string {
  let x = exportLayer(g, model.conv, 'x', 0, opset).y;
  x = g.node('Relu', [x]);
  x = exportLayer(g, model.pool, x, 1, opset).y;
  // [N, C, T] -> [T, N, C]; the LSTM's [T, N, 2H] back to [N, T, 2H] before flattening, as PyTorch.
  const { sequence } = recurrentNodes(g, model.lstm, g.node('Transpose', [x], [ints('perm', [2, 0, 1])]), 'lstm');
  x = g.node('Flatten', [g.node('Transpose', [sequence], [ints('perm', [1, 0, 2])])], [int('axis', 1)]);
  x = exportLayer(g, model.fc1, x, 2, opset).y;
  x = g.node('Relu', [x]);
  return exportLayer(g, model.fc2, x, 3, opset).y;
}

/** Renames the output of the node that writes `from` to `to` (a graph output's name). */
function renameOutput(g: GraphBuilder, from: string, to: string): void {
  const node = g.nodes.find((n) => n.output?.[0] === from);
  if (node === undefined) throw new InputError(`ONNX export: no node writes ${from}`);
  node.output = [to, ...node.output!.slice(1)];
}

/**
 * BPNet-style profile models: the stem, the dilated residual blocks (Add), then two outputs:
 * `profile` [N, tasks, L - 2 * crop] (the wide convolution, cropped by Slice) and `counts`
 * [N, tasks] (the trunk's mean over positions through the linear layer).
 */
function profileNodes(g: GraphBuilder, model: DilatedResidualCNN, length: number, opset: number): { profile: string; counts: string } {
  let h = exportLayer(g, model.stem, 'x', 0, opset).y;
  h = exportLayer(g, model.stemActivation as unknown as Module, h, 1, opset).y;
  model.blocks.items.forEach((block, i) => {
    const prefix = `block${i}`;
    const branch = exportLayer(g, block.activation as unknown as Module, exportLayer(g, block.conv, h, 2 + i, opset).y, 2 + i, opset).y;
    h = g.node('Add', [h, branch], [], g.fresh(prefix));
  });
  let profile = exportLayer(g, model.profile, h, 100, opset).y;
  if (model.crop > 0) {
    const c = model.crop;
    profile = g.node('Slice', [profile, g.constant(g.fresh('starts'), [c], 'int64'), g.constant(g.fresh('ends'), [length - c], 'int64'), g.constant(g.fresh('axes'), [2], 'int64')]);
  }
  const counts = exportLayer(g, model.counts, reduce(g, 'ReduceMean', h, opset), 101, opset).y;
  return { profile, counts };
}

/** The ONNX model (serialised ModelProto bytes) of `model` in eval mode. */
export function exportOnnx(model: Module, options: OnnxExportOptions): Uint8Array {
  const { opset = 17, length, outputs, name = 'strand' } = options;
  const special = model instanceof DanQ || model instanceof DilatedResidualCNN;
  const layers = special ? [] : modelLayers(model);
  if (layers === null) throw new InputError(`ONNX export needs a model whose forward is a chain of layers (Basset, DeepBind with max pooling, custom layer lists); this one (${model.constructor.name}) is not yet supported`);
  model.eval();
  const g = new GraphBuilder();
  const profile = model instanceof DilatedResidualCNN ? profileNodes(g, model, length, opset) : undefined;
  let x = model instanceof DanQ ? danqNodes(g, model, opset) : 'x';
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const next = layers[i + 1];
    if (layer instanceof Conv1d && next instanceof BatchNorm1d && next.runningMean !== null && next.runningVar !== null) {
      x = foldedConv(g, layer, next, x, i);
      i++;
      continue;
    }
    x = exportLayer(g, layer, x, i, opset).y;
  }
  if (g.nodes.length === 0) throw new InputError('ONNX export: the model has no layers');
  if (profile) {
    renameOutput(g, profile.profile, 'profile');
    renameOutput(g, profile.counts, 'counts');
  } else {
    renameOutput(g, x, 'y');
  }
  const T = outputs.length;
  const dim = (d: number | string): P.TensorShapeProto.IDimension => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  const valueInfo = (n: string, dims: (number | string)[]): P.IValueInfoProto => ({ name: n, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map(dim) } } } });
  const graph: P.IGraphProto = {
    name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo('x', ['batch', 4, length])],
    output: profile ? [valueInfo('profile', ['batch', T, length - 2 * (model as DilatedResidualCNN).crop]), valueInfo('counts', ['batch', T])] : [valueInfo('y', ['batch', T])],
    docString: `outputs: ${outputs.join(', ')}`,
  };
  const proto = onnx.ModelProto.create({ irVersion: 8, producerName: 'strand', opsetImport: [{ domain: '', version: opset }], graph });
  return onnx.ModelProto.encode(proto).finish();
}
