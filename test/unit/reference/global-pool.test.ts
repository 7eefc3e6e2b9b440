/** Global pooling CPU reference on hand-computed cases: mean/max, keepdims, batch, 2-D and 3-D. */
import { describe, expect, it } from 'vitest';
import { globalPoolReference } from '../../../src/reference/global-pool.ts';
import { tensor } from '../../../src/tensor.ts';

describe('globalPoolReference', () => {
  // [1, 2, 2, 2]: channel 0 = 1, 2, 3, 4; channel 1 = -1, -2, -3, 6
  const x = tensor([1, -1, 2, -2, 3, -3, 4, 6], [1, 2, 2, 2]);
  const cases = [
    { name: 'avg, keepdims false → [N, C]', mode: 'avg' as const, keepdims: false, shape: [1, 2], values: [2.5, 0] },
    { name: 'max, keepdims true → [N, 1, 1, C]', mode: 'max' as const, keepdims: true, shape: [1, 1, 1, 2], values: [4, 6] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = globalPoolReference(x, c.mode, c.keepdims);
      expect(out.shape).toEqual(c.shape);
      expect(Array.from(out.data)).toEqual(c.values);
    });
  }
  it('batch 2 keeps images apart', () => {
    const out = globalPoolReference(tensor([1, 3, 10, 30], [2, 2, 1, 1]), 'avg', false);
    expect(Array.from(out.data)).toEqual([2, 20]);
  });
  it('5-D input (3-D pooling) reduces all three spatial axes; keepdims gives [N, 1, 1, 1, C]', () => {
    const v = tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2, 1]);
    expect(globalPoolReference(v, 'avg', true)).toEqual({ shape: [1, 1, 1, 1, 1], data: Float32Array.from([4.5]) });
    expect(globalPoolReference(v, 'max', false)).toEqual({ shape: [1, 1], data: Float32Array.from([8]) });
  });
});
