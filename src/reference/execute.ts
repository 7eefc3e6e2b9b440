/**
 * Runs a whole graph on the CPU with every op's reference implementation (./table.ts). Slow and
 * exact: the definition of correct that GPU results are compared with, layer by layer when needed.
 *
 * Each reference computes its output shape by its own rule; the executor checks it against the
 * op's shape rule (`inferShape`, which the GPU plan is sized by) and the data length against the
 * shape, so a wrong output size in either is an error here rather than two sides agreeing.
 */
import { inferShapes } from '../compile/shapes.ts';
import type { Graph } from '../graph/ir.ts';
import { isOpKey } from '../ops/registry.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { REFERENCES, type ReferenceOp } from './table.ts';
import type { OpNode } from '../ops/types.ts';

/** Returns the graph outputs, and every intermediate tensor when `keepAll` is set. */
export function executeReference(
  graph: Graph,
  inputs: readonly Tensor[],
  keepAll = false,
): { outputs: Tensor[]; tensors: Map<string, Tensor> } {
  const shapes = inferShapes(graph, inputs.map((t) => t.shape));
  const tensors = new Map<string, Tensor>();
  graph.inputs.forEach((input, i) => tensors.set(input.name, inputs[i]));
  const remaining = new Map<string, number>();
  for (const node of graph.nodes) for (const t of node.inputs) remaining.set(t, (remaining.get(t) ?? 0) + 1);
  const keep = new Set(graph.outputs);
  for (const node of graph.nodes) {
    const ins = node.inputs.map((t) => tensors.get(t)!);
    if (!isOpKey(node.op)) throw new Error(`internal: no reference for op "${node.op}"`);
    // The IR's attributes are untyped; the node's op key says which module's type they have.
    const out = (REFERENCES[node.op] as ReferenceOp)(node as OpNode<never>, ins);
    const expected = shapes.get(node.output)!;
    if (out.shape.length !== expected.length || out.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`reference ${node.op} of "${node.name}" made [${out.shape.join(', ')}], the op's shape rule says [${expected.join(', ')}]`);
    }
    if (out.data.length !== sizeOf(out.shape)) {
      throw new Error(`reference ${node.op} of "${node.name}" made ${out.data.length} values for shape [${out.shape.join(', ')}]`);
    }
    tensors.set(node.output, out);
    if (!keepAll) {
      for (const t of node.inputs) {
        const left = remaining.get(t)! - 1;
        remaining.set(t, left);
        if (left === 0 && !keep.has(t)) tensors.delete(t);
      }
    }
  }
  return { outputs: graph.outputs.map((t) => tensors.get(t)!), tensors };
}
