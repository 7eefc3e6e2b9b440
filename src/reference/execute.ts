/**
 * Runs a whole graph on the CPU with every op's reference implementation. Slow and exact: the
 * definition of correct that GPU results are compared with, layer by layer when needed.
 */
import type { Graph } from '../graph/ir.ts';
import { inferShapes } from '../graph/shapes.ts';
import { opModule } from '../ops/registry.ts';
import type { Tensor } from '../tensor.ts';

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
    const out = opModule(node.op).reference(node, ins);
    const expected = shapes.get(node.output)!;
    tensors.set(node.output, { shape: expected, data: out.data });
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
