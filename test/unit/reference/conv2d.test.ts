/**
 * The Conv2D CPU reference and the shared padding rule, on tiny cases computed by hand: these are
 * the definition of correct that the GPU kernel is tested against, so they are checked against
 * arithmetic a reader can redo, not against another implementation.
 */
import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR } from '../../../src/graph/ir.ts';
import { axisGeometry, type Padding } from '../../../src/geometry/window.ts';
import { conv2dReference } from '../../../src/reference/conv2d.ts';
import { type Conv2DGeometry } from '../../../src/geometry/window.ts';
import { tensor } from '../../../src/tensor.ts';

/** 1, 2, 3, ... laid out as [1, h, w, 1]. */
const ramp = (h: number, w: number) => tensor(Array.from({ length: h * w }, (_, i) => i + 1), [1, h, w, 1]);
const ones = (n: number) => new Float32Array(n).fill(1);

describe('axisGeometry (TF padding rule)', () => {
  const cases: { size: number; k: number; s: number; d: number; p: Padding; out: number; before: number; after: number; why: string }[] = [
    { size: 5, k: 3, s: 1, d: 1, p: 'same', out: 5, before: 1, after: 1, why: 'odd total split evenly' },
    { size: 4, k: 3, s: 2, d: 1, p: 'same', out: 2, before: 0, after: 1, why: 'stride 2 on even size: the single pad cell goes AFTER' },
    { size: 5, k: 3, s: 2, d: 1, p: 'same', out: 3, before: 1, after: 1, why: 'stride 2 on odd size: symmetric' },
    { size: 224, k: 3, s: 2, d: 1, p: 'same', out: 112, before: 0, after: 1, why: 'the classic ResNet stem case' },
    { size: 6, k: 4, s: 1, d: 1, p: 'same', out: 6, before: 1, after: 2, why: 'even kernel: total 3, extra one after' },
    { size: 7, k: 2, s: 3, d: 1, p: 'same', out: 3, before: 0, after: 1, why: 'stride > kernel' },
    { size: 6, k: 1, s: 3, d: 1, p: 'same', out: 2, before: 0, after: 0, why: 'negative total clamps to 0' },
    { size: 7, k: 3, s: 1, d: 2, p: 'same', out: 7, before: 2, after: 2, why: 'dilation 2: effective kernel 5' },
    { size: 10, k: 3, s: 1, d: 3, p: 'same', out: 10, before: 3, after: 3, why: 'dilation 3: effective kernel 7' },
    { size: 7, k: 3, s: 1, d: 3, p: 'valid', out: 1, before: 0, after: 0, why: 'dilated kernel exactly fits' },
    { size: 6, k: 3, s: 1, d: 3, p: 'valid', out: 0, before: 0, after: 0, why: 'dilated kernel does not fit' },
    { size: 10, k: 3, s: 3, d: 1, p: 'valid', out: 3, before: 0, after: 0, why: 'floor((10 - 3) / 3) + 1' },
    { size: 150, k: 3, s: 1, d: 1, p: 'valid', out: 148, before: 0, after: 0, why: 'pneumonia model first conv' },
  ];
  for (const c of cases) {
    it(`${c.p} size ${c.size} kernel ${c.k} stride ${c.s} dilation ${c.d}: ${c.why}`, () => {
      expect(axisGeometry(c.size, c.k, c.s, c.d, c.p)).toEqual({ out: c.out, padBefore: c.before, padAfter: c.after });
    });
  }
});

interface RefCase {
  name: string;
  input: ReturnType<typeof tensor>;
  kernel: Float32Array;
  kernelShape: [number, number, number, number];
  bias?: number[];
  geometry: Partial<Conv2DGeometry> & { padding: Padding };
  relu?: boolean;
  expectShape: number[];
  expect: number[];
}

