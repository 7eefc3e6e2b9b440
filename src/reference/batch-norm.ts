/** CPU reference of BatchNormalization (inference form) on the last axis, in float64. */
import type { Activation } from '../graph/ir.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

export interface BatchNormParams {
  /** Absent when the layer has scale=False (then 1). */
  gamma?: Float32Array;
  /** Absent when the layer has center=False (then 0). */
  beta?: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** y = gamma · (x − mean) / sqrt(variance + epsilon) + beta per channel (last axis), then `act`. */
export function batchNormReference(input: Tensor, p: BatchNormParams, act: Activation): Tensor {
  const C = input.shape[input.shape.length - 1];
  const out = new Float32Array(input.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % C;
    const g = p.gamma ? p.gamma[c] : 1;
    const b = p.beta ? p.beta[c] : 0;
    out[i] = activate(act, (g * (input.data[i] - p.mean[c])) / Math.sqrt(p.variance[c] + p.epsilon) + b);
  }
  return { shape: [...input.shape], data: out };
}
