/**
 * The contract of one op's ONNX lowering (src/onnx/ops/<op>.ts, listed in ./table.ts): given a
 * node of that op (its attributes typed as its module declares them), its inputs as laid-out ONNX
 * values and its output shape, it adds the nodes that compute the same thing and returns the
 * output. Emitters never write the batch size into the graph (Reshape uses 0, Expand broadcasts
 * from 1, Resize reads the input's shape), so one exported graph serves every batch.
 */
import type { AttrsOf, OpKey } from '../ops/registry.ts';
import type { OpNode } from '../ops/types.ts';
import type { Laid, OnnxBuilder } from './builder.ts';

export interface EmitContext<K extends OpKey> {
  b: OnnxBuilder;
  node: OpNode<AttrsOf<K>>;
  inputs: Laid[];
  /** The node's output shape (ours: batch first, channels last). */
  outShape: readonly number[];
}

export type OnnxEmitter<K extends OpKey = OpKey> = (ctx: EmitContext<K>) => Laid;

/** A weight of the node by its Keras name, or undefined. */
export const weightOf = (node: { weights: readonly { name: string; data: Float32Array; shape: readonly number[] }[] }, name: string) =>
  node.weights.find((w) => w.name === name);
