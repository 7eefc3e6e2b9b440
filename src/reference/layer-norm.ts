/** CPU reference of Keras 3 LayerNormalization over the last axis, in float64. */
import type { Tensor } from '../tensor.ts';

export interface LayerNormParams {
  epsilon: number;
  /** Absent when scale=False (then 1). */
  gamma?: Float32Array;
  /** Absent when center=False (then 0); ignored with rmsScaling. */
  beta?: Float32Array;
  /** Keras' rms_scaling: y = x / sqrt(var + ε) · gamma (the variance is still the centred one). */
  rmsScaling: boolean;
}

/**
 * Per row (the last axis, C values): y = (x − mean) / sqrt(var + ε) · gamma + beta with the
 * centred (population) variance, as ops.layer_normalization computes it via tf.nn.moments.
 */
export function layerNormReference(input: Tensor, p: LayerNormParams): Tensor {
  const C = input.shape[input.shape.length - 1];
  const x = input.data;
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += C) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += x[base + c];
    const mean = sum / C;
    let sq = 0;
    for (let c = 0; c < C; c++) sq += (x[base + c] - mean) ** 2;
    const r = 1 / Math.sqrt(sq / C + p.epsilon);
    for (let c = 0; c < C; c++) {
      const g = p.gamma ? p.gamma[c] : 1;
      out[base + c] = p.rmsScaling ? x[base + c] * r * g : (x[base + c] - mean) * r * g + (p.beta ? p.beta[c] : 0);
    }
  }
  return { shape: [...input.shape], data: out };
}
