/**
 * Keras PReLU: y = x for x ≥ 0, alpha · x otherwise, with a learned alpha shaped like the input
 * (without the batch) and size 1 along `shared_axes` (shared_axes=[1, 2] gives one alpha per channel).
 * Kernel: shaders/prelu.wgsl, reading alpha through broadcast strides.
 */
import { ShapeError } from '../errors.ts';
import { sizeOf } from '../tensor.ts';
import { broadcastStrides } from '../geometry/broadcast.ts';
import { dispatch1D } from './dispatch.ts';
import { stridedIndexParams } from './strided-index.ts';
import { defineOp, type OpNode, type NoAttrs } from './types.ts';
import { requireWeight } from './util.ts';

const WG = 64;

/** alpha's shape with a leading batch axis of 1, checked to broadcast to the input. */
function alphaShape(node: OpNode<NoAttrs>, input: readonly number[]): number[] {
  const a = [1, ...node.weights[0].shape];
  const ok = a.length === input.length && a.every((d, i) => d === 1 || d === input[i]);
  if (!ok) {
    throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): alpha of shape [${node.weights[0].shape.join(', ')}] does not fit input [${input.join(', ')}]`);
  }
  return a;
}

export const prelu = defineOp<NoAttrs>({
  op: 'prelu',

  // shared_axes needs no attribute: it is already in alpha's shape (size 1 on those axes).
  fromKeras: (layer) => ({ op: 'prelu', attrs: {}, weights: [requireWeight(layer, 0, 'alpha')] }),

  inferShape(node, [input]) {
    alphaShape(node, input);
    return [...input];
  },

  encode(node, { outputShape }) {
    const idx = stridedIndexParams(outputShape, broadcastStrides(alphaShape(node, outputShape), outputShape));
    const count = sizeOf(outputShape);
    return [
      {
        label: `${node.name}/prelu`,
        shader: ['lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_strided_index.wgsl', 'prelu.wgsl'],
        constants: { WG },
        params: { count, dims: idx.dims, after: idx.after, alphaStrides: idx.strides },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          alpha: { kind: 'constant', data: node.weights[0].data, label: `${node.name}/alpha` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(count, WG),
        flops: count,
      },
    ];
  },
});