const refCases: RefCase[] = [
  {
    name: '4×4 ramp, 3×3 ones, valid: sums of the four 3×3 windows',
    input: ramp(4, 4), kernel: ones(9), kernelShape: [3, 3, 1, 1], geometry: { padding: 'valid' },
    expectShape: [1, 2, 2, 1], expect: [54, 63, 90, 99],
  },
  {
    name: '4×4 ramp, 3×3 ones, same: zero padding 1 on every side',
    input: ramp(4, 4), kernel: ones(9), kernelShape: [3, 3, 1, 1], geometry: { padding: 'same' },
    expectShape: [1, 4, 4, 1],
    // corners see 4 cells, edges 6, inside 9: e.g. [0,0] = 1+2+5+6, [0,1] = 1+2+3+5+6+7
    expect: [14, 24, 30, 22, 33, 54, 63, 45, 57, 90, 99, 69, 46, 72, 78, 54],
  },
  {
    name: '4×4 ramp, 3×3 ones, stride 2 same: pad 0 before, 1 after (even size)',
    input: ramp(4, 4), kernel: ones(9), kernelShape: [3, 3, 1, 1], geometry: { padding: 'same', strides: [2, 2] },
    // [0,0] is the full top-left window (54), not a padded corner (14) as symmetric padding would give
    expectShape: [1, 2, 2, 1], expect: [54, 3 + 4 + 7 + 8 + 11 + 12, 9 + 10 + 11 + 13 + 14 + 15, 11 + 12 + 15 + 16],
  },
  {
    name: '5×5 ramp, 3×3 ones, stride 2 same: pad 1 before and after (odd size)',
    input: ramp(5, 5), kernel: ones(9), kernelShape: [3, 3, 1, 1], geometry: { padding: 'same', strides: [2, 2] },
    expectShape: [1, 3, 3, 1],
    expect: [1 + 2 + 6 + 7, 2 + 3 + 4 + 7 + 8 + 9, 4 + 5 + 9 + 10, 6 + 7 + 11 + 12 + 16 + 17, 7 + 8 + 9 + 12 + 13 + 14 + 17 + 18 + 19,
      9 + 10 + 14 + 15 + 19 + 20, 16 + 17 + 21 + 22, 17 + 18 + 19 + 22 + 23 + 24, 19 + 20 + 24 + 25],
  },
  {
    name: 'dilation 2 valid on 5×5: a kernel with only its bottom-right tap picks x[4, 4]',
    input: ramp(5, 5), kernel: Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1]), kernelShape: [3, 3, 1, 1],
    geometry: { padding: 'valid', dilation: [2, 2] }, expectShape: [1, 1, 1, 1], expect: [25],
  },
  {
    name: 'dilation 2 same on 5×5 (pad 2): top-left tap reads x[y - 2, x - 2]',
    input: ramp(5, 5), kernel: Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]), kernelShape: [3, 3, 1, 1],
    geometry: { padding: 'same', dilation: [2, 2] }, expectShape: [1, 5, 5, 1],
    // prettier-ignore
    expect: [
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 0,
      0, 0, 1, 2, 3,
      0, 0, 6, 7, 8,
      0, 0, 11, 12, 13,
    ],
  },
  {
    name: '1×2 kernel [1, 10] on the row 1 2 3: kernel columns in x order',
    input: ramp(1, 3), kernel: Float32Array.from([1, 10]), kernelShape: [1, 2, 1, 1], geometry: { padding: 'valid' },
    expectShape: [1, 1, 2, 1], expect: [1 + 20, 2 + 30],
  },
  {
    name: '1×1, 2 → 3 channels, bias and relu: HWIO is [ci][co]',
    input: tensor([1, -2], [1, 1, 1, 2]), kernel: Float32Array.from([1, 0, 2, 3, 1, -1]), kernelShape: [1, 1, 2, 3],
    bias: [1, 1, 1], relu: true, geometry: { padding: 'valid' },
    // [1·1 + (−2)·3, 1·0 + (−2)·1, 1·2 + (−2)·(−1)] + 1 = [−4, −1, 5] → relu
    expectShape: [1, 1, 1, 3], expect: [0, 0, 5],
  },
  {
    name: 'groups 2, 4 → 2 channels, 1×1: filter g sees only input channels 2g, 2g + 1',
    // kernel [1, 1, 2, 2]: rows ci (within a group), columns co
    input: tensor([1, 2, 10, 20], [1, 1, 1, 4]), kernel: Float32Array.from([1, 3, 100, 1000]), kernelShape: [1, 1, 2, 2],
    geometry: { padding: 'valid', groups: 2 },
    // co 0 (group 0) = 1·1 + 2·100; co 1 (group 1) = 10·3 + 20·1000
    expectShape: [1, 1, 1, 2], expect: [201, 20030],
  },
  {
    name: 'batch 2: the second image is convolved on its own',
    input: tensor([1, 2, 3, 4, 10, 20, 30, 40], [2, 2, 2, 1]), kernel: ones(4), kernelShape: [2, 2, 1, 1],
    geometry: { padding: 'valid' }, expectShape: [2, 1, 1, 1], expect: [10, 100],
  },
];

describe('conv2dReference on hand-computed cases', () => {
  for (const c of refCases) {
    it(c.name, () => {
      const [kh, kw, , cout] = c.kernelShape;
      const geometry: Conv2DGeometry = { kernelSize: [kh, kw], strides: [1, 1], dilation: [1, 1], ...c.geometry };
      const act = c.relu ? makeActivation(ActivationKind.Relu) : LINEAR;
      const out = conv2dReference(c.input, c.kernel, c.bias ? Float32Array.from(c.bias) : undefined, cout, geometry, act);
      expect(out.shape).toEqual(c.expectShape);
      expect(Array.from(out.data)).toEqual(c.expect);
    });
  }
});
