/**
 * The ONNX graph under construction: NodeProtos, initializers, graph inputs and outputs, as plain
 * data for ./proto.ts. Each of our tensors is tracked in whichever layouts it has been made in
 * (`Laid`): Keras' channels-last (NHWC / NDHWC), which the graph's inputs and outputs keep, and
 * ONNX's channels-first (NCHW / NCDHW), which Conv, pooling, BatchNormalization and Resize want.
 * The first op that wants the other layout inserts one Transpose, remembered for later readers;
 * elementwise ops run in whichever layout their input already has.
 */
import { AttributeType, DataType } from './schema.ts';
import type { ProtoMessage } from './proto.ts';

/**
 * One of our tensors in the ONNX graph. `shape` is ours (batch first, channels last; the batch is
 * the one shapes were inferred with, never written into the graph when the batch is symbolic);
 * `nhwc` / `nchw` name the ONNX values holding it in either layout (at least one is set). Tensors of
 * rank ≤ 2 have one layout, kept under `nhwc`.
 */
export interface Laid {
  readonly shape: readonly number[];
  nhwc?: string;
  nchw?: string;
}

/** An attribute value: an int, ints, a string, or a float / floats (boxed, since JS has one number type). */
export type AttrValue = number | readonly number[] | string | { float: number } | { floats: readonly number[] };

/** The permutation from channels-last to channels-first of a rank-`r` tensor, and back. */
export const toChannelsFirst = (r: number): number[] => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
export const toChannelsLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];

/** Keras axis `axis` (of a channels-last rank-`r` tensor, ≥ 0) in the channels-first layout. */
export const channelsFirstAxis = (axis: number, r: number): number => (axis === 0 ? 0 : axis === r - 1 ? 1 : axis + 1);

const bytesOf = (a: Float32Array | BigInt64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function attribute(name: string, v: AttrValue): ProtoMessage {
  if (typeof v === 'number') return { name, type: AttributeType.INT, i: v };
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v as readonly number[] };
  if ('float' in v) return { name, type: AttributeType.FLOAT, f: v.float };
  return { name, type: AttributeType.FLOATS, floats: (v as { floats: readonly number[] }).floats };
}

/** A graph input's or output's ValueInfoProto: float32, `dims` numbers or symbolic names. */
function valueInfo(name: string, dims: readonly (number | string)[]): ProtoMessage {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

export class OnnxBuilder {
  private readonly nodes: ProtoMessage[] = [];
  private readonly initializers: ProtoMessage[] = [];
  private readonly inputs: ProtoMessage[] = [];
  private readonly outputs: ProtoMessage[] = [];
  private readonly used = new Set<string>();

  /** `batch`: the graph's batch dimension, a number (static) or a symbol ("batch"). */
  constructor(readonly batch: number | string, readonly opset: number) {}

  /** A value name not used yet, made from `base`. */
  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:@-]/g, '_');
    let name = clean;
    for (let k = 1; this.used.has(name); k++) name = `${clean}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output named from `at`; returns the output's name. */
  node(op: string, inputs: readonly string[], at: string, attrs: Record<string, AttrValue> = {}): string {
    const out = this.fresh(`${at}/${op}`);
    this.nodes.push({ input: inputs, output: [out], name: out, opType: op, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return out;
  }

  /** A float32 initializer of shape `dims`; returns its name. */
  floats(name: string, dims: readonly number[], data: Float32Array): string {
    const id = this.fresh(name);
    this.initializers.push({ name: id, dims, dataType: DataType.FLOAT, rawData: bytesOf(data) });
    return id;
  }

  /** A 1-D int64 initializer (Pad's pads, Reshape's shape, Slice's starts...); returns its name. */
  int64s(name: string, values: readonly number[]): string {
    const id = this.fresh(name);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name: id, dims: [values.length], dataType: DataType.INT64, rawData: bytesOf(data) });
    return id;
  }

  /** A float32 scalar initializer. */
  scalar(name: string, value: number): string {
    return this.floats(name, [], Float32Array.of(value));
  }

  /**
   * Per-channel constants (one value per channel, or one for all) shaped to broadcast against a
   * tensor of rank `rank` in the given layout: [C] channels-last, [C, 1, ...] channels-first.
   */
  channelConst(name: string, values: Float32Array, rank: number, channelsFirst: boolean): string {
    if (values.length === 1) return this.floats(name, [], values);
    const dims = channelsFirst && rank >= 3 ? [values.length, ...new Array<number>(rank - 2).fill(1)] : [values.length];
    return this.floats(name, dims, values);
  }

  /** Declares a graph input (float32, channels-last, the batch as the builder says); returns it laid out. */
  input(name: string, shape: readonly number[]): Laid {
    const id = this.fresh(name);
    this.inputs.push(valueInfo(id, [this.batch, ...shape.slice(1)]));
    return { shape, nhwc: id };
  }

  /** Declares `t` a graph output in our (channels-last) layout under `name`; returns the name used. */
  output(t: Laid, name: string): string {
    const id = this.fresh(name);
    this.nodes.push({ input: [this.nhwc(t, name)], output: [id], name: id, opType: 'Identity', attribute: [] });
    this.outputs.push(valueInfo(id, [this.batch, ...t.shape.slice(1)]));
    return id;
  }

  /** `t` channels-first (transposed once, then remembered). */
  nchw(t: Laid, at: string): string {
    if (t.shape.length < 3) return t.nhwc!;
    t.nchw ??= this.node('Transpose', [t.nhwc!], `${at}/to_nchw`, { perm: toChannelsFirst(t.shape.length) });
    return t.nchw;
  }

  /** `t` channels-last, our element order (transposed once, then remembered). */
  nhwc(t: Laid, at: string): string {
    if (t.shape.length < 3) return t.nhwc!;
    t.nhwc ??= this.node('Transpose', [t.nchw!], `${at}/to_nhwc`, { perm: toChannelsLast(t.shape.length) });
    return t.nhwc;
  }

  /** The layout an elementwise op should use: channels-first when `t` already has it. */
  either(t: Laid): { name: string; cf: boolean } {
    return t.nchw && t.shape.length >= 3 ? { name: t.nchw, cf: true } : { name: t.nhwc ?? t.nchw!, cf: false };
  }

  /** The whole model as an onnx.ModelProto (plain data for ./proto.ts). */
  model(irVersion: number, producerVersion: string, graphName: string): ProtoMessage {
    return {
      irVersion,
      producerName: 'medimg-webgpu',
      producerVersion,
      graph: { node: this.nodes, name: graphName, initializer: this.initializers, input: this.inputs, output: this.outputs },
      opsetImport: [{ domain: '', version: this.opset }],
    };
  }
}

/** A laid-out tensor of `shape` held in one layout. */
export const laid = (shape: readonly number[], name: string, channelsFirst: boolean): Laid =>
  channelsFirst && shape.length >= 3 ? { shape, nchw: name } : { shape, nhwc: name };

/** `data` (row-major, `shape`) with its axes permuted: output axis i is input axis perm[i]. */
export function transposeArray(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const r = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(r);
  for (let i = r - 1, s = 1; i >= 0; i--) (inStrides[i] = s), (s *= shape[i]);
  const stride = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Int32Array(r);
  // An odometer over the output index that keeps the input offset up to date as it turns.
  for (let o = 0, src = 0; o < out.length; o++) {
    out[o] = data[src];
    for (let i = r - 1; i >= 0; i--) {
      src += stride[i];
      if (++idx[i] < outShape[i]) break;
      src -= stride[i] * outShape[i];
      idx[i] = 0;
    }
  }
  return out;
}
