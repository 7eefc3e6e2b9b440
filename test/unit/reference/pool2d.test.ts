/**
 * Pooling CPU reference on hand-computed cases: TF's 'same' rule (an odd padding cell goes after
 * the data), average EXCLUDING padded cells, max ignoring padding even when every real value is
 * negative, stride > pool.
 */
import { describe, expect, it } from 'vitest';
import type { Padding } from '../../../src/geometry/window.ts';
import { pool2dReference } from '../../../src/reference/pool2d.ts';
import { type PoolMode } from '../../../src/geometry/window.ts';
import { tensor, type Tensor } from '../../../src/tensor.ts';

/** first, first+step, ... laid out as [1, h, w, 1]. */
const ramp = (h: number, w: number, first = 1, step = 1) =>
  tensor(Array.from({ length: h * w }, (_, i) => first + i * step), [1, h, w, 1]);

interface PoolRefCase {
  name: string;
  input: Tensor;
  mode: PoolMode;
  pool: [number, number];
  strides?: [number, number];
  padding: Padding;
  expectShape: number[];
  expect: number[];
}

const cases: PoolRefCase[] = [
  { name: 'max 2×2 valid on a 4×4 ramp', input: ramp(4, 4), mode: 'max', pool: [2, 2], padding: 'valid', expectShape: [1, 2, 2, 1], expect: [6, 8, 14, 16] },
  { name: 'avg 2×2 valid on a 4×4 ramp', input: ramp(4, 4), mode: 'avg', pool: [2, 2], padding: 'valid', expectShape: [1, 2, 2, 1], expect: [3.5, 5.5, 11.5, 13.5] },
  {
    name: "avg 3×3 stride 1 'same' on 3×3: corners average 4 real cells, edges 6 (padding excluded)",
    input: ramp(3, 3), mode: 'avg', pool: [3, 3], strides: [1, 1], padding: 'same', expectShape: [1, 3, 3, 1],
    // [0,0] = (1+2+4+5)/4 = 3, not 12/9; [0,1] = (1+2+3+4+5+6)/6 = 3.5; centre = 45/9 = 5
    expect: [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7],
  },
  {
    name: "max 3×3 stride 1 'same' on negative values: padding never wins",
    input: ramp(3, 3, -1, -1), mode: 'max', pool: [3, 3], strides: [1, 1], padding: 'same', expectShape: [1, 3, 3, 1],
    expect: [-1, -1, -2, -1, -1, -2, -4, -4, -5],
  },
  {
    name: "avg 2×2 stride 2 'same' on odd 3×3: pad 0 before, 1 after",
    input: ramp(3, 3), mode: 'avg', pool: [2, 2], padding: 'same', expectShape: [1, 2, 2, 1],
    expect: [(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9],
  },
  {
    name: "max 2×2 stride 2 'same' on even 4×4 needs no padding",
    input: ramp(4, 4), mode: 'max', pool: [2, 2], padding: 'same', expectShape: [1, 2, 2, 1], expect: [6, 8, 14, 16],
  },
  {
    name: 'max 1×2 stride 3 > pool on a 1×5 row: windows at 0 and 3',
    input: ramp(1, 5), mode: 'max', pool: [1, 2], strides: [1, 3], padding: 'valid', expectShape: [1, 1, 2, 1], expect: [2, 5],
  },
  {
    name: 'avg 3×3 stride 3 valid (malaria model) drops the leftover row and column',
    input: ramp(4, 4), mode: 'avg', pool: [3, 3], padding: 'valid', expectShape: [1, 1, 1, 1], expect: [(1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11) / 9],
  },
  {
    name: 'channels pool independently (C = 2)',
    input: tensor([1, -1, 2, -2, 3, -3, 4, -4], [1, 2, 2, 2]), mode: 'max', pool: [2, 2], padding: 'valid',
    expectShape: [1, 1, 1, 2], expect: [4, -1],
  },
];

describe('pool2dReference on hand-computed cases', () => {
  for (const c of cases) {
    it(c.name, () => {
      const out = pool2dReference(c.input, c.mode, { poolSize: c.pool, strides: c.strides ?? c.pool, padding: c.padding });
      expect(out.shape).toEqual(c.expectShape);
      expect(Array.from(out.data)).toEqual(c.expect.map(Math.fround));
    });
  }
});
