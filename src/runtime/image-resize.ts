/**
 * The production CPU image resize (the CLI's image input; the GPU path is shaders/preprocess.wgsl):
 * `tf.image.resize` bilinear or nearest with half-pixel centres and no antialiasing, in float32,
 * as TensorFlow's ResizeBilinear / ResizeNearestNeighbor kernels compute it.
 *
 * Written separately from the CPU reference (src/reference/resize2d.ts), which evaluates the
 * formula per output pixel: here each input row needed is interpolated horizontally once and the
 * output rows are blends of two such rows, the same float32 operations in the same order (so the
 * results are bit-identical, which test/unit/runtime/image-resize.test.ts checks), with each
 * horizontal pass shared by every output row that reads it.
 */
import type { Tensor } from '../tensor.ts';

const f = Math.fround;

/** Source positions of each output index along one axis (half-pixel centres, edges clamped). */
function taps(inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; t: Float32Array } {
  const scale = f(inSize / outSize);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const t = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const x = f(f(f(o + 0.5) * scale) - 0.5);
    const floor = Math.floor(x);
    lo[o] = Math.max(floor, 0);
    hi[o] = Math.min(Math.ceil(x), inSize - 1);
    t[o] = f(x - floor);
  }
  return { lo, hi, t };
}

function checkArgs(what: string, images: Tensor, outH: number, outW: number): void {
  if (images.shape.length !== 4) throw new RangeError(`${what} expects [N, H, W, C], got [${images.shape.join(', ')}]`);
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) {
    throw new RangeError(`${what}: output size must be positive integers, got ${outH}×${outW}`);
  }
  if (images.shape[1] <= 0 || images.shape[2] <= 0) throw new RangeError(`${what}: empty input [${images.shape.join(', ')}]`);
}

/** Bilinear resize of channels-last images [N, H, W, C] to [N, outH, outW, C]. */
export function resizeImageBilinear(images: Tensor, outH: number, outW: number): Tensor {
  checkArgs('resizeImageBilinear', images, outH, outW);
  const [n, h, w, c] = images.shape;
  const ys = taps(h, outH);
  const xs = taps(w, outW);
  const rowLen = outW * c;
  const out = new Float32Array(n * outH * rowLen);
  // Horizontally interpolated input rows, cached by input row index for the current image.
  const rows = new Map<number, Float32Array>();
  const rowOf = (base: number, y: number): Float32Array => {
    let r = rows.get(y);
    if (r) return r;
    r = new Float32Array(rowLen);
    const src = images.data;
    const at = base + y * w * c;
    for (let ox = 0, k = 0; ox < outW; ox++) {
      const a = at + xs.lo[ox] * c;
      const b = at + xs.hi[ox] * c;
      const tx = xs.t[ox];
      for (let ch = 0; ch < c; ch++, k++) r[k] = f(src[a + ch] + f(f(src[b + ch] - src[a + ch]) * tx));
    }
    rows.set(y, r);
    return r;
  };
  for (let b = 0; b < n; b++) {
    rows.clear();
    const base = b * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const top = rowOf(base, ys.lo[oy]);
      const bottom = rowOf(base, ys.hi[oy]);
      const ty = ys.t[oy];
      const o = (b * outH + oy) * rowLen;
      for (let k = 0; k < rowLen; k++) out[o + k] = f(top[k] + f(f(bottom[k] - top[k]) * ty));
    }
  }
  return { shape: [n, outH, outW, c], data: out };
}

/** Nearest-neighbour resize: source index min(floor((o + 0.5) · f32(in / out)), in − 1) per axis. */
export function resizeImageNearest(images: Tensor, outH: number, outW: number): Tensor {
  checkArgs('resizeImageNearest', images, outH, outW);
  const [n, h, w, c] = images.shape;
  const source = (inSize: number, outSize: number): Int32Array => {
    const scale = f(inSize / outSize);
    return Int32Array.from({ length: outSize }, (_, o) => Math.min(Math.floor(f(f(o + 0.5) * scale)), inSize - 1));
  };
  const ys = source(h, outH);
  const xs = source(w, outW);
  const out = new Float32Array(n * outH * outW * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const row = (b * h + ys[oy]) * w;
      const o = (b * outH + oy) * outW * c;
      for (let ox = 0; ox < outW; ox++) out.set(images.data.subarray((row + xs[ox]) * c, (row + xs[ox] + 1) * c), o + ox * c);
    }
  }
  return { shape: [n, outH, outW, c], data: out };
}
