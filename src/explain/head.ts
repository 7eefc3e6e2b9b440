/**
 * Where Grad-CAM looks: the target tensor (issue 13's definition: the input of the first Flatten or
 * global pooling layer after the last spatial layer, or a named layer's output) and the "head", the
 * nodes between that target and the model's output, through which the score is differentiated.
 *
 * Works on the graph as Keras wrote it (before BatchNorm folding and activation fusion), so layer
 * names are Keras' and a BatchNormalization in the head is still its own node.
 */
import { inferShapes } from '../compile/shapes.ts';
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { ActivationKind, LINEAR, type Activation, type Graph, type GraphNode } from '../graph/ir.ts';

/** The ops whose backward pass src/explain/backward.ts implements. */
export const DIFFERENTIABLE_OPS: ReadonlySet<string> = new Set([
  'dense',
  'activation',
  'softmax',
  'identity',
  'flatten',
  'reshape',
  'global_pool',
  'batch_norm',
  'rescaling',
  'merge',
  'concatenate',
]);

/** Ops that may carry a fused activation in their attrs (split off before the backward pass). */
const FUSED_ACTIVATION_OPS = new Set(['dense', 'merge', 'batch_norm', 'rescaling']);

export interface GradCamHead {
  /** Graph tensor explained (its activation A). */
  target: string;
  /** Keras layer name of the target. */
  layer: string;
  /** The tensor whose values are the logits (the model's output, its final sigmoid/softmax removed). */
  output: string;
  /** Nodes from the target to the output, in order, each fused activation split into its own node. */
  nodes: GraphNode[];
  /** Tensors the head reads that do not depend on the target (their values come from the forward pass). */
  external: string[];
  /**
   * Every tensor the backward pass reads, in this order: the output (logits), the target, the
   * external tensors, then the head's own (pre-activation values included).
   */
  tensors: string[];
  /**
   * The graph the forward pass runs: the source graph with the head's fused activations split off
   * (so the pre-activation values exist) and `tensors` as its outputs (so no pass fuses them away).
   */
  graph: Graph;
}

/** The Keras layer that produced a tensor (`layer:call:index`, or a node's internal `base/op:out`). */
export function layerOfTensor(graph: Graph, tensor: string): string {
  const node = graph.nodes.find((n) => n.output === tensor);
  const name = node?.name ?? tensor.replace(/:\d+:\d+$/, '');
  return name.split('/')[0].replace(/@\d+$/, '');
}

/**
 * The tensor to explain: the named layer's output, or by default the input of the first Flatten or
 * global pooling node after the last spatial (rank-4) tensor. `inputShape` gives ranks (batch first).
 */
export function findTarget(graph: Graph, inputShape: readonly number[], layer?: string): string {
  const shapes = inferShapes(graph, [inputShape]);
  if (layer !== undefined) {
    const produced = new Set(graph.nodes.map((n) => n.output));
    const tensor = produced.has(layer) ? layer : `${layer}:0:0`;
    if (!produced.has(tensor)) throw new ShapeError(`explain: no layer named "${layer}" in this model`);
    const rank = shapes.get(tensor)!.length;
    if (rank !== 4) {
      throw new ShapeError(`explain: layer "${layer}" outputs rank-${rank} tensors; Grad-CAM needs a 2-D feature map [N, H, W, C]`);
    }
    return tensor;
  }
  // Spatial: a feature map with more than one position (a GlobalAveragePooling2D with keepdims
  // makes a rank-4 [N, 1, 1, C] that is not one).
  const spatial = (shape: readonly number[]) => shape.length >= 4 && shape.slice(1, -1).some((d) => d > 1);
  let lastSpatial = -1;
  graph.nodes.forEach((n, i) => {
    if (spatial(shapes.get(n.output)!)) lastSpatial = i;
  });
  const head = graph.nodes.find((n, i) => i > lastSpatial && (n.op === 'flatten' || n.op === 'global_pool') && shapes.get(n.inputs[0])!.length >= 4);
  if (!head) {
    throw new ShapeError('explain: the model has no Flatten or global pooling layer after its last spatial layer; name the layer to explain (option layer)');
  }
  const rank = shapes.get(head.inputs[0])!.length;
  if (rank !== 4) throw new ShapeError(`explain: the head's input is rank ${rank}; Grad-CAM maps 2-D feature maps [N, H, W, C]`);
  return head.inputs[0];
}

/** The head from `target` to the graph's (single) output; refuses ops without a backward pass. */
export function headOf(graph: Graph, target: string): GradCamHead {
  const output = graph.outputs[0];
  // Tensors that depend on the target, in topological order.
  const dependent = new Set([target]);
  for (const n of graph.nodes) if (n.inputs.some((t) => dependent.has(t))) dependent.add(n.output);
  if (!dependent.has(output)) throw new ShapeError(`explain: layer "${layerOfTensor(graph, target)}" does not feed the model's output`);
  // Tensors the output depends on.
  const needed = new Set([output]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (needed.has(n.output)) n.inputs.forEach((t) => needed.add(t));
  }
  const nodes = graph.nodes.filter((n) => n.output !== target && dependent.has(n.output) && needed.has(n.output));
  for (const n of nodes) {
    if (!DIFFERENTIABLE_OPS.has(n.op)) {
      throw new UnsupportedLayerError(
        n.name,
        n.kerasClass,
        `Grad-CAM cannot differentiate through ${n.kerasClass} (op ${n.op}); its head may hold only pooling, Flatten, Reshape, Dense, ` +
          'activations, Dropout, BatchNormalization, Rescaling and merges: explain a layer after it (option layer)',
      );
    }
  }
  const external = [...new Set(nodes.flatMap((n) => n.inputs).filter((t) => !dependent.has(t)))];
  const split = new Map(nodes.map((n) => [n, splitActivation(n)]));
  const headNodes = nodes.flatMap((n) => split.get(n)!);
  const tensors = [...new Set([output, target, ...external, ...headNodes.flatMap((n) => [...n.inputs, n.output])])];
  return {
    target,
    layer: layerOfTensor(graph, target),
    output,
    nodes: headNodes,
    external,
    tensors,
    graph: { ...graph, nodes: graph.nodes.flatMap((n) => split.get(n) ?? [n]), outputs: tensors },
  };
}

/** A node with a fused (non-linear) activation as the node without it, then an activation node. */
function splitActivation(node: GraphNode): GraphNode[] {
  const act = node.attrs.activation as Activation | undefined;
  if (!FUSED_ACTIVATION_OPS.has(node.op) || !act || act.kind === ActivationKind.Linear) return [node];
  const pre = `${node.name}/preactivation:out`;
  return [
    { ...node, attrs: { ...node.attrs, activation: LINEAR }, output: pre },
    { name: node.name, kerasClass: node.kerasClass, op: 'activation', inputs: [pre], output: node.output, attrs: { activation: act }, weights: [] },
  ];
}
