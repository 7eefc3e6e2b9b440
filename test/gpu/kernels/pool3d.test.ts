/**
 * MaxPooling3D / AveragePooling3D (shaders/pool3d.wgsl) vs the float64 CPU reference: odd
 * volumes, channels 1/3/5, 'same' with stride 2 on odd and even sizes (TF's average excludes the
 * padding), stride > pool, non-cubic pools, batch 2. GlobalPooling3D: global-pool.test.ts.
 */
import { describe, it } from 'vitest';
import type { Pool3DAttrs } from '../../../src/ops/pool3d.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';

const poolCases: (Pool3DAttrs & { name: string; input: number[] })[] = [
  { name: 'max 2×2×2 valid on odd 7×9×11, C 3', input: [1, 7, 9, 11, 3], mode: 'max', poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid' },
  { name: 'avg 2×2×2 valid on odd 7×9×11, C 5', input: [1, 7, 9, 11, 5], mode: 'avg', poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid' },
  { name: 'max 3×3×3 same stride 2 on odd 7×9×11, C 1', input: [1, 7, 9, 11, 1], mode: 'max', poolSize: [3, 3, 3], strides: [2, 2, 2], padding: 'same' },
  { name: 'avg 3×3×3 same stride 2 on ODD 7×9×11 (edges exclude padding), C 3', input: [1, 7, 9, 11, 3], mode: 'avg', poolSize: [3, 3, 3], strides: [2, 2, 2], padding: 'same' },
  { name: 'avg 2×2×2 same stride 2 on EVEN 6×8×10, C 5', input: [1, 6, 8, 10, 5], mode: 'avg', poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'same' },
  { name: 'avg 3×3×3 same stride 1, batch 2, C 3', input: [2, 5, 6, 7, 3], mode: 'avg', poolSize: [3, 3, 3], strides: [1, 1, 1], padding: 'same' },
  { name: 'max non-cubic 1×2×3 valid, strides (1, 2, 3), C 5', input: [1, 5, 8, 11, 5], mode: 'max', poolSize: [1, 2, 3], strides: [1, 2, 3], padding: 'valid' },
  { name: 'avg stride 3 > pool 2, same, odd sizes, batch 2', input: [2, 7, 8, 9, 3], mode: 'avg', poolSize: [2, 2, 2], strides: [3, 3, 3], padding: 'same' },
];

describe('pool3d kernel vs CPU reference', () => {
  poolCases.forEach((c, i) => {
    it(c.name, async () => {
      const { name, input, ...attrs } = c;
      const graph = singleOpGraph({ op: 'pool3d', attrs: attrs as unknown as Record<string, unknown>, inputShapes: [input] });
      const x = randomTensor(input, 700 + i, -2, 2);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      // Max is exact; an average of ≤ 27 f32 values is within a few ULP of the float64 mean.
      expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], F32, name);
    });
  });
});
