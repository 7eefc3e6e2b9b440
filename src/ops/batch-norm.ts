/**
 * BatchNormalization, inference form, on the last (channel) axis of a tensor of any rank:
 * y = gamma · (x − moving_mean) / sqrt(moving_variance + epsilon) + beta.
 *
 * Usually a graph pass folds it into the preceding conv/dense (see src/compile/passes). When it
 * cannot (after a merge, or on a graph input) it runs as shaders/scale_shift.wgsl with
 * scale = gamma / sqrt(var + eps) and shift = beta − mean · scale, computed here in float64 and
 * rounded once to float32. A following activation can be fused into it.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { ActivationKind, LINEAR, type Activation, type WeightTensor } from '../graph/ir.ts';
import { scaleShiftStep } from './scale-shift.ts';
import { defineOp, POINTWISE, type OpNode } from './types.ts';
import { requireWeight } from './util.ts';

export interface BatchNormAttrs {
  /** Keras axis as saved (-1, or the positive index of the last axis). */
  axis: number;
  epsilon: number;
  /** Fused activation; LINEAR unless a pass fused one. */
  activation: Activation;
}

/** The layer's parameters by role (gamma/beta absent when Keras' scale/center flags were off). */
export interface BatchNormParams {
  gamma?: Float32Array;
  beta?: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

const weight = (node: OpNode<BatchNormAttrs>, name: string): WeightTensor | undefined => node.weights.find((w) => w.name === name);

/** The node's weights by role (gamma/beta absent when Keras' scale/center flags were off). */
export function batchNormParams(node: OpNode<BatchNormAttrs>): BatchNormParams {
  const { epsilon } = node.attrs;
  return {
    gamma: weight(node, 'gamma')?.data,
    beta: weight(node, 'beta')?.data,
    mean: weight(node, 'moving_mean')!.data,
    variance: weight(node, 'moving_variance')!.data,
    epsilon,
  };
}

/** Per-channel scale and shift equivalent to the node, computed in float64 then rounded to float32. */
export function batchNormScaleShift(node: OpNode<BatchNormAttrs>): { scale: Float32Array; shift: Float32Array } {
  const p = batchNormParams(node);
  const C = p.mean.length;
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const s = (p.gamma ? p.gamma[c] : 1) / Math.sqrt(p.variance[c] + p.epsilon);
    scale[c] = s;
    shift[c] = (p.beta ? p.beta[c] : 0) - p.mean[c] * s;
  }
  return { scale, shift };
}

const activationOf = (node: OpNode<BatchNormAttrs>): Activation => node.attrs.activation ?? LINEAR;

export const batchNorm = defineOp<BatchNormAttrs>({
  op: 'batch_norm',
  footprint: () => POINTWISE,

  fromKeras(layer) {
    const { config } = layer;
    let axis: unknown = config.axis ?? -1;
    // Keras 2 saves the axis of a built layer as a one-element list.
    if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
    if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -1 || axis === 0) {
      throw new UnsupportedLayerError(
        layer.name,
        layer.className,
        `axis ${JSON.stringify(config.axis)}: only the last (channel) axis is supported, as in channels-last models`,
      );
    }
    const weights: WeightTensor[] = [];
    let k = 0;
    if (config.scale !== false) weights.push(requireWeight(layer, k++, 'gamma'));
    if (config.center !== false) weights.push(requireWeight(layer, k++, 'beta'));
    weights.push(requireWeight(layer, k++, 'moving_mean'), requireWeight(layer, k++, 'moving_variance'));
    const epsilon = config.epsilon === undefined ? 1e-3 : config.epsilon;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
      throw new UnsupportedLayerError(layer.name, layer.className, `epsilon ${String(config.epsilon)} must be a finite number ≥ 0`);
    }
    return { op: 'batch_norm', attrs: { axis, epsilon, activation: LINEAR } satisfies BatchNormAttrs, weights };
  },

  inferShape(node, [input]) {
    const { axis } = node.attrs;
    const rank = input.length;
    if (rank < 2 || (axis !== -1 && axis !== rank - 1)) {
      throw new UnsupportedLayerError(
        node.name,
        node.kerasClass,
        `axis ${axis} of a rank-${rank} input: only the last (channel) axis is supported, as in channels-last models`,
      );
    }
    const C = input[rank - 1];
    for (const w of node.weights) {
      if (w.data.length !== C) {
        throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}) has ${w.data.length} values of ${w.name} for ${C} channels (input [${input.join(', ')}])`);
      }
    }
    return [...input];
  },

  encode(node, { outputShape }) {
    const { scale, shift } = batchNormScaleShift(node);
    return [scaleShiftStep(node, outputShape, scale, shift, activationOf(node))];
  },

  fuseActivation(node, act) {
    if (activationOf(node).kind !== ActivationKind.Linear) return undefined;
    return { ...node, attrs: { ...node.attrs, activation: act } };
  },

  scaleShiftOf: (node) => ({ ...batchNormScaleShift(node), activation: activationOf(node) }),
});
