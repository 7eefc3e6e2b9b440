/** CPU reference of concatenation along one axis (0 ≤ axis < rank). */
import { sizeOf, type Tensor } from '../tensor.ts';

export function concatenateReference(inputs: readonly Tensor[], axis: number): Tensor {
  const shape = [...inputs[0].shape];
  shape[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0);
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const out = new Float32Array(sizeOf(shape));
  let offset = 0;
  for (const t of inputs) {
    const len = t.shape[axis];
    for (let o = 0; o < outer; o++) {
      for (let a = 0; a < len; a++) {
        for (let i = 0; i < inner; i++) {
          out[(o * shape[axis] + offset + a) * inner + i] = t.data[(o * len + a) * inner + i];
        }
      }
    }
    offset += len;
  }
  return { shape, data: out };
}
