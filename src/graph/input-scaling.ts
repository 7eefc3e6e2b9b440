/**
 * Does the model scale its own pixels? A Keras model whose first layer is `Rescaling` (or an adapted
 * `Normalization`) was trained on raw 0–255 pixels: feeding it pixels already divided by 255 divides
 * twice and every image looks black to it. This finds that layer, so preprocessing can say "raw
 * pixels" from the graph itself when no metadata says anything.
 */
import type { Graph } from './ir.ts';

/** The layer right after the input that turns raw pixels into the model's own scale. */
export interface InputScalingLayer {
  /** Keras layer name ("rescale"). */
  name: string;
  /** "Rescaling" or "Normalization". */
  kerasClass: string;
  op: 'rescaling' | 'normalization';
}

/** Ops that scale or normalise values: the model takes raw pixels when one of these comes first. */
const SCALING_OPS = new Set(['rescaling', 'normalization']);

/**
 * Ops that only move or pass pixels (Resizing and UpSampling, crops and zero padding, Dropout and
 * the other inference-time identities): a Rescaling after them still sees raw pixels.
 */
const PIXEL_MOVING_OPS = new Set(['identity', 'resize2d', 'pad_crop2d']);

/**
 * The Rescaling or Normalization layer that first reads the model's only input, looking through
 * pixel-moving layers; undefined when the input reaches anything else first (a Conv2D, a branch).
 */
export function inputScalingLayer(graph: Graph): InputScalingLayer | undefined {
  if (graph.inputs.length !== 1) return undefined;
  let tensor = graph.inputs[0].name;
  // Each step moves one node down a chain; the bound only guards against a malformed cyclic graph.
  for (let steps = 0; steps <= graph.nodes.length; steps++) {
    const readers = graph.nodes.filter((n) => n.inputs.includes(tensor));
    if (readers.length !== 1) return undefined;
    const node = readers[0];
    if (SCALING_OPS.has(node.op)) return { name: node.name, kerasClass: node.kerasClass, op: node.op as InputScalingLayer['op'] };
    if (!PIXEL_MOVING_OPS.has(node.op) || node.inputs.length !== 1) return undefined;
    tensor = node.output;
  }
  return undefined;
}
