/**
 * Keras Normalization (preprocessing layer inside a model): y = (x − mean) / max(sqrt(variance), ε)
 * per channel (axis −1), or the inverse x · max(sqrt(variance), ε) + mean with invert=True; ε is
 * Keras' backend epsilon 1e-7. mean/variance come from the layer's weights when it was adapted
 * (Keras 3 stores mean, variance and count as weights) or from its config when they were passed
 * in; axis=None (one mean for the whole tensor) broadcasts a scalar. It runs as shaders/scale_shift.wgsl with
 * scale and shift computed here in float64, so it costs what a BatchNormalization costs.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { ActivationKind, LINEAR, type Activation } from '../graph/ir.ts';
import { scaleShiftStep } from './scale-shift.ts';
import { defineOp, type OpNode } from './types.ts';
import { requireWeight } from './util.ts';

/** Node attributes; mean and variance hold one value (axis=None) or one per channel. */
export interface NormalizationAttrs {
  /** −1 or the positive index of the last axis (per channel), or null (one value for everything). */
  axis: number | null;
  mean: number[];
  variance: number[];
  invert: boolean;
  activation: Activation;
}

/** keras.backend.epsilon(), the floor Keras puts under sqrt(variance). */
const KERAS_EPSILON = 1e-7;

const attrsOf = (node: OpNode<NormalizationAttrs>): NormalizationAttrs => node.attrs;

function values(v: unknown, layer: KerasLayer, what: string): number[] {
  const flat = (Array.isArray(v) ? v.flat(Infinity) : [v]) as unknown[];
  if (flat.length === 0 || flat.some((x) => typeof x !== 'number')) {
    throw new UnsupportedLayerError(layer.name, layer.className, `${what} ${JSON.stringify(v)} is not a number or a list of numbers`);
  }
  return flat as number[];
}

/** Per-channel scale and shift (float64, rounded once) of y = x · scale + shift for C channels. */
function scaleShift(a: NormalizationAttrs, C: number): { scale: Float64Array; shift: Float64Array } {
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const m = a.mean.length === 1 ? a.mean[0] : a.mean[c];
    const s = Math.max(Math.sqrt(a.variance.length === 1 ? a.variance[0] : a.variance[c]), KERAS_EPSILON);
    scale[c] = a.invert ? s : 1 / s;
    shift[c] = a.invert ? m : -m / s;
  }
  return { scale, shift };
}

export const normalization = defineOp<NormalizationAttrs>({
  op: 'normalization',

  fromKeras(layer) {
    const c = layer.config;
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis;
    // A positive axis (EfficientNet saves axis=3) must be the last one: checked against the rank in inferShape.
    if (axis !== null && (typeof axis !== 'number' || !Number.isInteger(axis) || axis === 0 || axis < -1)) {
      throw new UnsupportedLayerError(layer.name, layer.className, `axis ${JSON.stringify(c.axis)}: only the last axis (per channel) and None are supported`);
    }
    let mean: number[];
    let variance: number[];
    if (c.mean != null) {
      mean = values(c.mean, layer, 'mean');
      variance = values(c.variance, layer, 'variance');
    } else {
      // Adapted layer: weights mean, variance, count (count is bookkeeping only).
      mean = [...requireWeight(layer, 0, 'mean').data];
      variance = [...requireWeight(layer, 1, 'variance').data];
    }
    const attrs: NormalizationAttrs = { axis, mean, variance, invert: c.invert === true, activation: LINEAR };
    return { op: 'normalization', attrs: attrs, weights: [] };
  },

  inferShape(node, [input]) {
    const a = attrsOf(node);
    if (typeof a.axis === 'number' && a.axis !== -1 && a.axis !== input.length - 1) {
      throw new UnsupportedLayerError(node.name, node.kerasClass, `axis ${a.axis} of a rank-${input.length} input: only the last axis (per channel) and None are supported`);
    }
    const C = input[input.length - 1];
    for (const [what, v] of [['mean', a.mean], ['variance', a.variance]] as const) {
      if (v.length !== 1 && v.length !== C) {
        throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}) has ${v.length} ${what} values for ${C} channels (input [${input.join(', ')}])`);
      }
    }
    return [...input];
  },

  encode(node, { outputShape }) {
    const a = attrsOf(node);
    const { scale, shift } = scaleShift(a, outputShape[outputShape.length - 1]);
    return [scaleShiftStep(node, outputShape, Float32Array.from(scale), Float32Array.from(shift), a.activation)];
  },

  fuseActivation(node, act) {
    if (attrsOf(node).activation.kind !== ActivationKind.Linear) return undefined;
    return { ...node, attrs: { ...node.attrs, activation: act } };
  },
});
