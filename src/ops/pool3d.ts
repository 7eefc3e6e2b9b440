/**
 * MaxPooling3D / AveragePooling3D (and the MaxPool3D / AvgPool3D aliases): one op, `pool3d`,
 * whose `mode` attribute picks the reduction, run by shaders/pool3d.wgsl. TF's padding rule:
 * padded cells never count.
 */
import { ShapeError } from '../errors.ts';
import { type Pool3DGeometry } from '../geometry/window.ts';
import type { PoolMode } from '../geometry/window.ts';
import { dispatch1D } from './dispatch.ts';
import { parsePadding, requireChannelsLast } from './padding.ts';
import { axisGeometry } from '../geometry/window.ts';
import { POOL_MODE_CONSTANT, poolModeOf } from './pool2d.ts';
import { defineOp, type OpNode } from './types.ts';
import { tupleOf } from './util.ts';

/** Node attributes of a pool3d node (no weights). */
export interface Pool3DAttrs extends Pool3DGeometry {
  mode: PoolMode;
}

const WG = 64;

function attrsOf(node: OpNode<Pool3DAttrs>): Pool3DAttrs {
  return node.attrs;
}

function axes(a: Pool3DAttrs, input: readonly number[]) {
  return [0, 1, 2].map((i) => axisGeometry(input[i + 1], a.poolSize[i], a.strides[i], 1, a.padding));
}

export const pool3d = defineOp<Pool3DAttrs>({
  op: 'pool3d',
  footprint: (node) => {
    const a = attrsOf(node);
    return { kind: 'window', kernel: a.poolSize, dilation: [1, 1, 1], strides: a.strides, padding: a.padding };
  },

  fromKeras(layer) {
    const c = layer.config;
    requireChannelsLast(layer);
    const poolSize = tupleOf(c.pool_size ?? 2, 3, 'pool_size', layer);
    const attrs: Pool3DAttrs = {
      mode: poolModeOf(layer),
      poolSize,
      // Keras: strides=None means "same as pool_size".
      strides: c.strides == null ? poolSize : tupleOf(c.strides, 3, 'strides', layer),
      padding: parsePadding(c.padding ?? 'valid', layer),
    };
    return { op: 'pool3d', attrs: attrs, weights: [] };
  },

  inferShape(node, [input]) {
    const a = attrsOf(node);
    const where = `Layer "${node.name}" (${node.kerasClass})`;
    if (input.length !== 5) throw new ShapeError(`${where} expects a 5-D input [N, D, H, W, C], got [${input.join(', ')}]`);
    const g = axes(a, input);
    if (g.some((x) => x.out <= 0)) {
      throw new ShapeError(`${where}: input ${input.slice(1, 4).join('×')} is smaller than its ${a.poolSize.join('×')} pool with 'valid' padding`);
    }
    return [input[0], ...g.map((x) => x.out), input[4]];
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, D, H, W, C] = inputShapes[0];
    const [, OD, OH, OW] = outputShape;
    const [gz, gy, gx] = axes(a, inputShapes[0]);
    const windows = N * OD * OH * OW * C;
    return [
      {
        label: `${node.name}/pool3d`,
        shader: ['lib_nan.wgsl', 'lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_channels_last_index.wgsl', 'lib_pool_window.wgsl', 'pool3d.wgsl'],
        constants: { WG, MODE: POOL_MODE_CONSTANT[a.mode] },
        params: {
          batch: N, inD: D, inH: H, inW: W, channels: C, outD: OD, outH: OH, outW: OW,
          poolD: a.poolSize[0], poolH: a.poolSize[1], poolW: a.poolSize[2],
          strideD: a.strides[0], strideH: a.strides[1], strideW: a.strides[2],
          padFront: gz.padBefore, padTop: gy.padBefore, padLeft: gx.padBefore,
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(windows, WG),
        flops: windows * a.poolSize[0] * a.poolSize[1] * a.poolSize[2],
      },
    ];
  },
});
