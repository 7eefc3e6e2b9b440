/**
 * UpSampling2D (nearest = repeat, or bilinear) and Resizing (bilinear or nearest) on channels-last
 * images: shaders/resize2d.wgsl. Both interpolate as Keras 3 does on TensorFlow, i.e.
 * tf.image.resize with half-pixel centres and no antialiasing (see src/reference/resize2d.ts), which
 * TF.js' UpSampling2D bilinear does not.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { sizeOf } from '../tensor.ts';
import { dispatch1D } from './dispatch.ts';
import { requireChannelsLast } from './padding.ts';
import { defineOp, type OpNode } from './types.ts';
import { tupleOf } from './util.ts';

/** How output pixels take their values (the MODE override of resize2d.wgsl). */
export type ResizeMode = 'repeat' | 'nearest' | 'bilinear';
const MODE_CODE: Record<ResizeMode, number> = { repeat: 0, nearest: 1, bilinear: 2 };

/** Node attributes: an integer factor per axis (UpSampling2D) or a fixed output size (Resizing). */
export interface Resize2DAttrs {
  mode: ResizeMode;
  /** [fy, fx]: output = input × factor (UpSampling2D). */
  factor?: [number, number];
  /** [height, width] (Resizing). */
  size?: [number, number];
}

const WG = 64;

const attrsOf = (node: OpNode<Resize2DAttrs>): Resize2DAttrs => node.attrs;

function fromUpSampling(layer: KerasLayer): Resize2DAttrs {
  const interpolation = layer.config.interpolation ?? 'nearest';
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw new UnsupportedLayerError(layer.name, layer.className, `interpolation '${String(interpolation)}' (only 'nearest' and 'bilinear')`);
  }
  const factor = tupleOf(layer.config.size ?? 2, 2, 'size', layer) as [number, number];
  if (factor.some((f) => f < 1)) throw new UnsupportedLayerError(layer.name, layer.className, `size ${JSON.stringify(layer.config.size)} must be positive`);
  return { mode: interpolation === 'nearest' ? 'repeat' : 'bilinear', factor };
}

function fromResizing(layer: KerasLayer): Resize2DAttrs {
  const c = layer.config;
  const interpolation = c.interpolation ?? 'bilinear';
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw new UnsupportedLayerError(layer.name, layer.className, `interpolation '${String(interpolation)}' (only 'bilinear' and 'nearest')`);
  }
  for (const flag of ['crop_to_aspect_ratio', 'pad_to_aspect_ratio', 'antialias']) {
    if (c[flag] === true) throw new UnsupportedLayerError(layer.name, layer.className, `${flag}=True is not supported`);
  }
  const size = [c.height, c.width];
  if (size.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UnsupportedLayerError(layer.name, layer.className, `height ${c.height} and width ${c.width} must be positive integers`);
  }
  return { mode: interpolation, size: size as [number, number] };
}

function outputShape(node: OpNode<Resize2DAttrs>, input: readonly number[]): number[] {
  const a = attrsOf(node);
  if (input.length !== 4) {
    throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}) expects a 4-D input [N, H, W, C], got [${input.join(', ')}]`);
  }
  const [h, w] = a.size ?? [input[1] * a.factor![0], input[2] * a.factor![1]];
  return [input[0], h, w, input[3]];
}

export const resize2d = defineOp<Resize2DAttrs>({
  op: 'resize2d',

  fromKeras(layer) {
    requireChannelsLast(layer);
    const attrs = layer.className === 'Resizing' ? fromResizing(layer) : fromUpSampling(layer);
    return { op: 'resize2d', attrs: attrs, weights: [] };
  },

  inferShape: (node, [input]) => outputShape(node, input),

  encode(node, { inputShapes, outputShape: out }) {
    const a = attrsOf(node);
    const [, H, W, C] = inputShapes[0];
    const count = sizeOf(out);
    return [
      {
        label: `${node.name}/resize2d`,
        shader: ['lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_channels_last_index.wgsl', 'resize2d.wgsl'],
        constants: { WG, MODE: MODE_CODE[a.mode] },
        params: {
          count, inH: H, inW: W, channels: C, outH: out[1], outW: out[2],
          factorY: a.factor?.[0] ?? 1, factorX: a.factor?.[1] ?? 1,
          // Rounded to float32 by the uniform packing, as TF computes it.
          scaleY: H / out[1], scaleX: W / out[2],
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(count, WG),
        flops: a.mode === 'bilinear' ? 6 * count : 0,
      },
    ];
  },
});
