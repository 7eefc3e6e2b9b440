/**
 * CPU reference of Keras MaxPooling3D / AveragePooling3D (channels-last), in float64.
 * Padding follows TensorFlow: padded cells never take part (max ignores them, average divides by
 * the number of REAL cells under the window), as in the 2-D reference (./pool2d.ts).
 */
import { axisGeometry, type Pool3DGeometry, type PoolMode } from '../geometry/window.ts';
import type { Tensor } from '../tensor.ts';

/** Pools each channel of `input` ([N, D, H, W, C]) over windows of `geometry.poolSize`. */
export function pool3dReference(input: Tensor, mode: PoolMode, geometry: Pool3DGeometry): Tensor {
  const [N, D, H, W, C] = input.shape;
  const dims = [D, H, W];
  const g = dims.map((size, a) => axisGeometry(size, geometry.poolSize[a], geometry.strides[a], 1, geometry.padding));
  const [OD, OH, OW] = g.map((x) => x.out);
  // The window along axis a for output index o, clipped to the input.
  const range = (a: number, o: number): [number, number] => {
    const lo = o * geometry.strides[a] - g[a].padBefore;
    return [Math.max(lo, 0), Math.min(lo + geometry.poolSize[a], dims[a])];
  };
  const x = input.data;
  const out = new Float32Array(N * OD * OH * OW * C);
  let at = 0;
  for (let n = 0; n < N; n++) {
    for (let oz = 0; oz < OD; oz++) {
      const [zLo, zHi] = range(0, oz);
      for (let oy = 0; oy < OH; oy++) {
        const [yLo, yHi] = range(1, oy);
        for (let ox = 0; ox < OW; ox++) {
          const [xLo, xHi] = range(2, ox);
          const count = (zHi - zLo) * (yHi - yLo) * (xHi - xLo);
          for (let c = 0; c < C; c++) {
            let acc = mode === 'max' ? -Infinity : 0;
            for (let iz = zLo; iz < zHi; iz++) {
              for (let iy = yLo; iy < yHi; iy++) {
                for (let ix = xLo; ix < xHi; ix++) {
                  const v = x[(((n * D + iz) * H + iy) * W + ix) * C + c];
                  acc = mode === 'max' ? Math.max(acc, v) : acc + v;
                }
              }
            }
            out[at++] = mode === 'max' ? acc : acc / count;
          }
        }
      }
    }
  }
  return { shape: [N, OD, OH, OW, C], data: out };
}
