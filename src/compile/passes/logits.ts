/**
 * Returns the graph whose outputs are the values before a final sigmoid or softmax: the logits
 * that classifiers are compared on, and what calibration or thresholding code often wants.
 */
import { ActivationKind, LINEAR, type Activation, type Graph, type GraphNode } from '../../graph/ir.ts';

const isProbabilityHead = (act: Activation | undefined): boolean => act?.kind === ActivationKind.Sigmoid;

export function stripOutputActivation(graph: Graph): Graph {
  const producer = new Map(graph.nodes.map((n) => [n.output, n]));
  const dropped = new Set<GraphNode>();
  const replaced = new Map<GraphNode, GraphNode>();
  const outputs = graph.outputs.map((out) => {
    const node = producer.get(out);
    if (!node) return out;
    const act = node.attrs.activation as Activation | undefined;
    // A standalone softmax/sigmoid node: the output becomes its input.
    if (node.op === 'softmax' || (node.op === 'activation' && isProbabilityHead(act))) {
      dropped.add(node);
      return node.inputs[0];
    }
    // A fused sigmoid epilogue: the same node without it.
    if (isProbabilityHead(act)) replaced.set(node, { ...node, attrs: { ...node.attrs, activation: LINEAR } });
    return out;
  });
  return {
    ...graph,
    outputs,
    nodes: graph.nodes.filter((n) => !dropped.has(n)).map((n) => replaced.get(n) ?? n),
  };
}
