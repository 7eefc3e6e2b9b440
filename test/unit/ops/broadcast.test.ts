/** Keras broadcasting rules and the axis coalescing that keeps the merge kernel's index math short. */
import { describe, expect, it } from 'vitest';
import { alignRank, broadcastShapes, broadcastStrides, coalesceAxes } from '../../../src/geometry/broadcast.ts';

describe('broadcasting', () => {
  it('aligns lower ranks after the batch axis, as Keras merges do (not at the front, as numpy)', () => {
    expect(alignRank([2, 4], 3)).toEqual([2, 1, 4]);
    expect(broadcastShapes([[2, 6, 4], [2, 4]])).toEqual([2, 6, 4]);
  });

  it('broadcasts size-1 axes on either side and reports mismatches', () => {
    expect(broadcastShapes([[2, 1, 7, 3], [2, 5, 1, 1]])).toEqual([2, 5, 7, 3]);
    expect(broadcastShapes([[2, 4, 3], [2, 5, 3]])).toEqual({ error: 'axis 1 has sizes 4 and 5' });
  });

  it('gives stride 0 along broadcast axes', () => {
    expect(broadcastStrides([2, 1, 1, 6], [2, 5, 7, 6])).toEqual([6, 0, 0, 1]);
    expect(broadcastStrides([2, 5, 7, 6], [2, 5, 7, 6])).toEqual([210, 42, 6, 1]);
  });

  it('coalesces axes both operands walk alike', () => {
    const out = [2, 5, 7, 6];
    // Same shapes: one axis.
    expect(coalesceAxes(out, [broadcastStrides(out, out), broadcastStrides(out, out)])).toEqual({ dims: [420], strides: [[1], [1]] });
    // Squeeze-and-excitation: [N, H·W, C].
    expect(coalesceAxes(out, [broadcastStrides(out, out), broadcastStrides([2, 1, 1, 6], out)])).toEqual({
      dims: [2, 35, 6],
      strides: [[210, 6, 1], [6, 0, 1]],
    });
    // Alternating broadcast axes cannot merge; size-1 output axes are dropped.
    expect(coalesceAxes([1, 3, 4, 5], [[0, 20, 5, 1], [0, 0, 1, 0]])).toEqual({ dims: [3, 4, 5], strides: [[20, 5, 1], [0, 1, 0]] });
  });
});
