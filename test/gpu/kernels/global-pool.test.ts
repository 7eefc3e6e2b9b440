/**
 * global_pool kernel (shaders/global_pool.wgsl) vs the CPU reference: mean and max over all
 * spatial positions of images (GlobalPooling2D) and volumes (GlobalPooling3D), with and without
 * keepdims, odd sizes, channel counts not multiples of 4, batch 2, and a long (112×112) average.
 */
import { describe, it } from 'vitest';
import type { GlobalPoolAttrs } from '../../../src/ops/global-pool.ts';
import type { PoolMode } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';

interface GlobalPoolCase {
  name: string;
  input: number[];
  mode: PoolMode;
  keepdims: boolean;
}

const cases3d: GlobalPoolCase[] = [
  { name: 'global avg 7×9×11, C 5', input: [1, 7, 9, 11, 5], mode: 'avg', keepdims: false },
  { name: 'global max 7×9×11, C 3, batch 2', input: [2, 7, 9, 11, 3], mode: 'max', keepdims: false },
  { name: 'global avg keepdims, C 1', input: [1, 5, 6, 7, 1], mode: 'avg', keepdims: true },
];

const cases: GlobalPoolCase[] = [
  { name: 'avg, 37×53, C 5', input: [1, 37, 53, 5], mode: 'avg', keepdims: false },
  { name: 'max, 37×53, C 5', input: [1, 37, 53, 5], mode: 'max', keepdims: false },
  { name: 'avg keepdims, batch 2, 7×7, C 13', input: [2, 7, 7, 13], mode: 'avg', keepdims: true },
  { name: 'max keepdims, batch 2, 3×5, C 3', input: [2, 3, 5, 3], mode: 'max', keepdims: true },
  { name: 'avg, 1×1 input, C 7', input: [1, 1, 1, 7], mode: 'avg', keepdims: false },
  { name: 'max, 1×3 input (fewer than 4 positions), C 1', input: [1, 1, 3, 1], mode: 'max', keepdims: false },
  { name: 'avg, long reduction 112×112, C 64', input: [1, 112, 112, 64], mode: 'avg', keepdims: false },
  { name: 'max, 112×112, C 64, batch 2', input: [2, 112, 112, 64], mode: 'max', keepdims: false },
];

describe('global_pool kernel vs CPU reference, 2-D (images)', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const attrs: GlobalPoolAttrs = { mode: c.mode, keepdims: c.keepdims, spatialRank: 2 };
      const graph = singleOpGraph({ op: 'global_pool', attrs: attrs as unknown as Record<string, unknown>, inputShapes: [c.input] });
      // Offset inputs so a mean over 12544 values is not near zero (rtol then means something).
      const x = randomTensor(c.input, 700 + i, -0.5, 1.5);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      // Max is exact; the mean sums up to 12544 terms in four f32 partial sums: error ≈ 1e-7 relative.
      expectTensorsClose(gpu, outputs[0], F32, c.name);
    });
  });
});

describe('global_pool kernel vs CPU reference, 3-D (volumes)', () => {
  cases3d.forEach((c, i) => {
    it(c.name, async () => {
      const attrs: GlobalPoolAttrs = { mode: c.mode, keepdims: c.keepdims, spatialRank: 3 };
      const graph = singleOpGraph({ op: 'global_pool', attrs: attrs as unknown as Record<string, unknown>, inputShapes: [c.input] });
      const x = randomTensor(c.input, 800 + i, -2, 2);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      // Means of up to 693 values in four interleaved f32 partial sums: ~1e-7 absolute.
      expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], F32, c.name);
    });
  });
});
