/**
 * Folds a residual Add into the Conv2D that produces one of its operands: the conv takes the other
 * operand as a second input and writes the Add's output (src/ops/conv2d-residual.ts gives the two
 * exact forms, before or after the conv's activation). One kernel and one full read and write of
 * the activation tensor less per residual block.
 *
 * Conditions: a merge node of kind add with exactly 2 inputs of the same shape (no broadcasting),
 * one of them produced by a conv2d whose output has no other reader and is not a graph output.
 * The fused conv takes the merge's place in the node order, where both operands exist (the
 * shortcut may be computed after the conv). When both operands qualify, the later-produced conv
 * is fused. The input graph is not mutated.
 *
 * The producer decides through its `absorbResidual` hook (only conv2d has a residual epilogue so
 * far; src/ops/conv2d-residual.ts).
 */
import { opModule } from '../../ops/registry.ts';
import { LINEAR, type Activation, type Graph, type GraphNode } from '../../graph/ir.ts';
import { inferShapes } from '../shapes.ts';
import { soleReaderTest } from './absorb.ts';

/**
 * Whether two tensors have the same shape whatever the free input dimensions: shapes are inferred
 * for two probe sizes (batch 1 and 2, free dimensions 64 and 67), and must agree in both. Undefined
 * when the graph cannot be shaped this way (then nothing is fused).
 */
function sameShapeTest(graph: Graph): ((a: string, b: string) => boolean) | undefined {
  const probes: Map<string, number[]>[] = [];
  for (const [batch, free] of [[1, 64], [2, 67]]) {
    try {
      probes.push(inferShapes(graph, graph.inputs.map((i) => i.shape.map((d, k) => d ?? (k === 0 ? batch : free)))));
    } catch {
      return undefined;
    }
  }
  return (a, b) =>
    probes.every((shapes) => {
      const sa = shapes.get(a);
      const sb = shapes.get(b);
      return !!sa && !!sb && sa.length === sb.length && sa.every((d, k) => d === sb[k]);
    });
}

export function fuseResidualAdds(graph: Graph): Graph {
  const isAdd = (n: GraphNode) => n.op === 'merge' && n.attrs.kind === 'add' && n.inputs.length === 2;
  if (!graph.nodes.some(isAdd)) return graph;
  const same = sameShapeTest(graph);
  if (!same) return graph;
  const soleReader = soleReaderTest(graph);
  const producerAt = new Map<string, number>();
  graph.nodes.forEach((node, i) => producerAt.set(node.output, i));

  const removed = new Set<number>();
  const replaced = new Map<number, GraphNode>();
  graph.nodes.forEach((node, i) => {
    if (!isAdd(node) || !same(node.inputs[0], node.inputs[1])) return;
    const act = (node.attrs.activation as Activation | undefined) ?? LINEAR;
    const candidates = [0, 1]
      .map((k) => ({ k, at: producerAt.get(node.inputs[k]) ?? -1 }))
      .filter(({ at }) => at >= 0)
      .sort((x, y) => y.at - x.at);
    for (const { k, at } of candidates) {
      const t = node.inputs[k];
      if (removed.has(at) || !soleReader(t)) continue;
      const producer = graph.nodes[at];
      const fused = opModule(producer.op).absorbResidual?.(producer, node.inputs[1 - k], act);
      if (!fused) continue;
      removed.add(at);
      replaced.set(i, { ...fused, output: node.output });
      return;
    }
  });
  if (removed.size === 0) return graph;
  return { ...graph, nodes: graph.nodes.flatMap((n, i) => (removed.has(i) ? [] : [replaced.get(i) ?? n])) };
}

