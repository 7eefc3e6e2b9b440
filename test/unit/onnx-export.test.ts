/**
 * The ONNX export (src/onnx) of the Keras networks the benchmark runs in ONNX Runtime, as the bench
 * page makes it (Keras model → graph → passes → exportOnnx with a static batch). Small models are
 * exported, the protobuf is decoded back with a reader written here (neither our writer nor
 * protobufjs checks itself), and the same bytes run in ONNX Runtime Web's Node build (WASM EP)
 * against our CPU reference (src/reference) on the same input: the bench checks ORT against our
 * GPU engine the same way, and this is that check without a browser.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import type { KerasLayer, KerasModel } from '../../src/formats/keras-model.ts';
import { buildGraph } from '../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../src/compile/passes/index.ts';
import { UnsupportedLayerError } from '../../src/errors.ts';
import { exportOnnx } from '../../src/onnx/index.ts';
import { transposeArray } from '../../src/onnx/builder.ts';
import { executeReference } from '../../src/reference/execute.ts';

ort.env.wasm.numThreads = 1;

/** What the bench page does: the graph our engine runs, exported for one concrete input shape. */
const toOnnx = (m: KerasModel, shape: number[]) => exportOnnx(optimizeGraph(buildGraph(m)), { batch: shape[0], inputShapes: [shape] });

// --- a protobuf reader: field number → values (varints as bigint, fixed32 as float, bytes) ----

