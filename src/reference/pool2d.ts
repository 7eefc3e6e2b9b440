/**
 * CPU reference of Keras MaxPooling2D / AveragePooling2D (channels-last), in float64.
 *
 * Padding follows TensorFlow: padded cells never take part. Max ignores them, and average divides
 * by the number of REAL cells under the window (so a 'same' corner window of a 3×3 pool averages
 * 4 values, not 9 with zeros). With TF's 'same' rule every window holds at least one real cell.
 */
import { axisGeometry, type Pool2DGeometry, type PoolMode } from '../geometry/window.ts';
import type { Tensor } from '../tensor.ts';

/** Pools each channel of `input` ([N, H, W, C]) over windows of `geometry.poolSize`. */
export function pool2dReference(input: Tensor, mode: PoolMode, geometry: Pool2DGeometry): Tensor {
  const [N, H, W, C] = input.shape;
  const [ph, pw] = geometry.poolSize;
  const [sh, sw] = geometry.strides;
  const gy = axisGeometry(H, ph, sh, 1, geometry.padding);
  const gx = axisGeometry(W, pw, sw, 1, geometry.padding);
  const OH = gy.out;
  const OW = gx.out;
  const x = input.data;
  const out = new Float32Array(N * OH * OW * C);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      // Clip the window to the input instead of testing every cell.
      const y0 = oy * sh - gy.padBefore;
      const yLo = Math.max(y0, 0);
      const yHi = Math.min(y0 + ph, H);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * sw - gx.padBefore;
        const xLo = Math.max(x0, 0);
        const xHi = Math.min(x0 + pw, W);
        const count = (yHi - yLo) * (xHi - xLo);
        for (let c = 0; c < C; c++) {
          let acc = mode === 'max' ? -Infinity : 0;
          for (let iy = yLo; iy < yHi; iy++) {
            for (let ix = xLo; ix < xHi; ix++) {
              const v = x[((n * H + iy) * W + ix) * C + c];
              acc = mode === 'max' ? Math.max(acc, v) : acc + v;
            }
          }
          out[((n * OH + oy) * OW + ox) * C + c] = mode === 'max' ? acc : acc / count;
        }
      }
    }
  }
  return { shape: [N, OH, OW, C], data: out };
}
