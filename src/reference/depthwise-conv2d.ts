/**
 * CPU reference of Keras DepthwiseConv2D (channels-last, kernel [kh, kw, cin, depth_multiplier]),
 * accumulated in float64: the definition of correct for shaders/depthwise_conv2d_general.wgsl.
 */
import type { Activation } from '../graph/ir.ts';
import { depthwiseAxes, type DepthwiseGeometry } from '../geometry/window.ts';
import type { Tensor } from '../tensor.ts';
import { activate } from './activation.ts';

/**
 * out[n, oy, ox, c·M + m] = act(bias[c·M + m] + Σ_{ky, kx} in[n, iy, ix, c] · kernel[ky, kx, c, m]),
 * iy = oy·sh − padTop + ky·dh (likewise x), taps outside the input read zero (padTop includes the
 * explicit pads, so a folded ZeroPadding2D reads the same zeros it wrote); M is the depth
 * multiplier. Flattened, Keras' kernel is [kh·kw, cin·M] with output channels fastest, which is
 * why the output channel of input channel c and multiplier index m is c·M + m.
 */
export function depthwiseConv2dReference(
  input: Tensor,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  multiplier: number,
  geometry: DepthwiseGeometry,
  act: Activation,
): Tensor {
  const [N, H, W, C] = input.shape;
  const [kh, kw] = geometry.kernelSize;
  const [sh, sw] = geometry.strides;
  const [dh, dw] = geometry.dilation;
  const { gy, gx } = depthwiseAxes(H, W, geometry);
  const OH = gy.out;
  const OW = gx.out;
  const F = C * multiplier;
  const x = input.data;
  const out = new Float32Array(N * OH * OW * F);
  const acc = new Float64Array(F);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let f = 0; f < F; f++) acc[f] = bias ? bias[f] : 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - gy.padBefore + ky * dh;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - gx.padBefore + kx * dw;
            if (ix < 0 || ix >= W) continue;
            const inBase = ((n * H + iy) * W + ix) * C;
            const wBase = (ky * kw + kx) * F;
            for (let f = 0; f < F; f++) acc[f] += x[inBase + Math.floor(f / multiplier)] * kernel[wBase + f];
          }
        }
        const outBase = ((n * OH + oy) * OW + ox) * F;
        for (let f = 0; f < F; f++) out[outBase + f] = activate(act, acc[f]);
      }
    }
  }
  return { shape: [N, OH, OW, F], data: out };
}
