/**
 * softmax op on the GPU vs the float64 CPU reference, on the last axis (the classifier case) and on
 * middle axes (strided lanes), with odd sizes and logits of ±80: without the max subtraction,
 * exp(80) · 37 terms would overflow f32 and the results would be NaN.
 *
 * Tolerance atol 1e-6, rtol 1e-5: outputs lie in [0, 1]; exp (3 + 2|x| ULP in WGSL, |x − max| here
 * up to 160, so relative 3e-5 on the *tiny* terms, which atol covers) and an f32 sum of ≤ 37 terms
 * (relative ~4e-6) bound the error of the large ones.
 */
import { describe, it } from 'vitest';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

const cases = [
  { name: 'last axis, rank 2, 37 classes', shape: [3, 37], axis: -1, range: 8 },
  { name: 'last axis, large logits ±80', shape: [5, 37], axis: -1, range: 80 },
  { name: 'last axis of rank 4 (per-pixel classes)', shape: [2, 5, 7, 3], axis: -1, range: 8 },
  { name: 'middle axis 1 of rank 4, odd sizes', shape: [2, 5, 7, 3], axis: 1, range: 8 },
  { name: 'middle axis 2 of rank 4, ±80', shape: [2, 5, 7, 3], axis: 2, range: 80 },
  { name: 'axis given positive = last (3)', shape: [1, 3, 5, 9], axis: 3, range: 20 },
  { name: 'single class (output all ones)', shape: [4, 1], axis: -1, range: 8 },
  { name: 'rank 5 axis -2', shape: [1, 3, 4, 5, 3], axis: -2, range: 30 },
];

describe('softmax kernel vs CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const graph = singleOpGraph({ op: 'softmax', attrs: { axis: c.axis }, inputShapes: [c.shape] });
      const x = randomTensor(c.shape, 200 + i, -c.range, c.range);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      expectTensorsClose(gpu, outputs[0], { atol: 1e-6, rtol: 1e-5 }, c.name);
    });
  });
});
