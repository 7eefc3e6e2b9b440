/**
 * CPU reference of Keras Conv2DTranspose (channels-last, kernel [kh, kw, filters, cin]) as
 * TensorFlow computes it (tf.nn.conv_transpose = the gradient of a conv2d whose input is this
 * op's output), accumulated in float64: the definition of correct for conv2d_transpose.wgsl.
 */
import type { Activation } from '../graph/ir.ts';
import { transposeAxis, type Conv2DTransposeGeometry } from '../geometry/window.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

/**
 * out[n, oy, ox, co] = act(bias[co] + Σ in[n, iy, ix, ci] · kernel[ky, kx, co, ci]) over all
 * (iy, ky) with iy·sh − padTop + ky = oy (likewise x): each input pixel scatters its kernel-sized
 * patch, stride apart, shifted up/left by the padding; written here as a gather over output pixels.
 */
export function conv2dTransposeReference(
  input: Tensor,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  filters: number,
  geometry: Conv2DTransposeGeometry,
  act: Activation,
): Tensor {
  const [N, H, W, C] = input.shape;
  const [kh, kw] = geometry.kernelSize;
  const [sh, sw] = geometry.strides;
  const gy = transposeAxis(H, kh, sh, geometry.padding, geometry.outputPadding?.[0] ?? null);
  const gx = transposeAxis(W, kw, sw, geometry.padding, geometry.outputPadding?.[1] ?? null);
  const OH = gy.out;
  const OW = gx.out;
  const F = filters;
  const x = input.data;
  const out = new Float32Array(N * OH * OW * F);
  const acc = new Float64Array(F);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let co = 0; co < F; co++) acc[co] = bias ? bias[co] : 0;
        for (let ky = 0; ky < kh; ky++) {
          const ty = oy + gy.padBefore - ky;
          if (ty < 0 || ty % sh !== 0 || ty / sh >= H) continue;
          const iy = ty / sh;
          for (let kx = 0; kx < kw; kx++) {
            const tx = ox + gx.padBefore - kx;
            if (tx < 0 || tx % sw !== 0 || tx / sw >= W) continue;
            const inBase = ((n * H + iy) * W + tx / sw) * C;
            const wBase = (ky * kw + kx) * F * C;
            for (let co = 0; co < F; co++) {
              let s = 0;
              for (let ci = 0; ci < C; ci++) s += x[inBase + ci] * kernel[wBase + co * C + ci];
              acc[co] += s;
            }
          }
        }
        const outBase = ((n * OH + oy) * OW + ox) * F;
        for (let co = 0; co < F; co++) out[outBase + co] = activate(act, acc[co]);
      }
    }
  }
  return { shape: [N, OH, OW, F], data: out };
}
