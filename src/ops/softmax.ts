/**
 * Softmax on one axis (Keras `Softmax` layer, `Activation('softmax')`, and the node that
 * Dense/Conv append for activation='softmax' via softmaxDraft). Kernel: shaders/softmax.wgsl.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { dispatch1D } from './dispatch.ts';
import { defineOp, POINTWISE, type OpNode } from './types.ts';
import { softmaxDraft } from './util.ts';

export interface SoftmaxAttrs {
  /** Keras axis: negative counts from the end; batch is axis 0. */
  axis: number;
}

const WG = 64;

/** The node's axis as 0 ≤ axis < rank, or a ShapeError naming the layer. */
export function softmaxAxis(node: OpNode<SoftmaxAttrs>, rank: number): number {
  const { axis } = node.attrs;
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 1 || a >= rank) {
    // Axis 0 is the batch: a softmax across samples is never what a classifier means.
    throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): softmax axis ${axis} is not a non-batch axis of a rank-${rank} tensor`);
  }
  return a;
}

export const softmax = defineOp<SoftmaxAttrs>({
  op: 'softmax',
  // Pointwise in space only when it normalises over the channels (the last axis).
  footprint: (node, rank) => {
    const { axis } = node.attrs;
    return axis === -1 || axis === rank - 1 ? POINTWISE : undefined;
  },

  fromKeras(layer) {
    let axis: unknown = layer.config.axis ?? -1;
    if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
    if (typeof axis !== 'number' || !Number.isInteger(axis)) {
      throw new UnsupportedLayerError(layer.name, layer.className, `softmax over axis ${JSON.stringify(layer.config.axis)} (one axis only)`);
    }
    return softmaxDraft(axis);
  },

  inferShape(node, [input]) {
    softmaxAxis(node, input.length);
    return [...input];
  },

  encode(node, { outputShape }) {
    const axis = softmaxAxis(node, outputShape.length);
    const axisLen = outputShape[axis];
    const outer = outputShape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = outputShape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return [
      {
        label: `${node.name}/softmax`,
        shader: ['lib_nan.wgsl', 'lib_flat_main.wgsl', 'lib_input_output.wgsl', 'softmax.wgsl'],
        constants: { WG },
        params: { outer, axisLen, inner },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(outer * inner, WG),
        flops: 5 * outer * axisLen * inner,
      },
    ];
  },
});
