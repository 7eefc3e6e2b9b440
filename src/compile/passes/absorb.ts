/**
 * The shared shape of the fusion passes: a node whose work can move into the epilogue of the node
 * that produces its input (an activation after a conv, a BatchNorm after a dense) disappears, and
 * the producer, rewritten by its op module, takes over the absorbed node's output tensor name, so
 * consumers and graph outputs need no rewiring.
 *
 * It is only done when the intermediate tensor has no other reader and is not a graph output:
 * otherwise someone still needs the value before the absorbed step.
 */
import type { Graph, GraphNode } from '../../graph/ir.ts';

/**
 * Whether a tensor of `graph` may be rewritten away by a pass: exactly one node reads it (once)
 * and it is not a graph output.
 */
export function soleReaderTest(graph: Graph): (tensor: string) => boolean {
  const readers = new Map<string, number>();
  for (const node of graph.nodes) for (const t of node.inputs) readers.set(t, (readers.get(t) ?? 0) + 1);
  const outputs = new Set(graph.outputs);
  return (tensor) => readers.get(tensor) === 1 && !outputs.has(tensor);
}

/**
 * Returns a new graph in which every node accepted by `absorb` is merged into its producer.
 * `absorb(producer, node)` returns the producer rewritten to also do `node`'s work, or undefined
 * when the pair cannot be merged. Input nodes and arrays are never mutated.
 */
export function absorbIntoProducers(
  graph: Graph,
  absorb: (producer: GraphNode, node: GraphNode) => GraphNode | undefined,
): Graph {
  const soleReader = soleReaderTest(graph);
  const nodes: GraphNode[] = [];
  /** Index in `nodes` of the node that currently produces each tensor. */
  const producerAt = new Map<string, number>();
  for (const node of graph.nodes) {
    const t = node.inputs.length === 1 ? node.inputs[0] : undefined;
    const at = t === undefined ? undefined : producerAt.get(t);
    if (at !== undefined && soleReader(t!)) {
      const merged = absorb(nodes[at], node);
      if (merged) {
        // The producer now writes what `node` wrote; `node`'s readers all come later (topological order).
        nodes[at] = { ...merged, output: node.output };
        producerAt.delete(t!);
        producerAt.set(node.output, at);
        continue;
      }
    }
    producerAt.set(node.output, nodes.length);
    nodes.push(node);
  }
  return { ...graph, nodes };
}
