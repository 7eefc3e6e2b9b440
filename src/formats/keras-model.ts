/**
 * The common, format-independent description of a Keras model that every reader produces
 * (tfjs layers JSON, Keras 2 .h5, Keras 3 .keras). `src/compile/from-keras.ts` turns it into the IR.
 *
 * Readers normalise format quirks here so nothing downstream needs to know the file format:
 * Keras 3 `batch_shape` becomes `batchInputShape`, Keras 3 `inbound_nodes` with `keras_history`
 * become `InboundRef`s, dtype-policy dicts are dropped, and weights are attached to their layer
 * in Keras' own order (`layer.weights`).
 */
import type { WeightTensor } from '../graph/ir.ts';

/** A reference to one output tensor of one call of a layer. */
export interface InboundRef {
  layer: string;
  nodeIndex: number;
  tensorIndex: number;
}

export interface KerasLayer {
  name: string;
  className: string;
  /** The layer's Keras config, as saved (activation strings, kernel_size, padding, ...). */
  config: Record<string, any>;
  /** One entry per call of the layer; each lists the tensors passed to that call, in order. */
  inbound: InboundRef[][];
  /** Weights in Keras order (kernel before bias; gamma, beta, moving_mean, moving_variance). */
  weights: WeightTensor[];
}

export interface KerasModel {
  name: string;
  /** "Sequential" models are given as a chain: the readers fill `inbound` for them too. */
  className: 'Functional' | 'Sequential' | string;
  layers: KerasLayer[];
  inputs: InboundRef[];
  outputs: InboundRef[];
  /** Declared input shapes (with batch as null), parallel to `inputs`. */
  inputShapes: (number | null)[][];
  /** "2.15.0", "3.5.0", or "" when the file does not say. */
  kerasVersion: string;
  format: string;
}
