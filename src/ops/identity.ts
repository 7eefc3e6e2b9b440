/**
 * Ops that move no data: inference-time no-ops (Dropout and friends) and reinterpretations of a
 * channels-last buffer with another shape (Flatten, Reshape). None has `encode`, so the scheduler
 * aliases the output to the input's buffer and they cost nothing on the GPU.
 *
 * Reshape and Flatten are pure reinterpretations because Keras itself reshapes in row-major order
 * of the channels-last tensor. Permute moves data and is deliberately not here.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import type { GraphNode } from '../graph/ir.ts';
import { sizeOf } from '../tensor.ts';
import { POINTWISE, type OpModule } from './types.ts';

/** Output = input, for Dropout, SpatialDropout*, GaussianNoise/Dropout, AlphaDropout, ActivityRegularization, Identity. */
export const identity: OpModule = {
  op: 'identity',
  footprint: () => POINTWISE,
  fromKeras: () => ({ op: 'identity', attrs: {}, weights: [] }),
  inferShape: (_node, [input]) => [...input],
  reference: (_node, [input]) => ({ shape: [...input.shape], data: input.data }),
};

/** Flatten: [N, ...] → [N, product of the rest], row-major (channels-last) order. */
export const flatten: OpModule = {
  op: 'flatten',
  fromKeras(layer) {
    const format = layer.config.data_format ?? 'channels_last';
    if (format !== 'channels_last') {
      throw new UnsupportedLayerError(layer.name, layer.className, `data_format "${format}" (the engine runs channels-last tensors)`);
    }
    return { op: 'flatten', attrs: {}, weights: [] };
  },
  inferShape: (_node, [input]) => [input[0], sizeOf(input.slice(1))],
  reference: (_node, [input]) => ({ shape: [input.shape[0], sizeOf(input.shape.slice(1))], data: input.data }),
};

export interface ReshapeAttrs {
  /** Keras' target_shape without the batch; at most one -1. */
  targetShape: number[];
}

/** The target shape with its -1 resolved for this input (batch kept first). */
function reshapeTarget(node: GraphNode, input: readonly number[]): number[] {
  const { targetShape } = node.attrs as unknown as ReshapeAttrs;
  const perSample = sizeOf(input.slice(1));
  const known = targetShape.filter((d) => d !== -1);
  const knownSize = sizeOf(known);
  const out = [...targetShape];
  const free = targetShape.indexOf(-1);
  if (free >= 0) {
    if (knownSize === 0 || perSample % knownSize !== 0) {
      throw new ShapeError(
        `Layer "${node.name}" (Reshape) cannot reshape [${input.join(', ')}] to [batch, ${targetShape.join(', ')}]: ${perSample} values per sample do not divide into ${knownSize}`,
      );
    }
    out[free] = perSample / knownSize;
  } else if (knownSize !== perSample) {
    throw new ShapeError(
      `Layer "${node.name}" (Reshape) cannot reshape [${input.join(', ')}] to [batch, ${targetShape.join(', ')}]: ${perSample} values per sample, the target holds ${knownSize}`,
    );
  }
  return [input[0], ...out];
}

/** Reshape(target_shape): row-major reinterpretation of each sample; one -1 is inferred. */
export const reshape: OpModule = {
  op: 'reshape',
  fromKeras(layer) {
    const target = layer.config.target_shape;
    if (
      !Array.isArray(target) ||
      target.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1)) ||
      target.filter((d) => d === -1).length > 1
    ) {
      throw new UnsupportedLayerError(layer.name, layer.className, `target_shape ${JSON.stringify(target)} must be positive integers with at most one -1`);
    }
    return { op: 'reshape', attrs: { targetShape: [...target] } satisfies ReshapeAttrs, weights: [] };
  },
  inferShape: (node, [input]) => reshapeTarget(node, input),
  reference: (node, [input]) => ({ shape: reshapeTarget(node, input.shape), data: input.data }),
};
