/**
 * CPU reference of Keras Conv3DTranspose (channels-last, kernel [kd, kh, kw, filters, cin]) as
 * TensorFlow computes it (conv3d_transpose = the gradient of a conv3d whose input is this op's
 * output), accumulated in float64: the definition of correct for conv3d_transpose.wgsl. The
 * per-axis size and padding rule is the 2-D one (transposeAxis).
 */
import type { Activation } from '../graph/ir.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';
import { transposeAxes3, type Conv3DTransposeGeometry } from '../geometry/window.ts';

/**
 * out[n, oz, oy, ox, co] = act(bias[co] + Σ in[n, iz, iy, ix, ci] · kernel[kz, ky, kx, co, ci])
 * over all (iz, kz) with iz·sd − padFront + kz = oz (likewise y, x): each input voxel scatters its
 * kernel-sized patch, stride apart; written here as that scatter, in float64.
 */
export function conv3dTransposeReference(
  input: Tensor,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  filters: number,
  g: Conv3DTransposeGeometry,
  act: Activation,
): Tensor {
  const [N, D, H, W, C] = input.shape;
  const [kd, kh, kw] = g.kernelSize;
  const [sd, sh, sw] = g.strides;
  const [az, ay, ax] = transposeAxes3(g, input.shape);
  const [OD, OH, OW] = [az.out, ay.out, ax.out];
  const acc = new Float64Array(N * OD * OH * OW * filters);
  for (let n = 0; n < N; n++) {
    for (let iz = 0; iz < D; iz++) {
      for (let iy = 0; iy < H; iy++) {
        for (let ix = 0; ix < W; ix++) {
          const inBase = (((n * D + iz) * H + iy) * W + ix) * C;
          for (let kz = 0; kz < kd; kz++) {
            const oz = iz * sd - az.padBefore + kz;
            if (oz < 0 || oz >= OD) continue;
            for (let ky = 0; ky < kh; ky++) {
              const oy = iy * sh - ay.padBefore + ky;
              if (oy < 0 || oy >= OH) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ox = ix * sw - ax.padBefore + kx;
                if (ox < 0 || ox >= OW) continue;
                const outBase = (((n * OD + oz) * OH + oy) * OW + ox) * filters;
                const wBase = ((kz * kh + ky) * kw + kx) * filters * C;
                for (let co = 0; co < filters; co++) {
                  let s = 0;
                  for (let ci = 0; ci < C; ci++) s += input.data[inBase + ci] * kernel[wBase + co * C + ci];
                  acc[outBase + co] += s;
                }
              }
            }
          }
        }
      }
    }
  }
  const out = new Float32Array(acc.length);
  for (let i = 0; i < out.length; i++) out[i] = activate(act, acc[i] + (bias ? bias[i % filters] : 0));
  return { shape: [N, OD, OH, OW, filters], data: out };
}