type Field = bigint | number | Uint8Array;
function decode(buf: Uint8Array): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let at = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (at < buf.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    let value: Field;
    if ((tag & 7) === 0) value = varint();
    else if ((tag & 7) === 5) value = (new DataView(buf.buffer, buf.byteOffset + at, 4).getFloat32(0, true)), (at += 4);
    else if ((tag & 7) === 2) {
      const n = Number(varint());
      value = buf.subarray(at, at + n);
      at += n;
    } else throw new Error(`wire type ${tag & 7}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}
const text = (f: Field | undefined) => new TextDecoder().decode(f as Uint8Array);
const msgs = (m: Map<number, Field[]>, field: number) => (m.get(field) ?? []).map((b) => decode(b as Uint8Array));
/** Varints of a packed repeated field (proto3 packs repeated numbers: one length-delimited run). */
function packed(buf: Uint8Array): bigint[] {
  const out: bigint[] = [];
  for (let at = 0, v = 0n, shift = 0n; at < buf.length; at++) {
    v |= BigInt(buf[at] & 0x7f) << shift;
    shift += 7n;
    if (buf[at] < 0x80) out.push(v), (v = 0n), (shift = 0n);
  }
  return out;
}
/** An int64 field's values, whether written one varint per value or packed. */
const ints = (m: Map<number, Field[]>, field: number) =>
  (m.get(field) ?? []).flatMap((v) => (v instanceof Uint8Array ? packed(v) : [v as bigint])).map((v) => Number(BigInt.asIntN(64, v)));

// --- tiny models ------------------------------------------------------------------------------

/** Deterministic values in [-0.5, 0.5) (an LCG), scaled. */
function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) / 16777216 - 0.5) * scale;
  }
  return out;
}

let seed = 1;
const w = (name: string, shape: number[], scale = 0.5, offset = 0) => ({
  name,
  shape,
  data: values(shape.reduce((a, b) => a * b, 1), seed++, scale).map((v) => v + offset),
});

/** A layer called once on `from` (a layer name, or several for merges). */
function layer(name: string, className: string, from: string[], config: Record<string, unknown> = {}, weights: KerasLayer['weights'] = []): KerasLayer {
  return { name, className, config: { name, ...config }, weights, inbound: from.length ? [from.map((l) => ({ layer: l, nodeIndex: 0, tensorIndex: 0 }))] : [] };
}

function model(layers: KerasLayer[], inputShape: (number | null)[], output: string): KerasModel {
  return {
    name: 'm',
    className: 'Functional',
    layers,
    inputs: [{ layer: 'in', nodeIndex: 0, tensorIndex: 0 }],
    outputs: [{ layer: output, nodeIndex: 0, tensorIndex: 0 }],
    inputShapes: [inputShape],
    kerasVersion: '2.15.0',
    format: 'test',
  };
}

const bn = (name: string, from: string, c: number) =>
  layer(name, 'BatchNormalization', [from], { axis: -1, epsilon: 1e-3, center: true, scale: true }, [
    w('gamma', [c], 0.5, 1),
    w('beta', [c]),
    w('moving_mean', [c]),
    w('moving_variance', [c], 0.5, 1),
  ]);

/** A 2-D network with every layer kind the bench suite's 2-D models use, odd sizes for TF's asymmetric 'same' pads. */
function net2d(): KerasModel {
  return model(
    [
      layer('in', 'InputLayer', [], { batch_input_shape: [null, 12, 13, 3] }),
      layer('scale', 'Rescaling', ['in'], { scale: 2, offset: -0.5 }),
      layer('c1', 'Conv2D', ['scale'], { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', use_bias: true }, [w('kernel', [3, 3, 3, 8]), w('bias', [8])]),
      bn('bn1', 'c1', 8),
      layer('zp', 'ZeroPadding2D', ['bn1'], { padding: [[0, 1], [1, 0]] }),
      layer('dw', 'DepthwiseConv2D', ['zp'], { kernel_size: [3, 3], strides: [2, 2], padding: 'valid', depth_multiplier: 2, use_bias: true }, [w('depthwise_kernel', [3, 3, 8, 2]), w('bias', [16])]),
      layer('r6', 'ReLU', ['dw'], { max_value: 6 }),
      layer('c2', 'Conv2D', ['r6'], { filters: 16, kernel_size: [1, 1], padding: 'same', dilation_rate: [1, 1], use_bias: false }, [w('kernel', [1, 1, 16, 16])]),
      layer('add', 'Add', ['c2', 'r6']),
      layer('up', 'UpSampling2D', ['add'], { size: [2, 2], interpolation: 'nearest' }),
      layer('ct', 'Conv2DTranspose', ['add'], { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'elu' }, [w('kernel', [3, 3, 4, 16]), w('bias', [4])]),
      layer('cat', 'Concatenate', ['up', 'ct'], { axis: -1 }),
      layer('mp', 'MaxPooling2D', ['cat'], { pool_size: [3, 3], strides: [2, 2], padding: 'same' }),
      layer('ap', 'AveragePooling2D', ['mp'], { pool_size: [3, 3], strides: [1, 1], padding: 'same' }),
      layer('d3', 'Conv2D', ['ap'], { filters: 6, kernel_size: [3, 3], dilation_rate: [2, 2], padding: 'same', activation: 'tanh' }, [w('kernel', [3, 3, 20, 6]), w('bias', [6])]),
      layer('act', 'Activation', ['d3'], { activation: 'sigmoid' }),
      layer('gap', 'GlobalAveragePooling2D', ['act']),
      layer('drop', 'Dropout', ['gap'], { rate: 0.5 }),
      layer('fc', 'Dense', ['drop'], { units: 5, activation: 'softmax', use_bias: true }, [w('kernel', [6, 5], 2), w('bias', [5])]),
    ],
    [null, 12, 13, 3],
    'fc',
  );
}

/** Flatten in Keras' (channels-last) order and a channels-last output, MeshNet-style 3-D layers. */
function net3d(): KerasModel {
  return model(
    [
      layer('in', 'InputLayer', [], { batch_input_shape: [null, 7, 6, 5, 2] }),
      layer('c1', 'Conv3D', ['in'], { filters: 4, kernel_size: [3, 3, 3], dilation_rate: [2, 2, 2], padding: 'same', activation: 'relu' }, [w('kernel', [3, 3, 3, 2, 4]), w('bias', [4])]),
      layer('mp', 'MaxPooling3D', ['c1'], { pool_size: [2, 2, 2], padding: 'valid' }),
      layer('c2', 'Conv3D', ['mp'], { filters: 3, kernel_size: [1, 1, 1], padding: 'valid', activation: 'softmax' }, [w('kernel', [1, 1, 1, 4, 3]), w('bias', [3])]),
    ],
    [null, 7, 6, 5, 2],
    'c2',
  );
}

function netFlatten(): KerasModel {
  return model(
    [
      layer('in', 'InputLayer', [], { batch_input_shape: [null, 6, 5, 3] }),
      layer('c1', 'Conv2D', ['in'], { filters: 4, kernel_size: [2, 2], padding: 'valid', activation: 'relu6' }, [w('kernel', [2, 2, 3, 4], 2), w('bias', [4])]),
      layer('fl', 'Flatten', ['c1']),
      layer('fc', 'Dense', ['fl'], { units: 3, activation: 'linear' }, [w('kernel', [80, 3]), w('bias', [3])]),
    ],
    [null, 6, 5, 3],
    'fc',
  );
}

/** ORT (WASM EP, Node) on the exported bytes against our CPU reference of the same model. */
async function compare(m: KerasModel, shape: number[]): Promise<number> {
  const input = values(shape.reduce((a, b) => a * b, 1), 99, 2);
  const onnx = await toOnnx(m, shape);
  const session = await ort.InferenceSession.create(onnx.bytes, { executionProviders: ['wasm'] });
  try {
    const out = await session.run({ [onnx.inputNames[0]]: new ort.Tensor('float32', input, shape) });
    const got = out[onnx.outputNames[0]];
    const ref = executeReference(buildGraph(m), [{ shape, data: input }]).outputs[0];
    expect(got.dims).toEqual(ref.shape);
    const data = got.data as Float32Array;
    let diff = 0;
    for (let i = 0; i < data.length; i++) diff = Math.max(diff, Math.abs(data[i] - ref.data[i]));
    return diff;
  } finally {
    await session.release();
  }
}

describe('Keras → ONNX export, as the bench makes it', () => {
  it('writes a ModelProto that decodes back to its fields', async () => {
    const m = netFlatten();
    const onnx = await toOnnx(m, [2, 6, 5, 3]);
    const proto = decode(onnx.bytes);
    expect(ints(proto, 1)).toEqual([8]); // ir_version
    const [opset] = msgs(proto, 8);
    expect(ints(opset, 2)).toEqual([17]);
    const [graph] = msgs(proto, 7);
    const nodes = msgs(graph, 1);
    expect(nodes.map((n) => text(n.get(4)?.[0]))).toEqual(['Transpose', 'Conv', 'Clip', 'Transpose', 'Flatten', 'Gemm', 'Identity']);
    // The input transpose: NHWC → NCHW, perm as an INTS attribute (type 7).
    const [perm] = msgs(nodes[0], 5);
    expect(text(perm.get(1)?.[0])).toBe('perm');
    expect(ints(perm, 8)).toEqual([0, 3, 1, 2]);
    expect(ints(perm, 20)).toEqual([7]);
    // The conv kernel: HWIO [2,2,3,4] → OIHW [4,3,2,2], float32 raw data, transposed.
    const inits = msgs(graph, 5);
    const kernel = inits.find((t) => text(t.get(8)?.[0]).startsWith('c1/kernel'))!;
    expect(ints(kernel, 1)).toEqual([4, 3, 2, 2]);
    expect(ints(kernel, 2)).toEqual([1]);
    const raw = kernel.get(9)![0] as Uint8Array;
    const hwio = m.layers[1].weights[0];
    const oihw = new Float32Array(raw.slice().buffer);
    expect(oihw).toEqual(transposeArray(hwio.data, hwio.shape, [3, 2, 0, 1]));
    // h=1, w=0, i=2, o=3 in HWIO sits at o=3, i=2, h=1, w=0 in OIHW.
    expect(oihw[3 * 12 + 2 * 4 + 1 * 2 + 0]).toBe(hwio.data[1 * 24 + 0 * 12 + 2 * 4 + 3]);
    // Graph input and output: static shapes, channels last.
    const dims = (vi: Map<number, Field[]>) => {
      const [type] = msgs(vi, 2);
      const [tensor] = msgs(type, 1);
      const [shape] = msgs(tensor, 2);
      return msgs(shape, 1).map((d) => ints(d, 1)[0]);
    };
    expect(dims(msgs(graph, 11)[0])).toEqual([2, 6, 5, 3]);
    expect(dims(msgs(graph, 12)[0])).toEqual([2, 3]);
  });

  it('runs in ONNX Runtime (WASM) like our reference: 2-D layers, asymmetric same pads', async () => {
    expect(await compare(net2d(), [2, 12, 13, 3])).toBeLessThan(1e-5);
  });

  it('runs in ONNX Runtime like our reference: 3-D layers, channel softmax, Flatten order', async () => {
    expect(await compare(net3d(), [1, 7, 6, 5, 2])).toBeLessThan(1e-5);
    expect(await compare(netFlatten(), [2, 6, 5, 3])).toBeLessThan(1e-4);
  });

  it('writes Reshape (which the bench\'s old exporter refused)', async () => {
    const m = netFlatten();
    m.layers[2] = { ...m.layers[2], className: 'Reshape', config: { name: 'fl', target_shape: [80] } };
    expect(await compare(m, [2, 6, 5, 3])).toBeLessThan(1e-4);
  });

  it('channels-first models are refused by the reader already, naming the layer (UnsupportedLayerError)', () => {
    const m = netFlatten();
    m.layers[1] = { ...m.layers[1], config: { ...m.layers[1].config, data_format: 'channels_first' } };
    expect(() => buildGraph(m)).toThrow(UnsupportedLayerError);
    expect(() => buildGraph(m)).toThrow(/c1.*channels_first/);
  });
});
