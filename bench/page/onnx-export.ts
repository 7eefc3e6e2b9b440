/**
 * KerasModel → ONNX ModelProto, for running the benchmark's models in ONNX Runtime Web (there is
 * no Keras→ONNX converter offline, and tf2onnx is Python). It reads the same object toTfjsBundle
 * reads, so all three engines run the same weights.
 *
 * Layout: the graph's input and outputs stay channels-last (NHWC, Keras' element order, so the
 * results compare element by element with ours); convolutions and pools run channels-first, as
 * ONNX defines them, with a Transpose inserted where a tensor first changes layout (after the
 * input, before Flatten/Dense, at the outputs). Kernels are transposed here to ONNX layouts
 * (HWIO → OIHW, depthwise HW·C·M → (C·M)·1·HW, transposed HWOI → IOHW). Every shape is static
 * (the batch included), which is what ORT's WebGPU EP plans best.
 *
 * Padding follows TensorFlow: 'same' splits an odd total with the extra cell after, written as
 * explicit pads (src/geometry/window.ts computes them, as our engine does).
 */
import type { InboundRef, KerasLayer, KerasModel } from '../../src/formats/keras-model.ts';
import { axisGeometry, type Padding } from '../../src/geometry/window.ts';
import { OnnxGraph, type Tensor } from './onnx-graph.ts';

/** A Keras layer (or layer option) the exporter does not write; the bench shows it in the cell. */
export class OnnxUnsupportedError extends Error {
  override name = 'OnnxUnsupportedError';
}

export interface OnnxModel {
  bytes: Uint8Array;
  inputName: string;
  outputNames: string[];
  /** Keras (channels-last) shapes of the outputs, batch included. */
  outputShapes: number[][];
}

const ref = (r: InboundRef) => `${r.layer}:${r.nodeIndex}:${r.tensorIndex}`;
const IDENTITY = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);

/** Exports `model` for one concrete input shape (batch included, channels last). */
export function toOnnx(model: KerasModel, inputShape: number[]): OnnxModel {
  if (model.inputs.length !== 1) throw new OnnxUnsupportedError(`the exporter takes one input, the model has ${model.inputs.length}`);
  const g = new OnnxGraph();
  const tensors = new Map<string, Tensor>();
  const x = g.input('input', inputShape);
  tensors.set(ref(model.inputs[0]), x);
  const inputLayer = model.inputs[0].layer;

  const pending: { layer: KerasLayer; call: number }[] = [];
  for (const layer of model.layers) {
    if (layer.name === inputLayer || layer.className === 'InputLayer') continue;
    if (!EMITTERS[layer.className] && !IDENTITY.has(layer.className)) throw new OnnxUnsupportedError(`unsupported layer ${layer.className} (${layer.name})`);
    layer.inbound.forEach((_, call) => pending.push({ layer, call }));
  }
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length; ) {
      const { layer, call } = pending[i];
      const ins = layer.inbound[call].map((r) => tensors.get(ref(r)));
      if (ins.some((t) => !t)) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const at = call === 0 ? layer.name : `${layer.name}@${call}`;
      const out = IDENTITY.has(layer.className) ? ins[0]! : EMITTERS[layer.className](g, layer, ins as Tensor[], at);
      tensors.set(`${layer.name}:${call}:0`, out);
    }
    if (pending.length === before) throw new Error(`layer ${pending[0].layer.name} takes a tensor no layer produces`);
  }
  const outs = model.outputs.map((r, i) => {
    const t = tensors.get(ref(r));
    if (!t) throw new Error(`model output ${ref(r)} is not produced`);
    return { name: g.output(t, `output_${i}`), shape: t.shape };
  });
  return { bytes: g.encode('medimg-webgpu bench exporter'), inputName: x.nhwc!, outputNames: outs.map((o) => o.name), outputShapes: outs.map((o) => o.shape) };
}

type Emitter = (g: OnnxGraph, layer: KerasLayer, ins: Tensor[], at: string) => Tensor;

// --- config helpers ---------------------------------------------------------------------------

