/**
 * LayerNormalization over the last axis (axis −1, or the last axis by number): mean and variance
 * per pixel across its channels, then gamma/beta per channel; center/scale flags and rms_scaling.
 * Kernel: shaders/layer_norm.wgsl; reference: src/reference/layer-norm.ts.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import type { WeightTensor } from '../graph/ir.ts';
import { sizeOf } from '../tensor.ts';
import { dispatch1D } from './dispatch.ts';
import { defineOp, type OpNode } from './types.ts';
import { requireWeight } from './util.ts';

/** Node attributes. Weights: gamma (if scale), beta (if center), each [C]. */
export interface LayerNormAttrs {
  /** −1, or the positive index of the last axis (checked against the input's rank). */
  axis: number;
  epsilon: number;
  rmsScaling: boolean;
}

const WG = 64;

const attrsOf = (node: OpNode<LayerNormAttrs>): LayerNormAttrs => node.attrs;
const weight = (node: OpNode<LayerNormAttrs>, name: string): WeightTensor | undefined => node.weights.find((w) => w.name === name);

export const layerNorm = defineOp<LayerNormAttrs>({
  op: 'layer_norm',

  fromKeras(layer) {
    const c = layer.config;
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : (c.axis ?? -1);
    if (typeof axis !== 'number' || !Number.isInteger(axis) || axis === 0 || axis < -1) {
      throw new UnsupportedLayerError(layer.name, layer.className, `axis ${JSON.stringify(c.axis)}: only the last axis is supported`);
    }
    const weights: WeightTensor[] = [];
    let k = 0;
    // As Keras 3 builds it: rms_scaling keeps gamma even with scale=False and has no beta.
    const rms = c.rms_scaling === true;
    if (c.scale !== false || rms) weights.push(requireWeight(layer, k++, 'gamma'));
    if (c.center !== false && !rms) weights.push(requireWeight(layer, k++, 'beta'));
    const epsilon = c.epsilon === undefined ? 1e-3 : c.epsilon;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
      throw new UnsupportedLayerError(layer.name, layer.className, `epsilon ${String(c.epsilon)} must be a finite number ≥ 0`);
    }
    const attrs: LayerNormAttrs = { axis, epsilon, rmsScaling: rms };
    return { op: 'layer_norm', attrs: attrs, weights };
  },

  inferShape(node, [input]) {
    const { axis } = attrsOf(node);
    if (axis !== -1 && axis !== input.length - 1) {
      throw new UnsupportedLayerError(node.name, node.kerasClass, `axis ${axis} of a rank-${input.length} input: only the last axis is supported`);
    }
    const C = input[input.length - 1];
    for (const w of node.weights) {
      if (w.data.length !== C) throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}) has ${w.data.length} values of ${w.name} for ${C} channels`);
    }
    return [...input];
  },

  encode(node, { outputShape }) {
    const a = attrsOf(node);
    const C = outputShape[outputShape.length - 1];
    const rows = sizeOf(outputShape) / C;
    return [
      {
        label: `${node.name}/layer_norm`,
        shader: ['lib_nan.wgsl', 'lib_flat_main.wgsl', 'lib_input_output.wgsl', 'layer_norm.wgsl'],
        constants: { WG, RMS_SCALING: a.rmsScaling ? 1 : 0 },
        params: { rows, channels: C, epsilon: a.epsilon },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          gamma: { kind: 'constant', data: weight(node, 'gamma')?.data ?? new Float32Array(C).fill(1), label: `${node.name}/gamma` },
          beta: { kind: 'constant', data: weight(node, 'beta')?.data ?? new Float32Array(C), label: `${node.name}/beta` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(rows, WG),
        flops: 7 * sizeOf(outputShape),
      },
    ];
  },
});
