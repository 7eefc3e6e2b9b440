/**
 * Our graph after its passes (src/compile) → an ONNX model, for ONNX Runtime (the CPU path) and
 * `mi convert`. Every registry op has a lowering (./table.ts, one file per op in ./ops), fused ops
 * included (conv2d_pool, fused activations and residual adds, folded BatchNorm and padding), so
 * the export follows exactly the graph our WebGPU kernels run.
 *
 * Layout: the graph's inputs and outputs stay ours (channels-last, NHWC / NDHWC, in our order),
 * so results compare element by element with the WebGPU path; inside, window ops run
 * channels-first as ONNX defines them, with one Transpose where a tensor first changes layout
 * (./builder.ts). Batch: symbolic by default (dim_param "batch": one session serves every batch
 * size; nothing in the graph depends on it), or static with `batch`. Every other dimension is
 * fixed, by the model's declared input shapes or by `inputShapes`.
 *
 * protobufjs (bundled into dist/vendor by the build) writes the bytes; it is imported only there, lazily (./proto.ts).
 */
import { OnnxExportError } from '../errors.ts';
import { inferShapes } from '../compile/shapes.ts';
import type { Graph } from '../graph/ir.ts';
import { isOpKey } from '../ops/registry.ts';
import type { OpNode } from '../ops/types.ts';
import { shapeToString } from '../tensor.ts';
import { OnnxBuilder, type Laid } from './builder.ts';
import type { OnnxEmitter } from './emitter.ts';
import { encodeModel } from './proto.ts';
import { ONNX_EMITTERS } from './table.ts';

export interface OnnxExportOptions {
  /** A static batch size; absent: the batch dimension is symbolic ("batch"). */
  batch?: number;
  /** ONNX opset, 17 (default) to 21. */
  opset?: number;
  /**
   * The shape of each input to export for, batch first (its value is ignored: see `batch`):
   * for inputs whose declared size is open (null) or other than the one wanted (a fully
   * convolutional model declared at 256³ run on 32³ crops). Absent: the declared shapes.
   */
  inputShapes?: readonly (readonly number[])[];
}

export interface OnnxExport {
  /** The serialized onnx.ModelProto. */
  bytes: Uint8Array;
  /** ONNX names of the graph inputs, in the graph's input order (channels-last float32). */
  inputNames: string[];
  /** ONNX names of the graph outputs, in the graph's output order (channels-last float32). */
  outputNames: string[];
}

export const DEFAULT_OPSET = 17;
/** The IR version that goes with each supported opset (onnx/onnx docs/Versioning.md). */
const IR_VERSION: Readonly<Record<number, number>> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** The full input shapes to export with: given or declared, the batch set, no dimension left open. */
function concreteInputShapes(graph: Graph, batch: number, given?: readonly (readonly number[])[]): number[][] {
  if (given && given.length !== graph.inputs.length) throw new OnnxExportError(`inputShapes has ${given.length} shape(s), the model takes ${graph.inputs.length} input(s)`);
  return graph.inputs.map((input, i) =>
    (given?.[i] ?? input.shape).map((d, k) => {
      if (k === 0) return batch;
      if (d === null) {
        throw new OnnxExportError(
          `input ${i} ("${input.name}") declares shape ${shapeToString(input.shape)}: the ONNX export needs every dimension but the batch (TF 'same' padding and resizes depend on them); give the shape to export for (inputShapes, mi convert --input-shape)`,
        );
      }
      return d;
    }),
  );
}

/** Writes `graph` (after its passes) as an ONNX model. */
export async function exportOnnx(graph: Graph, options: OnnxExportOptions = {}): Promise<OnnxExport> {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Object.hasOwn(IR_VERSION, opset)) throw new OnnxExportError(`opset ${opset} is not supported (${Object.keys(IR_VERSION).join(', ')})`);
  const { batch } = options;
  if (batch !== undefined && !(Number.isInteger(batch) && batch > 0)) throw new OnnxExportError(`batch must be a positive integer, got ${batch}`);
  const shapes = inferShapes(graph, concreteInputShapes(graph, batch ?? 1, options.inputShapes));
  const b = new OnnxBuilder(batch ?? 'batch', opset);
  const tensors = new Map<string, Laid>();
  const inputNames = graph.inputs.map((input) => {
    const t = b.input(input.name, shapes.get(input.name)!);
    tensors.set(input.name, t);
    return t.nhwc!;
  });
  for (const node of graph.nodes) {
    if (!isOpKey(node.op)) throw new OnnxExportError(`op "${node.op}" has no ONNX form`, node.name);
    // The IR's attributes are untyped; the node's op key says which module's type they have.
    const emit = ONNX_EMITTERS[node.op] as OnnxEmitter;
    const out = emit({ b, node: node as OpNode<never>, inputs: node.inputs.map((t) => tensors.get(t)!), outShape: shapes.get(node.output)! });
    tensors.set(node.output, out);
  }
  const outputNames = graph.outputs.map((name) => b.output(tensors.get(name)!, name));
  const bytes = await encodeModel(b.model(IR_VERSION[opset], '', graph.meta.name || 'model'));
  return { bytes, inputNames, outputNames };
}
