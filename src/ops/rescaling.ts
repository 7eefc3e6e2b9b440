/**
 * Rescaling(scale, offset): y = x · scale + offset, each a scalar or one value per channel (last
 * axis). Runs the BatchNormalization kernel (shaders/scale_shift.wgsl) with the values expanded
 * to one per channel; a following activation can be fused into it.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { ActivationKind, LINEAR, type Activation } from '../graph/ir.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { scaleShiftStep } from './scale-shift.ts';
import { defineOp, POINTWISE, type OpNode } from './types.ts';

export interface RescalingAttrs {
  /** One value (all channels) or one per channel. */
  scale: number[];
  offset: number[];
  activation: Activation;
}

/** A Keras scalar or (nested) list of numbers as a flat list. */
function numbers(layer: KerasLayer, key: string, fallback: number): number[] {
  const v = layer.config[key] ?? fallback;
  const flat = (Array.isArray(v) ? v.flat(Infinity) : [v]) as unknown[];
  if (flat.length === 0 || flat.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new UnsupportedLayerError(layer.name, layer.className, `${key} ${JSON.stringify(v)} is not a number or a list of numbers`);
  }
  return flat as number[];
}

const attrsOf = (node: OpNode<RescalingAttrs>): RescalingAttrs => {
  const a = (node.attrs as Partial<RescalingAttrs>);
  return { scale: a.scale!, offset: a.offset!, activation: a.activation ?? LINEAR };
};

/** `values` as one float32 per channel. */
const perChannel = (values: readonly number[], C: number): Float32Array =>
  Float32Array.from({ length: C }, (_, c) => values[values.length === 1 ? 0 : c]);

export const rescaling = defineOp<RescalingAttrs>({
  op: 'rescaling',
  footprint: () => POINTWISE,

  fromKeras(layer) {
    const attrs: RescalingAttrs = { scale: numbers(layer, 'scale', 1), offset: numbers(layer, 'offset', 0), activation: LINEAR };
    return { op: 'rescaling', attrs: { ...attrs }, weights: [] };
  },

  inferShape(node, [input]) {
    const { scale, offset } = attrsOf(node);
    const C = input[input.length - 1];
    for (const [what, v] of [['scale', scale], ['offset', offset]] as const) {
      if (v.length !== 1 && v.length !== C) {
        throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): ${what} has ${v.length} values, expected 1 or ${C} (one per channel of [${input.join(', ')}])`);
      }
    }
    return [...input];
  },

  encode(node, { outputShape }) {
    const { scale, offset, activation } = attrsOf(node);
    const C = outputShape[outputShape.length - 1];
    return [scaleShiftStep(node, outputShape, perChannel(scale, C), perChannel(offset, C), activation)];
  },

  fuseActivation(node, act) {
    if (attrsOf(node).activation.kind !== ActivationKind.Linear) return undefined;
    return { ...node, attrs: { ...node.attrs, activation: act } };
  },
});
