/**
 * Keras Permute(dims): reorders the axes after the batch (dims are 1-based, as in Keras). Data
 * moves, so this is a kernel (shaders/permute.wgsl), unlike Reshape/Flatten which alias.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { sizeOf, stridesOf } from '../tensor.ts';
import { dispatch1D } from './dispatch.ts';
import { stridedIndexParams } from './strided-index.ts';
import { defineOp, type OpNode } from './types.ts';

/** Node attributes: Keras' `dims`, a permutation of 1..rank−1. */
export interface PermuteAttrs {
  dims: number[];
}

const WG = 64;

/** The full permutation including the batch axis (which stays first). */
function permutation(node: OpNode<PermuteAttrs>, rank: number): number[] {
  const { dims } = node.attrs;
  if (dims.length !== rank - 1) {
    throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): dims (${dims.join(', ')}) do not match a rank-${rank} input`);
  }
  return [0, ...dims];
}

export const permute = defineOp<PermuteAttrs>({
  op: 'permute',

  fromKeras(layer) {
    const dims = layer.config.dims;
    const ok = Array.isArray(dims) && dims.length > 0 && [...dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!ok) throw new UnsupportedLayerError(layer.name, layer.className, `dims ${JSON.stringify(dims)} is not a permutation of 1..${Array.isArray(dims) ? dims.length : '?'}`);
    return { op: 'permute', attrs: { dims: [...dims] } satisfies PermuteAttrs, weights: [] };
  },

  inferShape: (node, [input]) => permutation(node, input.length).map((p) => input[p]),

  encode(node, { inputShapes, outputShape }) {
    const input = inputShapes[0];
    const inStrides = stridesOf(input);
    const idx = stridedIndexParams(outputShape, permutation(node, input.length).map((p) => inStrides[p]));
    const count = sizeOf(outputShape);
    return [
      {
        label: `${node.name}/permute`,
        shader: ['lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_strided_index.wgsl', 'permute.wgsl'],
        constants: { WG },
        params: { count, dims: idx.dims, after: idx.after, inStrides: idx.strides },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(count, WG),
        flops: 0,
      },
    ];
  },
});
