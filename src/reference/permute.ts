/** CPU reference of Keras Permute: the definition of correct for shaders/permute.wgsl. */
import { stridesOf, type Tensor } from '../tensor.ts';

/** out coordinate d ↔ input axis perm[d] (perm includes the batch axis, which stays 0). */
export function permuteReference(input: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => input.shape[p]);
  const inStrides = stridesOf(input.shape);
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(input.data.length);
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += coord[d] * strides[d];
    out[i] = input.data[off];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
  return { shape, data: out };
}
