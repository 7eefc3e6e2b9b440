/** CPU reference of Keras Normalization (a preprocessing layer inside a model), in float64. */
import type { Activation } from '../graph/ir.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

/** keras.backend.epsilon(), the floor Keras puts under sqrt(variance). */
const KERAS_EPSILON = 1e-7;

/**
 * y = (x − mean) / max(sqrt(variance), ε) per channel (last axis), or x · max(sqrt(variance), ε) +
 * mean with invert; mean and variance hold one value (axis=None) or one per channel; then `act`.
 */
export function normalizationReference(
  input: Tensor,
  mean: readonly number[],
  variance: readonly number[],
  invert: boolean,
  act: Activation,
): Tensor {
  const C = input.shape[input.shape.length - 1];
  const out = new Float32Array(input.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % C;
    const m = mean.length === 1 ? mean[0] : mean[c];
    const s = Math.max(Math.sqrt(variance.length === 1 ? variance[0] : variance[c]), KERAS_EPSILON);
    out[i] = activate(act, invert ? m + input.data[i] * s : (input.data[i] - m) / s);
  }
  return { shape: [...input.shape], data: out };
}
