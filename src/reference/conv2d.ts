/**
 * CPU reference of Keras Conv2D (channels-last, HWIO kernel), accumulated in float64: the
 * definition of correct that the GPU kernel is tested against.
 */
import type { Activation } from '../graph/ir.ts';
import { axisGeometry, type Conv2DGeometry } from '../geometry/window.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

/**
 * out[n, oy, ox, co] = act(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, g·cg + ci] · kernel[ky, kx, ci, co]),
 * iy = oy·sh − padTop + ky·dh (likewise x); taps outside the input read zero; g = the group of
 * co (co div cout/groups), ci < cg = cin/groups. `kernel` is [kh, kw, cin/groups, cout] as Keras
 * stores it.
 */
export function conv2dReference(
  input: Tensor,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  cout: number,
  geometry: Conv2DGeometry,
  act: Activation,
): Tensor {
  const [N, H, W, C] = input.shape;
  const [kh, kw] = geometry.kernelSize;
  const [sh, sw] = geometry.strides;
  const [dh, dw] = geometry.dilation;
  const gy = axisGeometry(H, kh, sh, dh, geometry.padding);
  const gx = axisGeometry(W, kw, sw, dw, geometry.padding);
  const OH = gy.out;
  const OW = gx.out;
  const groups = geometry.groups ?? 1;
  const cg = C / groups; // input channels per group
  const fg = cout / groups; // filters per group
  const x = input.data;
  const out = new Float32Array(N * OH * OW * cout);
  const acc = new Float64Array(cout);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let co = 0; co < cout; co++) acc[co] = bias ? bias[co] : 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - gy.padBefore + ky * dh;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - gx.padBefore + kx * dw;
            if (ix < 0 || ix >= W) continue;
            const inBase = ((n * H + iy) * W + ix) * C;
            const wBase = (ky * kw + kx) * cg * cout;
            for (let g = 0; g < groups; g++) {
              for (let ci = 0; ci < cg; ci++) {
                const v = x[inBase + g * cg + ci];
                const wRow = wBase + ci * cout;
                for (let co = g * fg; co < (g + 1) * fg; co++) acc[co] += v * kernel[wRow + co];
              }
            }
          }
        }
        const outBase = ((n * OH + oy) * OW + ox) * cout;
        for (let co = 0; co < cout; co++) out[outBase + co] = activate(act, acc[co]);
      }
    }
  }
  return { shape: [N, OH, OW, cout], data: out };
}
