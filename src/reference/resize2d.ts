/**
 * CPU reference of bilinear image resizing, exactly as `tf.image.resize(images, size,
 * method='bilinear', antialias=False)` computes it (TensorFlow's ResizeBilinear kernel with
 * `half_pixel_centers=True`, `align_corners=False`). This is what Keras'
 * `image_dataset_from_directory` and `keras.layers.Resizing` do, so a model trained on those
 * pipelines sees the same pixels here. It is the definition of correct for the GPU resize kernel.
 *
 * For output index `o` along an axis of input size `in` and output size `out`:
 *
 *     scale = in / out                       (float32)
 *     x     = (o + 0.5) * scale - 0.5        (float32; the centre of output pixel o in input coordinates)
 *     lo    = max(floor(x), 0)
 *     hi    = min(ceil(x), in - 1)
 *     t     = x - floor(x)
 *
 * and the value is `top + (bottom - top) * ty` with `top = a + (b - a) * tx` (likewise bottom), all in
 * float32 as TensorFlow does. Near the borders `x` can be negative or past `in - 1`: both indices then
 * clamp to the same edge pixel, so the edge is repeated (no zero padding). There is no antialiasing:
 * downscaling by more than 2× skips input pixels, as TensorFlow does.
 */
import type { Tensor } from '../tensor.ts';

const f = Math.fround;

/** Per-output-index source positions along one axis (TensorFlow's `CachedInterpolation`). */
interface AxisWeights {
  lo: Int32Array;
  hi: Int32Array;
  t: Float32Array;
}

function axisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = f(inSize / outSize);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const t = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const x = f(f(f(o + 0.5) * scale) - 0.5);
    const fl = Math.floor(x);
    lo[o] = Math.max(fl, 0);
    hi[o] = Math.min(Math.ceil(x), inSize - 1);
    t[o] = f(x - fl);
  }
  return { lo, hi, t };
}

/**
 * Resizes a batch of channels-last images `[N, H, W, C]` to `[N, outH, outW, C]` with bilinear
 * interpolation and half-pixel centres (see the file comment). Returns float32 values; when the
 * size does not change the result equals the input.
 */
export function resizeBilinear(images: Tensor, outH: number, outW: number): Tensor {
  if (images.shape.length !== 4) {
    throw new RangeError(`resizeBilinear expects [N, H, W, C], got [${images.shape.join(', ')}]`);
  }
  const [n, h, w, c] = images.shape;
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) {
    throw new RangeError(`resizeBilinear: output size must be positive integers, got ${outH}×${outW}`);
  }
  if (h <= 0 || w <= 0) throw new RangeError(`resizeBilinear: empty input [${images.shape.join(', ')}]`);
  const src = images.data;
  const out = new Float32Array(n * outH * outW * c);
  const ys = axisWeights(h, outH);
  const xs = axisWeights(w, outW);
  let k = 0;
  for (let b = 0; b < n; b++) {
    const base = b * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const rowLo = base + ys.lo[oy] * w * c;
      const rowHi = base + ys.hi[oy] * w * c;
      const ty = ys.t[oy];
      for (let ox = 0; ox < outW; ox++) {
        const colLo = xs.lo[ox] * c;
        const colHi = xs.hi[ox] * c;
        const tx = xs.t[ox];
        for (let ch = 0; ch < c; ch++) {
          const tl = src[rowLo + colLo + ch];
          const tr = src[rowLo + colHi + ch];
          const bl = src[rowHi + colLo + ch];
          const br = src[rowHi + colHi + ch];
          const top = f(tl + f(f(tr - tl) * tx));
          const bottom = f(bl + f(f(br - bl) * tx));
          out[k++] = f(top + f(f(bottom - top) * ty));
        }
      }
    }
  }
  return { shape: [n, outH, outW, c], data: out };
}

/**
 * Resizes `[N, H, W, C]` to `[N, outH, outW, C]` by nearest neighbour exactly as
 * `tf.image.resize(images, size, method='nearest')` (ResizeNearestNeighbor with
 * `half_pixel_centers=True`): source index `min(floor((o + 0.5) · f32(in / out)), in − 1)` per axis,
 * in float32. Values are copied, not interpolated.
 */
export function resizeNearest(images: Tensor, outH: number, outW: number): Tensor {
  if (images.shape.length !== 4) {
    throw new RangeError(`resizeNearest expects [N, H, W, C], got [${images.shape.join(', ')}]`);
  }
  const [n, h, w, c] = images.shape;
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) {
    throw new RangeError(`resizeNearest: output size must be positive integers, got ${outH}×${outW}`);
  }
  if (h <= 0 || w <= 0) throw new RangeError(`resizeNearest: empty input [${images.shape.join(', ')}]`);
  const index = (inSize: number, outSize: number): Int32Array => {
    const scale = f(inSize / outSize);
    return Int32Array.from({ length: outSize }, (_, o) => Math.min(Math.floor(f(f(o + 0.5) * scale)), inSize - 1));
  };
  const ys = index(h, outH);
  const xs = index(w, outW);
  const src = images.data;
  const out = new Float32Array(n * outH * outW * c);
  let k = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const row = (b * h + ys[oy]) * w;
      for (let ox = 0; ox < outW; ox++) {
        const at = (row + xs[ox]) * c;
        for (let ch = 0; ch < c; ch++) out[k++] = src[at + ch];
      }
    }
  }
  return { shape: [n, outH, outW, c], data: out };
}

/** UpSampling2D's nearest mode: every pixel repeated fy × fx times (Keras' ops.repeat). */
export function repeatReference(input: Tensor, fy: number, fx: number): Tensor {
  const [N, H, W, C] = input.shape;
  const OH = H * fy;
  const OW = W * fx;
  const out = new Float32Array(N * OH * OW * C);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const src = ((n * H + Math.floor(oy / fy)) * W + Math.floor(ox / fx)) * C;
        out.set(input.data.subarray(src, src + C), ((n * OH + oy) * OW + ox) * C);
      }
    }
  }
  return { shape: [N, OH, OW, C], data: out };
}
