/**
 * softmax op on the GPU vs the float64 CPU reference, on the last axis (the classifier case) and on
 * middle axes (strided lanes), with odd sizes and large logits: ±80 (as Keras models can produce)
 * and ±120, where exp(x) alone overflows f32 (e^88.7 is its limit), so only the max subtraction
 * keeps the result finite. (±80 by itself does not overflow: e^80 · 37 ≈ 2e36 < 3.4e38.)
 *
 * Tolerance atol 1e-6, rtol 1e-5: outputs lie in [0, 1]; exp (3 + 2|x| ULP in WGSL, |x − max| here
 * up to 240, so relative 3e-5 on the *tiny* terms, which atol covers) and an f32 sum of ≤ 37 terms
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
  { name: 'last axis, ±120 (exp overflows without the max)', shape: [3, 37], axis: -1, range: 120 },
  { name: 'middle axis 1, ±120', shape: [2, 9, 5, 3], axis: 1, range: 120 },
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
