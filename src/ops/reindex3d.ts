/**
 * ZeroPadding3D, Cropping3D and UpSampling3D (nearest, Keras' only mode for 3-D): layers whose
 * every output voxel is a copy of at most one input voxel. One op, `reindex3d`, one kernel
 * (shaders/reindex3d.wgsl): out = in[floor((o − shift) / scale)] per axis, zero outside.
 * Padding is a positive shift, cropping a negative one, upsampling a scale. Cropping and
 * upsampling move data, so they are kernels, not buffer aliases.
 */
import { ModelFormatError, ShapeError } from '../errors.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { type Reindex3DGeometry } from '../geometry/window.ts';
import { dispatch1D } from './dispatch.ts';
import { requireChannelsLast } from './padding.ts';
import { defineOp, type OpNode } from './types.ts';
import { tupleOf } from './util.ts';

/** Node attributes: the gather geometry plus the voxels added after the data (negative: cropped). */
export interface Reindex3DAttrs extends Reindex3DGeometry {
  /** [d, h, w]: output size = scale·input + shift + after */
  after: readonly number[];
}

const WG = 64;

/**
 * Keras' 3-D padding/cropping argument: an int (every side), 3 ints (symmetric per axis) or 3
 * pairs ((front, back), (top, bottom), (left, right)), as Keras normalises it.
 */
export function parseAmounts3D(value: unknown, layer: KerasLayer, what: string): [number, number][] {
  const bad = (): never => {
    throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): ${what} ${JSON.stringify(value)} is not an int, 3 ints or 3 pairs of ints`);
  };
  const nonNeg = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : bad());
  if (typeof value === 'number') return [0, 1, 2].map(() => [nonNeg(value), nonNeg(value)]);
  if (!Array.isArray(value) || value.length !== 3) return bad();
  return value.map((a: unknown): [number, number] => {
    if (typeof a === 'number') return [nonNeg(a), nonNeg(a)];
    if (Array.isArray(a) && a.length === 2) return [nonNeg(a[0]), nonNeg(a[1])];
    return bad();
  });
}

const attrsOf = (node: OpNode<Reindex3DAttrs>): Reindex3DAttrs => node.attrs;

export const reindex3d = defineOp<Reindex3DAttrs>({
  op: 'reindex3d',

  fromKeras(layer) {
    requireChannelsLast(layer);
    const c = layer.config;
    let attrs: Reindex3DAttrs;
    if (layer.className === 'UpSampling3D') {
      attrs = { scale: tupleOf(c.size ?? 2, 3, 'size', layer), shift: [0, 0, 0], after: [0, 0, 0] };
      if (attrs.scale.some((s) => s < 1)) throw new ModelFormatError(`Layer "${layer.name}" (UpSampling3D): size ${JSON.stringify(c.size)} must be ≥ 1`);
    } else {
      const sign = layer.className === 'Cropping3D' ? -1 : 1;
      const amounts = parseAmounts3D(layer.className === 'Cropping3D' ? c.cropping ?? 1 : c.padding ?? 1, layer, sign < 0 ? 'cropping' : 'padding');
      attrs = { scale: [1, 1, 1], shift: amounts.map((p) => sign * p[0]), after: amounts.map((p) => sign * p[1]) };
    }
    return { op: 'reindex3d', attrs: attrs, weights: [] };
  },

  inferShape(node, [input]) {
    const a = attrsOf(node);
    const where = `Layer "${node.name}" (${node.kerasClass})`;
    if (input.length !== 5) throw new ShapeError(`${where} expects a 5-D input [N, D, H, W, C], got [${input.join(', ')}]`);
    const spatial = [0, 1, 2].map((i) => a.scale[i] * input[i + 1] + a.shift[i] + a.after[i]);
    if (spatial.some((d) => d <= 0)) {
      throw new ShapeError(`${where}: cropping leaves nothing of a ${input.slice(1, 4).join('×')} input`);
    }
    return [input[0], ...spatial, input[4]];
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [, D, H, W, C] = inputShapes[0];
    const [, OD, OH, OW] = outputShape;
    const total = outputShape.reduce((p, d) => p * d, 1);
    return [
      {
        label: `${node.name}/reindex3d`,
        shader: ['lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_channels_last_index.wgsl', 'reindex3d.wgsl'],
        constants: { WG },
        params: {
          total, channels: C, inD: D, inH: H, inW: W, outD: OD, outH: OH, outW: OW,
          scaleD: a.scale[0], scaleH: a.scale[1], scaleW: a.scale[2],
          shiftD: a.shift[0], shiftH: a.shift[1], shiftW: a.shift[2],
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(total, WG),
        flops: 0,
      },
    ];
  },
});
