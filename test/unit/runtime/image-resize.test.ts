/**
 * The production image resize (src/runtime/image-resize.ts, row-cached and separable) against the
 * CPU reference (src/reference/resize2d.ts, per output pixel): the same float32 operations in the
 * same order, so equal bit for bit, on up- and downscales (> 2× skips pixels), same size, a 1×1
 * source, odd channel counts and a batch of 2.
 */
import { describe, expect, it } from 'vitest';
import { resizeBilinear, resizeNearest } from '../../../src/reference/resize2d.ts';
import { resizeImageBilinear, resizeImageNearest } from '../../../src/runtime/image-resize.ts';
import { randomTensor } from '../../util/random.ts';

const cases: [number[], number, number][] = [
  [[1, 37, 53, 3], 224, 224],
  [[1, 300, 200, 1], 64, 64],
  [[2, 9, 7, 5], 9, 7],
  [[1, 1, 1, 3], 5, 4],
  [[1, 13, 11, 2], 20, 3],
];

describe('runtime image resize = reference resize, bit for bit', () => {
  cases.forEach(([shape, h, w], i) => {
    it(`[${shape.join(', ')}] → ${h}×${w}`, () => {
      const x = randomTensor(shape, 900 + i, 0, 255);
      for (const [ours, ref] of [[resizeImageBilinear, resizeBilinear], [resizeImageNearest, resizeNearest]] as const) {
        const a = ours(x, h, w);
        const b = ref(x, h, w);
        expect(a.shape).toEqual(b.shape);
        expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
      }
    });
  });

  it('rejects what the reference rejects', () => {
    expect(() => resizeImageBilinear({ shape: [2, 3, 4], data: new Float32Array(24) }, 2, 2)).toThrow(RangeError);
    expect(() => resizeImageNearest({ shape: [1, 2, 2, 1], data: new Float32Array(4) }, 0, 2)).toThrow(RangeError);
  });
});
