/**
 * CPU reference of global pooling over every spatial axis of a channels-last tensor, in float64.
 * Rank-agnostic: [N, H, W, C] (GlobalAveragePooling2D) and [N, D, H, W, C] (3-D) are both read as
 * [N, S, C] with S the product of the spatial sizes.
 */
import type { Tensor } from '../tensor.ts';
import type { PoolMode } from '../geometry/window.ts';

/** Mean or max of each channel over all spatial positions; keepdims keeps the spatial axes as 1s. */
export function globalPoolReference(input: Tensor, mode: PoolMode, keepdims: boolean): Tensor {
  const shape = input.shape;
  const N = shape[0];
  const C = shape[shape.length - 1];
  let S = 1;
  for (let i = 1; i < shape.length - 1; i++) S *= shape[i];
  const out = new Float32Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let acc = mode === 'max' ? -Infinity : 0;
      for (let s = 0; s < S; s++) {
        const v = input.data[(n * S + s) * C + c];
        acc = mode === 'max' ? Math.max(acc, v) : acc + v;
      }
      out[n * C + c] = mode === 'max' ? acc : acc / S;
    }
  }
  const outShape = keepdims ? [N, ...shape.slice(1, -1).map(() => 1), C] : [N, C];
  return { shape: outShape, data: out };
}
