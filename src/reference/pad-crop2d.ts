/**
 * CPU reference of ZeroPadding2D / Cropping2D (channels-last): the definition of correct for
 * shaders/pad_crop2d.wgsl. Its output size is computed here from the amounts, not taken from the
 * op's shape rule.
 */
import { sizeOf, type Tensor } from '../tensor.ts';

/**
 * out[n, oy, ox, c] = in[n, oy − offY, ox − offX, c] or 0 outside, offY = sign · top (likewise x);
 * sign +1 pads, −1 crops; amounts are [[top, bottom], [left, right]].
 */
export function padCrop2dReference(input: Tensor, sign: 1 | -1, amounts: readonly (readonly number[])[]): Tensor {
  const [N, H, W, C] = input.shape;
  const OH = H + sign * (amounts[0][0] + amounts[0][1]);
  const OW = W + sign * (amounts[1][0] + amounts[1][1]);
  const shape = [N, OH, OW, C];
  const offY = sign * amounts[0][0];
  const offX = sign * amounts[1][0];
  const out = new Float32Array(sizeOf(shape));
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      const iy = oy - offY;
      if (iy < 0 || iy >= H) continue;
      for (let ox = 0; ox < OW; ox++) {
        const ix = ox - offX;
        if (ix < 0 || ix >= W) continue;
        const src = ((n * H + iy) * W + ix) * C;
        out.set(input.data.subarray(src, src + C), ((n * OH + oy) * OW + ox) * C);
      }
    }
  }
  return { shape, data: out };
}
