/**
 * CPU reference of the 3-D re-indexing layers (ZeroPadding3D, Cropping3D, UpSampling3D nearest):
 * out[n, oz, oy, ox, c] = in[n, floor((oz − shift[0]) / scale[0]), ...], or 0 outside the input.
 */
import type { Reindex3DGeometry } from '../geometry/window.ts';
import type { Tensor } from '../tensor.ts';

/** Copies each output voxel of shape `outSpatial` ([D, H, W]) from its input voxel, or zero. */
export function reindex3dReference(input: Tensor, g: Reindex3DGeometry, outSpatial: readonly number[]): Tensor {
  const [N, D, H, W, C] = input.shape;
  const inDims = [D, H, W];
  const [OD, OH, OW] = outSpatial;
  const out = new Float32Array(N * OD * OH * OW * C);
  // Input index along axis a for output index o, or −1 for padding.
  const src = (a: number, o: number): number => {
    const s = o - g.shift[a];
    return s >= 0 && s < g.scale[a] * inDims[a] ? Math.floor(s / g.scale[a]) : -1;
  };
  for (let n = 0; n < N; n++) {
    for (let oz = 0; oz < OD; oz++) {
      const iz = src(0, oz);
      for (let oy = 0; oy < OH; oy++) {
        const iy = src(1, oy);
        for (let ox = 0; ox < OW; ox++) {
          const ix = src(2, ox);
          if (iz < 0 || iy < 0 || ix < 0) continue; // stays 0
          const from = (((n * D + iz) * H + iy) * W + ix) * C;
          out.set(input.data.subarray(from, from + C), (((n * OD + oz) * OH + oy) * OW + ox) * C);
        }
      }
    }
  }
  return { shape: [N, OD, OH, OW, C], data: out };
}
