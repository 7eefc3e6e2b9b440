/**
 * GlobalAveragePooling2D / GlobalMaxPooling2D and GlobalAveragePooling3D / GlobalMaxPooling3D (and
 * their GlobalAvgPool / GlobalMaxPool aliases): one op, `global_pool`, since the kernel
 * (shaders/global_pool.wgsl) and the reference read any channels-last tensor as [N, spatial, C].
 * The layer's class fixes how many spatial axes its input must have (`spatialRank`).
 */
import { ShapeError } from '../errors.ts';
import type { PoolMode } from '../geometry/window.ts';
import { dispatch1D } from './dispatch.ts';
import { requireChannelsLast } from './padding.ts';
import { POOL_MODE_CONSTANT, poolModeOf } from './pool2d.ts';
import { defineOp, type OpNode } from './types.ts';

/** Node attributes of a global pooling node (no weights). */
export interface GlobalPoolAttrs {
  mode: PoolMode;
  /** Keep the spatial axes as size 1 ([N, 1, 1, C]) instead of dropping them ([N, C]). */
  keepdims: boolean;
  /** Spatial axes of the input: 2 for the 2-D layers (images), 3 for the 3-D ones (volumes). */
  spatialRank: 2 | 3;
}

const WG = 64;

function attrsOf(node: OpNode<GlobalPoolAttrs>): GlobalPoolAttrs {
  return node.attrs;
}

export const globalPool = defineOp<GlobalPoolAttrs>({
  op: 'global_pool',

  fromKeras(layer) {
    requireChannelsLast(layer);
    // keepdims exists from Keras 2.6 on; older files lack it and mean false.
    const spatialRank = layer.className.endsWith('3D') ? 3 : 2;
    const attrs: GlobalPoolAttrs = { mode: poolModeOf(layer), keepdims: layer.config.keepdims === true, spatialRank };
    return { op: 'global_pool', attrs: attrs, weights: [] };
  },

  inferShape(node, [input]) {
    const { spatialRank } = attrsOf(node);
    if (input.length !== spatialRank + 2) {
      throw new ShapeError(
        `Layer "${node.name}" (${node.kerasClass}) expects a ${spatialRank + 2}-D channels-last input, got [${input.join(', ')}]`,
      );
    }
    const C = input[input.length - 1];
    return attrsOf(node).keepdims ? [input[0], ...new Array<number>(spatialRank).fill(1), C] : [input[0], C];
  },

  encode(node, { inputShapes }) {
    const shape = inputShapes[0];
    const N = shape[0];
    const C = shape[shape.length - 1];
    const spatial = shape.slice(1, -1).reduce((p, d) => p * d, 1);
    return [
      {
        label: `${node.name}/global_pool`,
        shader: ['lib_nan.wgsl', 'lib_flat_main.wgsl', 'lib_input_output.wgsl', 'global_pool.wgsl'],
        constants: { WG, MODE: POOL_MODE_CONSTANT[attrsOf(node).mode] },
        params: { batch: N, spatial, channels: C },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(N * C, WG),
        flops: N * spatial * C,
      },
    ];
  },
});
