/** CPU reference of Rescaling on the last axis, in float64. */
import type { Activation } from '../graph/ir.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

/** y = x · scale + offset, each a scalar (length 1) or one value per channel (last axis), then `act`. */
export function rescalingReference(input: Tensor, scale: readonly number[], offset: readonly number[], act: Activation): Tensor {
  const C = input.shape[input.shape.length - 1];
  const out = new Float32Array(input.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % C;
    out[i] = activate(act, input.data[i] * scale[scale.length === 1 ? 0 : c] + offset[offset.length === 1 ? 0 : c]);
  }
  return { shape: [...input.shape], data: out };
}
