/**
 * ZeroPadding2D and Cropping2D: zero rows/columns added around each image, or removed from its
 * borders, with Keras' asymmetric ((top, bottom), (left, right)) amounts. Both are the same shifted
 * copy (shaders/pad_crop2d.wgsl): padding shifts the image down/right, cropping up/left. Cropping
 * is a real kernel, not an alias: the kept rows are not contiguous in the input buffer.
 */
import { ModelFormatError, ShapeError } from '../errors.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { sizeOf } from '../tensor.ts';
import { dispatch1D } from './dispatch.ts';
import { requireChannelsLast } from './padding.ts';
import { defineOp, type OpNode } from './types.ts';

/** Node attributes: amounts per side; `sign` +1 pads with zeros, −1 crops. */
export interface PadCrop2DAttrs {
  sign: 1 | -1;
  /** [[top, bottom], [left, right]] */
  amounts: [[number, number], [number, number]];
}

const WG = 64;

/**
 * Reads Keras' padding/cropping argument: an int (all four sides), a pair (symmetric per axis:
 * (rows, cols)) or a pair of pairs ((top, bottom), (left, right)), as Keras' own normalisation does.
 */
export function parseAmounts2D(value: unknown, layer: KerasLayer, what: string): [[number, number], [number, number]] {
  const bad = (): never => {
    throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): ${what} ${JSON.stringify(value)} is not an int, 2 ints or 2 pairs of ints`);
  };
  const nonNeg = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : bad());
  if (typeof value === 'number') {
    const v = nonNeg(value);
    return [[v, v], [v, v]];
  }
  if (!Array.isArray(value) || value.length !== 2) return bad();
  const axis = (a: unknown): [number, number] => {
    if (typeof a === 'number') return [nonNeg(a), nonNeg(a)];
    if (Array.isArray(a) && a.length === 2) return [nonNeg(a[0]), nonNeg(a[1])];
    return bad();
  };
  return [axis(value[0]), axis(value[1])];
}

const attrsOf = (node: OpNode<PadCrop2DAttrs>): PadCrop2DAttrs => node.attrs;

function outputShape(node: OpNode<PadCrop2DAttrs>, input: readonly number[]): number[] {
  const { sign, amounts } = attrsOf(node);
  if (input.length !== 4) {
    throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}) expects a 4-D input [N, H, W, C], got [${input.join(', ')}]`);
  }
  const h = input[1] + sign * (amounts[0][0] + amounts[0][1]);
  const w = input[2] + sign * (amounts[1][0] + amounts[1][1]);
  if (h <= 0 || w <= 0) {
    throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): cropping ${JSON.stringify(amounts)} leaves nothing of a ${input[1]}×${input[2]} input`);
  }
  return [input[0], h, w, input[3]];
}

export const padCrop2d = defineOp<PadCrop2DAttrs>({
  op: 'pad_crop2d',

  fromKeras(layer) {
    requireChannelsLast(layer);
    const cropping = layer.className === 'Cropping2D';
    const amounts = cropping
      ? parseAmounts2D(layer.config.cropping ?? [[0, 0], [0, 0]], layer, 'cropping')
      : parseAmounts2D(layer.config.padding ?? 1, layer, 'padding');
    return { op: 'pad_crop2d', attrs: { sign: cropping ? -1 : 1, amounts } satisfies PadCrop2DAttrs, weights: [] };
  },

  inferShape: (node, [input]) => outputShape(node, input),

  encode(node, { inputShapes, outputShape: out }) {
    const { sign, amounts } = attrsOf(node);
    const [, H, W, C] = inputShapes[0];
    const count = sizeOf(out);
    return [
      {
        label: `${node.name}/pad_crop2d`,
        shader: ['lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_channels_last_index.wgsl', 'pad_crop2d.wgsl'],
        constants: { WG },
        params: { count, inH: H, inW: W, channels: C, outH: out[1], outW: out[2], offY: sign * amounts[0][0], offX: sign * amounts[1][0] },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(count, WG),
        flops: 0,
      },
    ];
  },

  // Only padding: a Cropping2D removes data, which no window shift can undo.
  paddingOf(node) {
    const { sign, amounts } = attrsOf(node);
    if (sign !== 1 || amounts.flat().some((v) => v < 0)) return undefined;
    const [[top, bottom], [left, right]] = amounts;
    return { top, bottom, left, right };
  },
});