/** An int or int tuple config value as `n` ints. */
function tuple(v: unknown, n: number, dflt: number): number[] {
  if (v === undefined || v === null) return Array(n).fill(dflt);
  if (typeof v === 'number') return Array(n).fill(v);
  return (v as number[]).map(Number);
}

function weight(layer: KerasLayer, name: string, index: number): { shape: readonly number[]; data: Float32Array } {
  const w = layer.weights.find((x) => x.name === name || x.name.endsWith(`/${name}`) || x.name.endsWith(`${name}:0`)) ?? layer.weights[index];
  if (!w) throw new Error(`layer ${layer.name} has no weight "${name}"`);
  return w;
}

function channelsLast(layer: KerasLayer): void {
  const f = layer.config.data_format;
  if (f && f !== 'channels_last') throw new OnnxUnsupportedError(`unsupported layer ${layer.className} (${layer.name}): data_format ${f}`);
}

function padding(layer: KerasLayer): Padding {
  const p = layer.config.padding ?? 'valid';
  if (p !== 'valid' && p !== 'same') throw new OnnxUnsupportedError(`unsupported layer ${layer.className} (${layer.name}): padding ${p}`);
  return p;
}

/** `data` (row-major, `shape`) with its axes permuted: out axis i is input axis perm[i]. */
export function transposeArray(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const r = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(r);
  for (let i = r - 1, s = 1; i >= 0; i--) (inStrides[i] = s), (s *= shape[i]);
  const stride = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < r; i++) src += idx[i] * stride[i];
    out[o] = data[src];
    for (let i = r - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** The ONNX tensor `y` as a Keras tensor of `shape`, channels-first when `cf`. */
function laidOut(shape: number[], y: string, cf: boolean): Tensor {
  return cf ? { shape, nchw: y } : { shape, nhwc: y };
}

// --- activations ------------------------------------------------------------------------------

function activationName(v: unknown): string {
  if (v && typeof v === 'object') {
    const d = v as { class_name?: string; config?: unknown };
    v = typeof d.config === 'string' ? d.config : ((d.config as { name?: string })?.name ?? d.class_name);
  }
  return String(v ?? 'linear').toLowerCase();
}

/** Applies a Keras activation by name in whichever layout `t` has. */
function activate(g: OnnxGraph, t: Tensor, act: unknown, at: string, layer: KerasLayer): Tensor {
  const name = activationName(act);
  if (name === 'linear') return t;
  const { name: x, cf } = g.either(t);
  const set = (y: string): Tensor => laidOut(t.shape, y, cf);
  const simple: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softplus: 'Softplus', selu: 'Selu' };
  if (simple[name]) return set(g.node(simple[name], [x], at));
  if (name === 'relu6') return set(g.node('Clip', [x, g.scalar(`${at}/zero`, 0), g.scalar(`${at}/six`, 6)], at));
  if (name === 'elu') return set(g.node('Elu', [x], at, { alpha: { float: 1 } }));
  if (name === 'leaky_relu') return set(g.node('LeakyRelu', [x], at, { alpha: { float: 0.2 } }));
  if (name === 'swish' || name === 'silu') return set(g.node('Mul', [x, g.node('Sigmoid', [x], at)], at));
  if (name === 'softmax') return set(g.node('Softmax', [x], at, { axis: cf ? 1 : -1 }));
  throw new OnnxUnsupportedError(`unsupported activation ${name} in ${layer.className} (${layer.name})`);
}

// --- layers -----------------------------------------------------------------------------------

