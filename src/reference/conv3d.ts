/**
 * CPU reference of Keras Conv3D (channels-last, kernel [kd, kh, kw, cin, cout]), accumulated in
 * float64: the definition of correct that shaders/conv3d.wgsl is tested against.
 */
import type { Activation } from '../graph/ir.ts';
import { axisGeometry, type Conv3DGeometry } from '../geometry/window.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

/**
 * out[n, oz, oy, ox, co] = act(bias[co] + Σ_{kz, ky, kx, ci} in[n, iz, iy, ix, ci] · kernel[kz, ky, kx, ci, co]),
 * iz = oz·sd − padFront + kz·dd (likewise y, x); taps outside the input read zero.
 */
export function conv3dReference(
  input: Tensor,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  cout: number,
  geometry: Conv3DGeometry,
  act: Activation,
): Tensor {
  const [N, D, H, W, C] = input.shape;
  const [kd, kh, kw] = geometry.kernelSize;
  const [sd, sh, sw] = geometry.strides;
  const [dd, dh, dw] = geometry.dilation;
  const gz = axisGeometry(D, kd, sd, dd, geometry.padding);
  const gy = axisGeometry(H, kh, sh, dh, geometry.padding);
  const gx = axisGeometry(W, kw, sw, dw, geometry.padding);
  const [OD, OH, OW] = [gz.out, gy.out, gx.out];
  const x = input.data;
  const out = new Float32Array(N * OD * OH * OW * cout);
  const acc = new Float64Array(cout);
  for (let n = 0; n < N; n++) {
    for (let oz = 0; oz < OD; oz++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let co = 0; co < cout; co++) acc[co] = bias ? bias[co] : 0;
          for (let kz = 0; kz < kd; kz++) {
            const iz = oz * sd - gz.padBefore + kz * dd;
            if (iz < 0 || iz >= D) continue;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * sh - gy.padBefore + ky * dh;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * sw - gx.padBefore + kx * dw;
                if (ix < 0 || ix >= W) continue;
                const inBase = (((n * D + iz) * H + iy) * W + ix) * C;
                const wBase = ((kz * kh + ky) * kw + kx) * C * cout;
                for (let ci = 0; ci < C; ci++) {
                  const v = x[inBase + ci];
                  const wRow = wBase + ci * cout;
                  for (let co = 0; co < cout; co++) acc[co] += v * kernel[wRow + co];
                }
              }
            }
          }
          const outBase = (((n * OD + oz) * OH + oy) * OW + ox) * cout;
          for (let co = 0; co < cout; co++) out[outBase + co] = activate(act, acc[co]);
        }
      }
    }
  }
  return { shape: [N, OD, OH, OW, cout], data: out };
}
