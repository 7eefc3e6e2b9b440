/** CPU reference of softmax along one axis, in float64 (max subtracted, as every framework does). */
import type { Tensor } from '../tensor.ts';

/** Softmax of `input` along `axis` (already normalised to 0 ≤ axis < rank). */
export function softmaxReference(input: Tensor, axis: number): Tensor {
  const shape = input.shape;
  const n = shape[axis];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const outer = input.data.length / (n * inner);
  const out = new Float32Array(input.data.length);
  const e = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, input.data[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += e[k] = Math.exp(input.data[base + k * inner] - m);
      for (let k = 0; k < n; k++) out[base + k * inner] = e[k] / sum;
    }
  }
  return { shape: [...shape], data: out };
}
