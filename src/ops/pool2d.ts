/**
 * MaxPooling2D / AveragePooling2D (and the MaxPool2D / AvgPool2D aliases): one op, `pool2d`,
 * whose `mode` attribute picks the reduction. TF's padding rule: padded cells never count.
 */
import { ModelFormatError, ShapeError } from '../errors.ts';
import { type Pool2DGeometry, type PoolMode } from '../geometry/window.ts';
import { dispatch1D } from './dispatch.ts';
import { parsePadding, requireChannelsLast } from './padding.ts';
import { axisGeometry } from '../geometry/window.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { defineOp, type BufferRef, type KernelStep, type OpNode } from './types.ts';
import { tupleOf } from './util.ts';

/** Node attributes of a pool2d node (no weights). */
export interface Pool2DAttrs extends Pool2DGeometry {
  mode: PoolMode;
}

const WG = 64;

/** Values of pool2d.wgsl's MODE override. */
export const POOL_MODE_CONSTANT: Record<PoolMode, number> = { max: 0, avg: 1 };

/**
 * The reduction a pooling layer class applies. The registry maps all of Keras' pooling class
 * names to this module; their names say which reduction ("Max…" / "Average…", "Avg…").
 */
export function poolModeOf(layer: KerasLayer): PoolMode {
  if (layer.className.startsWith('Max') || layer.className.startsWith('GlobalMax')) return 'max';
  if (/^(Global)?Av(era)?g/.test(layer.className)) return 'avg';
  throw new ModelFormatError(`internal: layer "${layer.name}" (${layer.className}) is not a max or average pooling layer`);
}

function attrsOf(node: OpNode<Pool2DAttrs>): Pool2DAttrs {
  return node.attrs;
}

function geometry(node: OpNode<Pool2DAttrs>, input: readonly number[]) {
  return poolGeometry(attrsOf(node), input);
}

function poolGeometry(a: Pool2DGeometry, input: readonly number[]) {
  return {
    gy: axisGeometry(input[1], a.poolSize[0], a.strides[0], 1, a.padding),
    gx: axisGeometry(input[2], a.poolSize[1], a.strides[1], 1, a.padding),
  };
}

/**
 * The pool2d.wgsl dispatch for one pooling window geometry. Also used by conv2d_pool where the
 * conv runs on Winograd into a scratch buffer and the pool follows as its own step.
 */
export function poolStep(
  label: string,
  a: Pool2DAttrs,
  inputShape: readonly number[],
  outputShape: readonly number[],
  io: { input: BufferRef; output: BufferRef },
): KernelStep {
  const [N, H, W, C] = inputShape;
  const [, OH, OW] = outputShape;
  const { gy, gx } = poolGeometry(a, inputShape);
  const windows = N * OH * OW * C;
  return {
    label,
    shader: ['lib_nan.wgsl', 'lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_channels_last_index.wgsl', 'lib_pool_window.wgsl', 'pool2d.wgsl'],
    constants: { WG, MODE: POOL_MODE_CONSTANT[a.mode] },
    params: {
      batch: N, inH: H, inW: W, channels: C, outH: OH, outW: OW,
      poolH: a.poolSize[0], poolW: a.poolSize[1], strideH: a.strides[0], strideW: a.strides[1],
      padTop: gy.padBefore, padLeft: gx.padBefore,
    },
    bindings: io,
    dispatch: dispatch1D(windows, WG),
    flops: windows * a.poolSize[0] * a.poolSize[1],
  };
}

export const pool2d = defineOp<Pool2DAttrs>({
  op: 'pool2d',

  fromKeras(layer) {
    const c = layer.config;
    requireChannelsLast(layer);
    const poolSize = tupleOf(c.pool_size ?? 2, 2, 'pool_size', layer);
    const attrs: Pool2DAttrs = {
      mode: poolModeOf(layer),
      poolSize,
      // Keras: strides=None means "same as pool_size".
      strides: c.strides == null ? poolSize : tupleOf(c.strides, 2, 'strides', layer),
      padding: parsePadding(c.padding ?? 'valid', layer),
    };
    return { op: 'pool2d', attrs: attrs, weights: [] };
  },

  inferShape(node, [input]) {
    const a = attrsOf(node);
    const where = `Layer "${node.name}" (${node.kerasClass})`;
    if (input.length !== 4) throw new ShapeError(`${where} expects a 4-D input [N, H, W, C], got [${input.join(', ')}]`);
    const { gy, gx } = geometry(node, input);
    if (gy.out <= 0 || gx.out <= 0) {
      throw new ShapeError(`${where}: input ${input[1]}×${input[2]} is smaller than its ${a.poolSize.join('×')} pool with 'valid' padding`);
    }
    return [input[0], gy.out, gx.out, input[3]];
  },

  encode(node, { inputShapes, outputShape }) {
    const io = { input: { kind: 'tensor', name: node.inputs[0] }, output: { kind: 'tensor', name: node.output } } as const;
    return [poolStep(`${node.name}/pool2d`, attrsOf(node), inputShapes[0], outputShape, io)];
  },
});