/** Conv2D/Conv3D/DepthwiseConv2D/Conv2DTranspose/Conv3DTranspose, then the layer's activation. */
function conv(kind: 'conv' | 'depthwise' | 'transpose'): Emitter {
  return (g, layer, [x], at) => {
    channelsLast(layer);
    const c = layer.config;
    const s = x.shape.length - 2;
    const cin = x.shape[s + 1];
    const k = tuple(c.kernel_size, s, 1);
    const strides = tuple(c.strides, s, 1);
    const dil = tuple(c.dilation_rate, s, 1);
    const pad = padding(layer);
    const kw = weight(layer, kind === 'depthwise' ? 'depthwise_kernel' : 'kernel', 0);
    const spatialPerm = Array.from({ length: s }, (_, i) => i);
    let w: Float32Array;
    let wDims: number[];
    let cout: number;
    let group = Number(c.groups ?? 1);
    if (kind === 'conv') {
      cout = kw.shape[s + 1];
      w = transposeArray(kw.data, kw.shape, [s + 1, s, ...spatialPerm]);
      wDims = [cout, kw.shape[s], ...k];
    } else if (kind === 'depthwise') {
      const mult = kw.shape[s + 1];
      cout = cin * mult;
      // Keras' output channel is c·mult + m, the flattened (C, M) pair: one axis of C·M filters.
      w = transposeArray(kw.data, [...k, cout], [s, ...spatialPerm]);
      wDims = [cout, 1, ...k];
      group = cin;
    } else {
      if (c.output_padding != null) throw new OnnxUnsupportedError(`unsupported layer ${layer.className} (${layer.name}): output_padding`);
      cout = kw.shape[s];
      w = transposeArray(kw.data, kw.shape, [s + 1, s, ...spatialPerm]);
      wDims = [cin, cout, ...k];
    }
    const before: number[] = [];
    const after: number[] = [];
    const outSpatial: number[] = [];
    const outputPadding: number[] = [];
    for (let i = 0; i < s; i++) {
      const size = x.shape[i + 1];
      if (kind !== 'transpose') {
        const geo = axisGeometry(size, k[i], strides[i], dil[i], pad);
        if (geo.out <= 0) throw new Error(`layer ${layer.name}: the window does not fit`);
        before.push(geo.padBefore), after.push(geo.padAfter), outSpatial.push(geo.out);
        continue;
      }
      // Keras: 'same' gives size·stride, 'valid' size·stride + max(k_eff − stride, 0). TF crops
      // the full transposed output like the forward conv's 'same' pads it (extra cell after).
      const eff = (k[i] - 1) * dil[i] + 1;
      const total = pad === 'same' ? eff - strides[i] : 0;
      const b = Math.max(Math.floor(total / 2), 0);
      before.push(b), after.push(Math.max(total - b, 0));
      outputPadding.push(Math.max(strides[i] - eff, 0));
      outSpatial.push(pad === 'same' ? size * strides[i] : size * strides[i] + Math.max(eff - strides[i], 0));
    }
    const pads = [...before, ...after];
    const inputs = [g.nchw(x, at), g.floats(`${at}/kernel`, wDims, w)];
    if (c.use_bias !== false) inputs.push(g.floats(`${at}/bias`, [cout], weight(layer, 'bias', 1).data));
    const attrs: Record<string, number[] | number> = { kernel_shape: k, strides, dilations: dil, pads, group };
    if (kind === 'transpose') attrs.output_padding = outputPadding;
    const y = g.node(kind === 'transpose' ? 'ConvTranspose' : 'Conv', inputs, at, attrs);
    return activate(g, { shape: [x.shape[0], ...outSpatial, cout], nchw: y }, c.activation, `${at}/act`, layer);
  };
}

