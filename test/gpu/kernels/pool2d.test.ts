/**
 * pool2d kernel (shaders/pool2d.wgsl) vs the CPU reference: max and average, 'valid' and TF's
 * 'same' (padding never counted), non-square pools, strides different from (and larger than) the
 * pool, odd sizes and channel counts that are not multiples of 4.
 */
import { describe, it } from 'vitest';
import type { Padding } from '../../../src/geometry/window.ts';
import type { Pool2DAttrs } from '../../../src/ops/pool2d.ts';
import type { PoolMode } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';

interface PoolCase {
  name: string;
  /** [N, H, W, C] */
  input: number[];
  pool: [number, number];
  /** Defaults to the pool size, as in Keras. */
  strides?: [number, number];
  padding: Padding;
}

const shapes: PoolCase[] = [
  { name: '2×2 valid (Keras default) on odd 37×53, C 5', input: [1, 37, 53, 5], pool: [2, 2], padding: 'valid' },
  { name: '2×2 same on odd 37×53, C 3 (extra cell after)', input: [1, 37, 53, 3], pool: [2, 2], padding: 'same' },
  { name: '3×3 stride 2 same on EVEN 16×20, C 7', input: [1, 16, 20, 7], pool: [3, 3], strides: [2, 2], padding: 'same' },
  { name: '3×3 stride 2 same on ODD 17×21, C 8', input: [1, 17, 21, 8], pool: [3, 3], strides: [2, 2], padding: 'same' },
  { name: '3×3 stride 3 (malaria model) valid, batch 2', input: [2, 22, 23, 13], pool: [3, 3], padding: 'valid' },
  { name: '3×3 stride 1 same: every border window clipped', input: [1, 9, 11, 5], pool: [3, 3], strides: [1, 1], padding: 'same' },
  { name: 'non-square 2×3, strides (1, 2), same', input: [1, 13, 18, 4], pool: [2, 3], strides: [1, 2], padding: 'same' },
  { name: 'non-square 1×7 valid', input: [1, 5, 30, 3], pool: [1, 7], padding: 'valid' },
  { name: 'stride 3 > pool 2, same, odd sizes', input: [1, 14, 13, 5], pool: [2, 2], strides: [3, 3], padding: 'same' },
  { name: 'stride 4 > pool 2, valid', input: [2, 15, 10, 7], pool: [2, 2], strides: [4, 4], padding: 'valid' },
  { name: '5×5 same on a 3×4 input (pool larger than the image)', input: [1, 3, 4, 6], pool: [5, 5], strides: [1, 1], padding: 'same' },
  { name: 'C 1, 4×4 stride 2 same, pads 1 + 2 on odd 15', input: [1, 15, 16, 1], pool: [4, 4], strides: [2, 2], padding: 'same' },
];

const cases: (PoolCase & { mode: PoolMode })[] = shapes.flatMap((c) => [
  { ...c, mode: 'max' as const, name: `max: ${c.name}` },
  { ...c, mode: 'avg' as const, name: `avg: ${c.name}` },
]);

describe('pool2d kernel vs CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const attrs: Pool2DAttrs = { mode: c.mode, poolSize: c.pool, strides: c.strides ?? c.pool, padding: c.padding };
      const graph = singleOpGraph({ op: 'pool2d', attrs: attrs as unknown as Record<string, unknown>, inputShapes: [c.input] });
      const x = randomTensor(c.input, 500 + i);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      // Max is exact; an average of at most 25 values in [-1, 1] rounds by a few ulps.
      expectTensorsClose(gpu, outputs[0], F32, c.name);
    });
  });
});
