/**
 * KerasModel (any reader's output) → graph IR. Each layer call becomes the node(s) its op module
 * drafts; tensors are named `<layer>:<call>:<output>` as Keras' own history references them.
 */
import { ModelFormatError, UnsupportedLayerError } from '../errors.ts';
import type { InboundRef, KerasLayer, KerasModel } from '../formats/keras-model.ts';
import { KERAS_LAYERS, opModule } from '../ops/registry.ts';
import type { ImportContext, NodeDraft } from '../ops/types.ts';
import { checkWeightFinite } from '../non-finite.ts';
import { kerasMajor, type Graph, type GraphNode } from '../graph/ir.ts';

const tensorName = (ref: InboundRef): string => `${ref.layer}:${ref.nodeIndex}:${ref.tensorIndex}`;

export function buildGraph(model: KerasModel): Graph {
  const meta = { name: model.name, kerasVersion: model.kerasVersion, format: model.format };
  const ctx: ImportContext = { meta, kerasMajor: kerasMajor(meta) };
  const graph: Graph = { inputs: [], outputs: [], nodes: [], meta };

  const inputLayers = new Set(model.inputs.map((r) => r.layer));
  model.inputs.forEach((ref, i) => {
    const shape = model.inputShapes[i];
    // A batch dimension and at least one more: every op's shape rule counts on it (a rank-0 input
    // made merges broadcast to [undefined, ...], found by the fuzzer).
    if (!Array.isArray(shape) || shape.length < 2) {
      throw new ModelFormatError(`Input "${ref.layer}" declares shape ${JSON.stringify(shape)}: expected a batch dimension and at least one more`);
    }
    graph.inputs.push({ name: tensorName(ref), shape });
  });

  // Draft every layer first so an unsupported layer is reported before anything else.
  const drafts = new Map<KerasLayer, NodeDraft[]>();
  for (const layer of model.layers) {
    if (inputLayers.has(layer.name) || layer.className === 'InputLayer') continue;
    // Own properties only: a class named "constructor" or "__proto__" must not find Object's.
    const op = Object.hasOwn(KERAS_LAYERS, layer.className) ? KERAS_LAYERS[layer.className] : undefined;
    if (!op) throw new UnsupportedLayerError(layer.name, layer.className);
    const module = opModule(op);
    if (!module.fromKeras) throw new Error(`internal: op "${op}" cannot import Keras layers`);
    const d = module.fromKeras(layer, ctx);
    drafts.set(layer, Array.isArray(d) ? d : [d]);
  }
  // Every reader's weights pass here as Float32Arrays: one scan refuses NaN/±Infinity for all
  // formats (a NaN weight would otherwise come out as a confident-looking probability).
  for (const layer of drafts.keys()) for (const w of layer.weights) checkWeightFinite(layer.name, w.name, w.data, w.shape);

  // Emit calls in dependency order (config order is usually already topological).
  const available = new Set(graph.inputs.map((i) => i.name));
  const pending: { layer: KerasLayer; call: number }[] = [];
  for (const layer of drafts.keys()) layer.inbound.forEach((_, call) => pending.push({ layer, call }));
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length; ) {
      const { layer, call } = pending[i];
      const inputs = layer.inbound[call].map(tensorName);
      if (inputs.length === 0) {
        throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): call ${call} has no input tensor`);
      }
      if (!inputs.every((t) => available.has(t))) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      emitCall(graph, layer, call, inputs, drafts.get(layer)!);
      available.add(`${layer.name}:${call}:0`);
    }
    if (pending.length === before) {
      const stuck = pending[0];
      const missing = stuck.layer.inbound[stuck.call].map(tensorName).filter((t) => !available.has(t));
      throw new ModelFormatError(
        `Layer "${stuck.layer.name}" (${stuck.layer.className}) takes ${missing.join(', ')}, which no layer produces`,
      );
    }
  }
  graph.outputs = model.outputs.map(tensorName);
  for (const out of graph.outputs) {
    if (!available.has(out)) throw new ModelFormatError(`Model output ${out} is not produced by any layer`);
  }
  return graph;
}

function emitCall(graph: Graph, layer: KerasLayer, call: number, inputs: string[], drafts: NodeDraft[]): void {
  const base = call === 0 ? layer.name : `${layer.name}@${call}`;
  let current = inputs;
  drafts.forEach((draft, k) => {
    const last = k === drafts.length - 1;
    const node: GraphNode = {
      name: k === 0 ? base : `${base}/${draft.op}`,
      kerasClass: layer.className,
      op: draft.op,
      inputs: current,
      output: last ? `${layer.name}:${call}:0` : `${base}/${draft.op}:out`,
      attrs: draft.attrs,
      weights: draft.weights,
    };
    graph.nodes.push(node);
    current = [node.output];
  });
}
