/** CPU reference of Dense on the last axis, accumulated in float64. */
import type { Activation } from '../graph/ir.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

export function denseReference(
  input: Tensor,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  units: number,
  act: Activation,
): Tensor {
  const K = input.shape[input.shape.length - 1];
  const rows = input.data.length / K;
  const out = new Float32Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < units; n++) {
      let acc = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) acc += input.data[r * K + k] * kernel[k * units + n];
      out[r * units + n] = activate(act, acc);
    }
  }
  return { shape: [...input.shape.slice(0, -1), units], data: out };
}
