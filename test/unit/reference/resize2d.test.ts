/**
 * The CPU reference resize against hand-computed values of tf.image.resize(method='bilinear',
 * antialias=False), i.e. half-pixel centres with edge clamping.
 */
import { describe, expect, it } from 'vitest';
import { resizeBilinear } from '../../../src/reference/resize2d.ts';
import { tensor } from '../../../src/tensor.ts';

const grid = (h: number, w: number, fn: (y: number, x: number) => number) => {
  const v: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) v.push(fn(y, x));
  return v;
};

describe('resizeBilinear (tf.image.resize bilinear, half-pixel centres)', () => {
  it('upscales 2×2 → 4×4: centres at -0.25, 0.25, 0.75, 1.25 with the edges clamped', () => {
    const out = resizeBilinear(tensor([0, 1, 2, 3], [1, 2, 2, 1]), 4, 4);
    expect(out.shape).toEqual([1, 4, 4, 1]);
    // Along each axis the weights are [0, 0.25, 0.75, 1]; rows differ by 2, columns by 1.
    expect(Array.from(out.data)).toEqual([
      0, 0.25, 0.75, 1, //
      0.5, 0.75, 1.25, 1.5,
      1.5, 1.75, 2.25, 2.5,
      2, 2.25, 2.75, 3,
    ]);
  });

  it('downscales 5 → 2: centres at 0.75 and 3.25 (no antialiasing)', () => {
    const row = resizeBilinear(tensor([0, 10, 20, 30, 40], [1, 1, 5, 1]), 1, 2);
    expect(Array.from(row.data)).toEqual([7.5, 32.5]);
    const img = resizeBilinear(tensor(grid(5, 5, (y, x) => 100 * y + 10 * x), [1, 5, 5, 1]), 2, 2);
    expect(Array.from(img.data)).toEqual([82.5, 107.5, 332.5, 357.5]);
  });

  it('is the identity when the size does not change', () => {
    const data = grid(3, 7, (y, x) => Math.sin(y * 7 + x) * 255);
    const src = tensor(data, [1, 3, 7, 1]);
    const out = resizeBilinear(src, 3, 7);
    expect(out.shape).toEqual([1, 3, 7, 1]);
    expect(Array.from(out.data)).toEqual(Array.from(src.data));
  });

  it('keeps channels and batch items apart (channels-last indexing)', () => {
    // Batch of 2, 3 channels: channel k of item b is (b + 1) * (k - 1) * the 2×2 ramp above.
    const v: number[] = [];
    for (let b = 0; b < 2; b++) for (const p of [0, 1, 2, 3]) for (let k = 0; k < 3; k++) v.push((b + 1) * (k - 1) * p);
    const out = resizeBilinear(tensor(v, [2, 2, 2, 3]), 4, 4);
    const ramp = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 16; i++) {
        for (let k = 0; k < 3; k++) expect(out.data[(b * 16 + i) * 3 + k]).toBe((b + 1) * (k - 1) * ramp[i] + 0);
      }
    }
  });

  it('upscales by a non-integer factor with float32 weights (3 → 5)', () => {
    // scale = 0.6: centres 0.5*0.6-0.5=-0.2, 0.4, 1.0, 1.6, 2.2 → clamp, lerp, exact, lerp, clamp.
    const out = resizeBilinear(tensor([0, 10, 40], [1, 1, 3, 1]), 1, 5);
    const f = Math.fround;
    const x1 = f(f(f(1.5) * f(0.6)) - 0.5);
    const x3 = f(f(f(3.5) * f(0.6)) - 0.5);
    expect(Array.from(out.data)).toEqual([0, f(f(10 * x1)), 10, f(10 + f(30 * f(x3 - 1))), 40]);
  });

  it('rejects tensors that are not [N, H, W, C] and empty sizes', () => {
    expect(() => resizeBilinear(tensor([1, 2], [2, 1]), 2, 2)).toThrow(/\[N, H, W, C\]/);
    expect(() => resizeBilinear(tensor([1], [1, 1, 1, 1]), 0, 2)).toThrow(/positive/);
  });
});
