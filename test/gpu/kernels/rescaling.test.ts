/**
 * Rescaling on the GPU (shaders/scale_shift.wgsl) vs its float64 CPU reference: scalar and
 * per-channel scale and offset, ranks 2 and 4.
 *
 * Tolerance atol 1e-5, rtol 1e-5, as batch-norm.test.ts: the kernel applies scale and offset
 * rounded to f32 in one fma, the reference multiplies and adds in float64.
 */
import { describe, it } from 'vitest';
import { LINEAR } from '../../../src/graph/ir.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

const TOL = { atol: 1e-5, rtol: 1e-5 };

const rescalingCases = [
  { name: 'scalar 1/255 (pixels)', shape: [2, 5, 7, 3], scale: [1 / 255], offset: [0], lo: 0, hi: 255 },
  { name: 'scalar 1/64 offset -1 (as in branch_merge)', shape: [2, 5, 7, 3], scale: [1 / 64], offset: [-1], lo: 0, hi: 128 },
  { name: 'per-channel scale and offset', shape: [2, 5, 7, 3], scale: [0.5, 2, -1], offset: [0.1, -0.2, 0.3], lo: -1, hi: 1 },
  { name: 'per-channel scale, scalar offset, rank 2', shape: [3, 4], scale: [1, 2, 3, 4], offset: [-0.5], lo: -1, hi: 1 },
];

describe('rescaling kernel vs CPU reference', () => {
  rescalingCases.forEach((c, i) => {
    it(c.name, async () => {
      const graph = singleOpGraph({ op: 'rescaling', attrs: { scale: c.scale, offset: c.offset, activation: LINEAR }, inputShapes: [c.shape] });
      const x = randomTensor(c.shape, 700 + i, c.lo, c.hi);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      expectTensorsClose(gpu, outputs[0], TOL, c.name);
    });
  });
});
