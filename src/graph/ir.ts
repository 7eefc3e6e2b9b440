/**
 * The graph IR: what every reader produces and every later stage consumes.
 *
 * Tensors are named by string. Shapes include the batch dimension first; in the graph's declared
 * input shapes a dimension may be `null` (unknown until a concrete input arrives). After shape
 * inference every tensor has a concrete shape.
 */

/** A weight array as stored by Keras (kernel in Keras layout, e.g. HWIO for Conv2D). */
export interface WeightTensor {
  /** Keras weight name without the layer prefix, e.g. "kernel", "bias", "gamma". */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The activations the engine fuses into kernels. Values index WGSL `ACT` override constants. */
export enum ActivationKind {
  Linear = 0,
  Relu = 1,
  Relu6 = 2,
  Elu = 3,
  Selu = 4,
  Gelu = 5, // exact (erf) form, Keras' default
  GeluTanh = 6, // approximate=True
  Sigmoid = 7,
  HardSigmoidKeras2 = 8, // clip(0.2x + 0.5, 0, 1)
  HardSigmoidKeras3 = 9, // relu6(x + 3) / 6
  Tanh = 10,
  Softplus = 11,
  Softsign = 12,
  Swish = 13, // a.k.a. silu
  LeakyRelu = 14, // uses alpha
  Exponential = 15,
  HardSwish = 16, // x * relu6(x + 3) / 6 (Keras 3 hard_silu)
  Mish = 17,
  /** Keras ReLU layer in general: alpha = negative_slope, beta = max_value (FLT_MAX if none), gamma = threshold. */
  ReluGeneral = 18,
}

/** An elementwise activation with its parameters (LeakyReLU slope, ELU alpha, ReLU max/threshold). */
export interface Activation {
  readonly kind: ActivationKind;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
}

export const LINEAR: Activation = { kind: ActivationKind.Linear, alpha: 0, beta: 0, gamma: 0 };

/** Largest finite float32: stands for "no max_value" in ReluGeneral. */
export const F32_MAX = 3.4028234663852886e38;

/** One operation. Most Keras layers become one node; some become two (Dense + softmax). */
export interface GraphNode {
  /** Unique name; the Keras layer name (suffixed `@k` when a shared layer is called again). */
  name: string;
  /** Keras class the node came from, for messages ("Conv2D"). */
  kerasClass: string;
  /** Registry key of the op module that runs it ("conv2d"). */
  op: string;
  inputs: string[];
  output: string;
  /** Op-specific attributes; each op module defines and validates its own shape of this. */
  attrs: Record<string, unknown>;
  weights: WeightTensor[];
}

export interface GraphInput {
  /** Tensor name fed by this input. */
  name: string;
  /** Declared shape including batch; null for dimensions Keras leaves open. */
  shape: (number | null)[];
}

export interface GraphMeta {
  /** Model name from the Keras config. */
  name: string;
  /** Keras version that saved the file ("2.15.0", "3.5.0"), "" when unknown. */
  kerasVersion: string;
  /** Which reader produced it: "tfjs-layers", "keras2-h5", "keras3-keras", ... */
  format: string;
}

export interface Graph {
  inputs: GraphInput[];
  outputs: string[];
  /** Topologically sorted. */
  nodes: GraphNode[];
  meta: GraphMeta;
}

/** Major Keras version of a graph (2 or 3); files without a version are treated as Keras 2 (tfjs era). */
export function kerasMajor(meta: GraphMeta): 2 | 3 {
  return meta.kerasVersion.startsWith('3') ? 3 : 2;
}
