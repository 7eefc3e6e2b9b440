/**
 * The CPU references of the non-convolution ops on hand-computed cases: they define correct for
 * the GPU kernel tests, so they are checked against values worked out by hand here.
 */
import { describe, expect, it } from 'vitest';
import { concatenateReference } from '../../../src/reference/concatenate.ts';
import { mergeReference } from '../../../src/reference/merge.ts';
import { rescalingReference } from '../../../src/reference/rescaling.ts';
import { softmaxReference } from '../../../src/reference/softmax.ts';
import { LINEAR } from '../../../src/graph/ir.ts';
import { tensor } from '../../../src/tensor.ts';

/** Equal up to float32 rounding of the result (relative 2^-23, with a floor near 0). */
const close = (actual: Float32Array, expected: number[]): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e), `element ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(e))));
};

describe('softmax reference', () => {
  it('last axis: exp ratios 1:2:3 give 1/6, 2/6, 3/6, and huge logits stay finite', () => {
    const x = tensor([0, Math.log(2), Math.log(3), 1000, 1001, 1002], [2, 3]);
    const e = Math.E;
    const z = 1 + e + e * e;
    close(softmaxReference(x, 1).data, [1 / 6, 2 / 6, 3 / 6, 1 / z, e / z, (e * e) / z]);
  });

  it('middle axis of [1, 2, 3] normalises pairs three apart', () => {
    const x = tensor([0, 0, 5, Math.log(3), 0, 5], [1, 2, 3]);
    close(softmaxReference(x, 1).data, [1 / 4, 0.5, 0.5, 3 / 4, 0.5, 0.5]);
  });
});

describe('merge reference', () => {
  it('average of three with broadcasting', () => {
    const a = tensor([1, 2, 3, 4], [1, 2, 2]);
    const b = tensor([10, 20], [1, 1, 2]);
    const c = tensor([100, 200], [1, 2, 1]);
    close(mergeReference('average', [a, b, c], [1, 2, 2]).data, [111 / 3, 122 / 3, 213 / 3, 224 / 3]);
  });

  it('subtract, maximum and minimum', () => {
    const a = tensor([1, -2, 3], [1, 3]);
    const b = tensor([0.5, 0.5, 5], [1, 3]);
    close(mergeReference('subtract', [a, b], [1, 3]).data, [0.5, -2.5, -2]);
    close(mergeReference('maximum', [a, b], [1, 3]).data, [1, 0.5, 5]);
    close(mergeReference('minimum', [a, b], [1, 3]).data, [0.5, -2, 3]);
  });
});

describe('concatenate reference', () => {
  it('axis 1 and last axis', () => {
    const a = tensor([1, 2, 3, 4], [1, 2, 2]);
    const b = tensor([5, 6], [1, 1, 2]);
    close(concatenateReference([a, b], 1).data, [1, 2, 3, 4, 5, 6]);
    const c = tensor([7, 8], [1, 2, 1]);
    close(concatenateReference([a, c], 2).data, [1, 2, 7, 3, 4, 8]);
  });
});

describe('rescaling reference', () => {
  it('per-channel scale with a scalar offset', () => {
    close(rescalingReference(tensor([1, 1, 2, 2], [2, 2]), [2, 3], [-1], LINEAR).data, [1, 2, 3, 5]);
  });
});
