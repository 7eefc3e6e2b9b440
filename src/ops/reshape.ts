/**
 * Reshape(target_shape): a reinterpretation of the channels-last buffer with another shape (Keras
 * itself reshapes in row-major order of the channels-last tensor). No `encode`: the scheduler
 * aliases the output to the input's buffer. Permute moves data and is an op with a kernel
 * (./permute.ts).
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { sizeOf } from '../tensor.ts';
import { defineOp, type OpNode } from './types.ts';

export interface ReshapeAttrs {
  /** Keras' target_shape without the batch; at most one -1. */
  targetShape: number[];
}

/** The target shape with its -1 resolved for this input (batch kept first). */
function reshapeTarget(node: OpNode<ReshapeAttrs>, input: readonly number[]): number[] {
  const { targetShape } = node.attrs;
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
export const reshape = defineOp<ReshapeAttrs>({
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
});
