/**
 * Folds a ZeroPadding2D into the window op that reads its output (MobileNetV2's ZeroPadding2D →
 * DepthwiseConv2D 'valid' stride 2), when that op implements `absorbPadding`: the op reads zeros
 * outside its input anyway, so it can slide over the unpadded tensor with a shifted window, and
 * the padded copy (a whole kernel and a buffer) disappears.
 *
 * Only done when the padded tensor has exactly one reader, which takes it as its first input, and
 * is not a graph output (someone else would need the padded values), and only for padding
 * (pad_crop2d with sign +1): a Cropping2D removes data, which no window shift can undo.
 */
import { opModule } from '../../ops/registry.ts';
import type { Graph, GraphNode } from '../../graph/ir.ts';
import { soleReaderTest } from './absorb.ts';

export function foldPadding(graph: Graph): Graph {
  const soleReader = soleReaderTest(graph);
  const pads = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (!soleReader(node.output) || !opModule(node.op).paddingOf?.(node)) continue;
    pads.set(node.output, node);
  }
  const folded = new Set<GraphNode>();
  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    const pad = pads.get(node.inputs[0]);
    const merged = pad && !node.inputs.slice(1).includes(pad.output) ? absorb(node, pad) : undefined;
    if (merged) {
      folded.add(pad!);
      nodes.push({ ...merged, inputs: [pad!.inputs[0], ...node.inputs.slice(1)] });
    } else {
      nodes.push(node);
    }
  }
  if (folded.size === 0) return graph;
  return { ...graph, nodes: nodes.filter((n) => !folded.has(n)) };
}

function absorb(node: GraphNode, pad: GraphNode): GraphNode | undefined {
  return opModule(node.op).absorbPadding?.(node, opModule(pad.op).paddingOf!(pad)!);
}
