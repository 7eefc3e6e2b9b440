/** CPU reference of Keras PReLU: the definition of correct for shaders/prelu.wgsl. */
import type { Tensor } from '../tensor.ts';

/**
 * y = x for x ≥ 0, alpha · x otherwise; alpha has the input's shape without the batch, with size 1
 * on Keras' shared_axes, and is indexed here coordinate by coordinate (no broadcast strides).
 */
export function preluReference(input: Tensor, alpha: Float32Array, alphaShape: readonly number[]): Tensor {
  const shape = input.shape;
  const a = [1, ...alphaShape];
  if (a.length !== shape.length || a.some((d, i) => d !== 1 && d !== shape[i])) {
    throw new Error(`reference prelu: alpha [${alphaShape.join(', ')}] does not fit input [${shape.join(', ')}]`);
  }
  const out = new Float32Array(input.data.length);
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off = off * a[d] + (a[d] === 1 ? 0 : coord[d]);
    const x = input.data[i];
    out[i] = x >= 0 ? x : alpha[off] * x;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
  return { shape: [...shape], data: out };
}
