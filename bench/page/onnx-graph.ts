/**
 * The ONNX side of the exporter (onnx-export.ts): a graph builder that collects NodeProtos and
 * float/int64 initializers, tracks each Keras tensor in whichever layouts it has been made in
 * (Keras' channels-last NHWC, ONNX's channels-first NCHW) and inserts one Transpose per tensor and
 * direction when an op wants the other one, then encodes a ModelProto.
 *
 * Field numbers are onnx.proto's (onnx/onnx, onnx/onnx.proto): only the fields written here.
 */
import { ProtoMessage } from './protobuf-writer.ts';

/** Opset 17: Resize-13, Pad-13 and Clip-13 take their parameters as inputs; BatchNormalization-15. */
export const OPSET = 17;
/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;

const DT_FLOAT = 1;
const DT_INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

export type AttrValue = number | string | number[] | { float: number };

/**
 * A Keras tensor in the ONNX graph. `shape` is Keras' (batch first, channels last); `nhwc` and
 * `nchw` name the ONNX tensors holding it in either layout (at least one is set). Rank ≤ 2
 * tensors have one layout, kept under `nhwc`.
 */
export interface Tensor {
  shape: number[];
  nhwc?: string;
  nchw?: string;
}

const toNchwPerm = (r: number) => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
const toNhwcPerm = (r: number) => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];

export class OnnxGraph {
  private readonly nodes: ProtoMessage[] = [];
  private readonly initializers: ProtoMessage[] = [];
  private readonly inputs: ProtoMessage[] = [];
  private readonly outputs: ProtoMessage[] = [];
  private readonly used = new Set<string>();

  /** A name not used yet, from `base`. */
  fresh(base: string): string {
    let name = base.replace(/[^A-Za-z0-9_./:@-]/g, '_');
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output, named from `name`; returns the output's name. */
  node(op: string, inputs: string[], name: string, attrs: Record<string, AttrValue> = {}): string {
    const out = this.fresh(`${name}:${op}`);
    const n = new ProtoMessage().strings(1, inputs).string(2, out).string(3, out).string(4, op);
    for (const [k, v] of Object.entries(attrs)) n.message(5, attribute(k, v));
    this.nodes.push(n);
    return out;
  }

  /** A float32 initializer (weights); returns its name. */
  floats(name: string, dims: number[], data: Float32Array): string {
    const id = this.fresh(name);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push(new ProtoMessage().varints(1, dims).varint(2, DT_FLOAT).string(8, id).bytes(9, bytes));
    return id;
  }

  /** An int64 initializer (Pad's pads, Reshape's shape); returns its name. */
  int64s(name: string, values: number[]): string {
    const id = this.fresh(name);
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    const bytes = new Uint8Array(data.buffer);
    this.initializers.push(new ProtoMessage().varints(1, [values.length]).varint(2, DT_INT64).string(8, id).bytes(9, bytes));
    return id;
  }

  /** A float scalar initializer. */
  scalar(name: string, value: number): string {
    return this.floats(name, [], Float32Array.of(value));
  }

  /** Declares a graph input (float32, static shape) and returns it as a channels-last tensor. */
  input(name: string, shape: number[]): Tensor {
    const id = this.fresh(name);
    this.inputs.push(valueInfo(id, shape));
    return { shape, nhwc: id };
  }

  /** Declares `t` a graph output in Keras' layout, under the name `name`. */
  output(t: Tensor, name: string): string {
    const id = this.fresh(name);
    this.nodes.push(new ProtoMessage().string(1, this.nhwc(t, name)).string(2, id).string(3, id).string(4, 'Identity'));
    this.outputs.push(valueInfo(id, t.shape));
    return id;
  }

  /** `t` channels-first (transposed once, then remembered). */
  nchw(t: Tensor, at: string): string {
    if (t.shape.length < 3) return t.nhwc!;
    t.nchw ??= this.node('Transpose', [t.nhwc!], `${at}/to_nchw`, { perm: toNchwPerm(t.shape.length) });
    return t.nchw;
  }

  /** `t` channels-last, Keras' element order (transposed once, then remembered). */
  nhwc(t: Tensor, at: string): string {
    if (t.shape.length < 3) return t.nhwc!;
    t.nhwc ??= this.node('Transpose', [t.nchw!], `${at}/to_nhwc`, { perm: toNhwcPerm(t.shape.length) });
    return t.nhwc;
  }

  /** The layout elementwise ops should use: channels-first when `t` already has it. */
  either(t: Tensor): { name: string; cf: boolean } {
    return t.nchw ? { name: t.nchw, cf: t.shape.length >= 3 } : { name: t.nhwc!, cf: false };
  }

  /** The whole model, encoded. */
  encode(producer: string): Uint8Array {
    const graph = new ProtoMessage()
      .messages(1, this.nodes)
      .string(2, 'keras')
      .messages(5, this.initializers)
      .messages(11, this.inputs)
      .messages(12, this.outputs);
    const opset = new ProtoMessage().string(1, '').varint(2, OPSET);
    return new ProtoMessage().varint(1, IR_VERSION).string(2, producer).message(7, graph).message(8, opset).finish();
  }
}

/** AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20. */
function attribute(name: string, v: AttrValue): ProtoMessage {
  const a = new ProtoMessage().string(1, name);
  if (typeof v === 'string') return a.string(4, v).varint(20, ATTR.STRING);
  if (Array.isArray(v)) return a.varints(8, v).varint(20, ATTR.INTS);
  if (typeof v === 'object') return a.float(2, v.float).varint(20, ATTR.FLOAT);
  return a.varint(3, v).varint(20, ATTR.INT);
}

/** ValueInfoProto{name 1, type 2: TypeProto{tensor_type 1: {elem_type 1, shape 2: {dim 1: {dim_value 1}}}}}. */
function valueInfo(name: string, shape: number[]): ProtoMessage {
  const dims = new ProtoMessage().messages(1, shape.map((d) => new ProtoMessage().varint(1, d)));
  const tensorType = new ProtoMessage().varint(1, DT_FLOAT).message(2, dims);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}