function pool(op: 'MaxPool' | 'AveragePool'): Emitter {
  return (g, layer, [x], at) => {
    channelsLast(layer);
    const s = x.shape.length - 2;
    const k = tuple(layer.config.pool_size, s, 2);
    const strides = tuple(layer.config.strides ?? k, s, 1);
    const pad = padding(layer);
    const geos = k.map((kk, i) => axisGeometry(x.shape[i + 1], kk, strides[i], 1, pad));
    const attrs: Record<string, number[] | number> = { kernel_shape: k, strides, pads: [...geos.map((q) => q.padBefore), ...geos.map((q) => q.padAfter)] };
    // TF's 'same' average divides by the cells inside the input, as count_include_pad = 0 does.
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    const y = g.node(op, [g.nchw(x, at)], at, attrs);
    return { shape: [x.shape[0], ...geos.map((q) => q.out), x.shape[s + 1]], nchw: y };
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool'): Emitter {
  return (g, layer, [x], at) => {
    channelsLast(layer);
    const r = x.shape.length;
    const y = g.node(op, [g.nchw(x, at)], at);
    const ch = x.shape[r - 1];
    if (layer.config.keepdims) return { shape: [x.shape[0], ...Array(r - 2).fill(1), ch], nchw: y };
    return { shape: [x.shape[0], ch], nhwc: g.node('Flatten', [y], `${at}/flatten`, { axis: 1 }) };
  };
}

/** Add, Multiply, ...: every input in one layout (channels-first when any input has it). */
function merge(op: string, variadic: boolean): Emitter {
  return (g, _layer, ins, at) => {
    const cf = ins.some((t) => t.nchw && t.shape.length >= 3);
    const names = ins.map((t) => (cf ? g.nchw(t, at) : g.nhwc(t, at)));
    let y = names[0];
    if (variadic || names.length === 2) y = g.node(op, names, at);
    else for (let i = 1; i < names.length; i++) y = g.node(op, [y, names[i]], at);
    const shape = ins[0].shape;
    return laidOut(shape, y, cf);
  };
}

const EMITTERS: Record<string, Emitter> = {
  Conv2D: conv('conv'),
  Conv3D: conv('conv'),
  DepthwiseConv2D: conv('depthwise'),
  Conv2DTranspose: conv('transpose'),
  Conv3DTranspose: conv('transpose'),
  MaxPooling2D: pool('MaxPool'),
  MaxPooling3D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  AveragePooling3D: pool('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalAveragePooling3D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  GlobalMaxPooling3D: globalPool('GlobalMaxPool'),
  Add: merge('Sum', true),
  Multiply: merge('Mul', false),
  Subtract: merge('Sub', false),
  Average: merge('Mean', true),
  Maximum: merge('Max', true),
  Minimum: merge('Min', true),

  Dense(g, layer, [x], at) {
    const kw = weight(layer, 'kernel', 0);
    const units = kw.shape[1];
    const w = g.floats(`${at}/kernel`, [...kw.shape], kw.data);
    const b = layer.config.use_bias !== false ? g.floats(`${at}/bias`, [units], weight(layer, 'bias', 1).data) : undefined;
    const xin = g.nhwc(x, at);
    let y: string;
    if (x.shape.length === 2) y = g.node('Gemm', b ? [xin, w, b] : [xin, w], at);
    else {
      y = g.node('MatMul', [xin, w], at);
      if (b) y = g.node('Add', [y, b], `${at}/bias`);
    }
    return activate(g, { shape: [...x.shape.slice(0, -1), units], nhwc: y }, layer.config.activation, `${at}/act`, layer);
  },

  BatchNormalization(g, layer, [x], at) {
    const c = layer.config;
    const r = x.shape.length;
    const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
    if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== r - 1)) throw new OnnxUnsupportedError(`unsupported layer BatchNormalization (${layer.name}): axis ${JSON.stringify(c.axis)}`);
    const ch = x.shape[r - 1];
    let k = 0;
    const gamma = c.scale !== false ? layer.weights[k++].data : new Float32Array(ch).fill(1);
    const beta = c.center !== false ? layer.weights[k++].data : new Float32Array(ch);
    const mean = layer.weights[k++].data;
    const variance = layer.weights[k++].data;
    const ins = [g.nchw(x, at), g.floats(`${at}/gamma`, [ch], gamma), g.floats(`${at}/beta`, [ch], beta), g.floats(`${at}/mean`, [ch], mean), g.floats(`${at}/var`, [ch], variance)];
    const y = g.node('BatchNormalization', ins, at, { epsilon: { float: Number(c.epsilon ?? 1e-3) } });
    return laidOut(x.shape, y, r >= 3);
  },

  Activation: (g, layer, [x], at) => activate(g, x, layer.config.activation, at, layer),

  ReLU(g, layer, [x], at) {
    const { max_value: max, negative_slope: slope = 0, threshold = 0 } = layer.config;
    if (threshold || (slope && max != null)) throw new OnnxUnsupportedError(`unsupported layer ReLU (${layer.name}): threshold or slope with max_value`);
    const { name, cf } = g.either(x);
    const y = slope
      ? g.node('LeakyRelu', [name], at, { alpha: { float: slope } })
      : max != null
        ? g.node('Clip', [name, g.scalar(`${at}/min`, 0), g.scalar(`${at}/max`, max)], at)
        : g.node('Relu', [name], at);
    return laidOut(x.shape, y, cf);
  },

  LeakyReLU(g, layer, [x], at) {
    const { name, cf } = g.either(x);
    const y = g.node('LeakyRelu', [name], at, { alpha: { float: Number(layer.config.negative_slope ?? layer.config.alpha ?? 0.3) } });
    return laidOut(x.shape, y, cf);
  },

  Softmax(g, layer, [x], at) {
    const axis = layer.config.axis ?? -1;
    if (axis !== -1 && axis !== x.shape.length - 1) throw new OnnxUnsupportedError(`unsupported layer Softmax (${layer.name}): axis ${axis}`);
    return activate(g, x, 'softmax', at, layer);
  },

  Concatenate(g, layer, ins, at) {
    const r = ins[0].shape.length;
    const axis = ((layer.config.axis ?? -1) + r) % r;
    const cf = r >= 3 && ins.some((t) => t.nchw);
    // Keras axis a of (N, spatial…, C) sits at 1 (channels) or a + 1 (spatial) channels-first.
    const onnxAxis = !cf || axis === 0 ? axis : axis === r - 1 ? 1 : axis + 1;
    const y = g.node('Concat', ins.map((t) => (cf ? g.nchw(t, at) : g.nhwc(t, at))), at, { axis: onnxAxis });
    const shape = [...ins[0].shape];
    shape[axis] = ins.reduce((n, t) => n + t.shape[axis], 0);
    return laidOut(shape, y, cf);
  },

  ZeroPadding2D(g, layer, [x], at) {
    channelsLast(layer);
    const p = layer.config.padding ?? 1;
    const [[t, b], [l, rr]] = typeof p === 'number' ? [[p, p], [p, p]] : typeof p[0] === 'number' ? [[p[0], p[0]], [p[1], p[1]]] : p;
    const pads = g.int64s(`${at}/pads`, [0, 0, t, l, 0, 0, b, rr]);
    const y = g.node('Pad', [g.nchw(x, at), pads], at);
    const [n, h, w, ch] = x.shape;
    return { shape: [n, h + t + b, w + l + rr, ch], nchw: y };
  },

  UpSampling2D(g, layer, [x], at) {
    channelsLast(layer);
    if ((layer.config.interpolation ?? 'nearest') !== 'nearest') throw new OnnxUnsupportedError(`unsupported layer UpSampling2D (${layer.name}): ${layer.config.interpolation}`);
    const [sh, sw] = tuple(layer.config.size, 2, 2);
    const scales = g.floats(`${at}/scales`, [4], Float32Array.of(1, 1, sh, sw));
    // Integer scales, asymmetric coordinates, floor: output (i, j) reads input (i / sh, j / sw).
    const y = g.node('Resize', [g.nchw(x, at), '', scales], at, { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
    const [n, h, w, ch] = x.shape;
    return { shape: [n, h * sh, w * sw, ch], nchw: y };
  },

  Flatten(g, _layer, [x], at) {
    const y = g.node('Flatten', [g.nhwc(x, at)], at, { axis: 1 });
    return { shape: [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)], nhwc: y };
  },

  Rescaling(g, layer, [x], at) {
    const { scale = 1, offset = 0 } = layer.config;
    if (typeof scale !== 'number' || typeof offset !== 'number') throw new OnnxUnsupportedError(`unsupported layer Rescaling (${layer.name}): per-channel scale`);
    const { name, cf } = g.either(x);
    let y = g.node('Mul', [name, g.scalar(`${at}/scale`, scale)], at);
    if (offset) y = g.node('Add', [y, g.scalar(`${at}/offset`, offset)], `${at}/offset`);
    return laidOut(x.shape, y, cf);
  },
};
