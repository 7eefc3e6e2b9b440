/**
 * Merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum) on the GPU vs the float64 CPU
 * reference: 2 and 3 inputs, same shapes and Keras broadcasting (squeeze-and-excitation
 * [N,H,W,C] × [N,1,1,C], size-1 axes on either side, lower-rank inputs expanded after the batch,
 * rank 5), and a fused activation on the last step.
 *
 * Tolerance atol 1e-6, rtol 1e-5: inputs in [−1, 1]; the GPU combines pairwise in f32 (one rounding
 * per step, 2 steps for 3 inputs, plus the 1/n scale of Average) against one float64 result.
 */
import { describe, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR } from '../../../src/graph/ir.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

const cases = [
  { kind: 'add', shapes: [[2, 5, 7, 3], [2, 5, 7, 3]] },
  { kind: 'add', shapes: [[2, 5, 7, 3], [2, 5, 7, 3], [2, 5, 7, 3]] },
  { kind: 'subtract', shapes: [[3, 37], [3, 37]] },
  { kind: 'subtract', shapes: [[2, 4, 6, 5], [2, 1, 1, 5]] },
  { kind: 'multiply', shapes: [[2, 5, 7, 6], [2, 1, 1, 6]], note: 'squeeze-and-excitation' },
  { kind: 'multiply', shapes: [[2, 1, 1, 6], [2, 5, 7, 6]], note: 'broadcast operand first' },
  { kind: 'multiply', shapes: [[2, 5, 7, 3], [2, 5, 7, 3], [2, 5, 1, 3]] },
  { kind: 'average', shapes: [[2, 9], [2, 9]] },
  { kind: 'average', shapes: [[2, 5, 7, 3], [2, 5, 7, 3], [2, 5, 7, 3]] },
  { kind: 'average', shapes: [[2, 5, 1, 3], [2, 1, 7, 1], [2, 5, 7, 3]], note: 'every input broadcast, output larger than the first two' },
  { kind: 'maximum', shapes: [[2, 5, 7, 3], [2, 5, 7, 3]] },
  { kind: 'maximum', shapes: [[2, 5, 7, 3], [1, 5, 7, 3], [2, 5, 7, 1]], note: 'batch broadcast too' },
  { kind: 'minimum', shapes: [[2, 5, 7, 3], [2, 5, 7, 3], [2, 5, 7, 3]] },
  { kind: 'minimum', shapes: [[2, 6, 4], [2, 4]], note: 'lower rank expanded at axis 1 (Keras rule)' },
  { kind: 'add', shapes: [[1, 3, 4, 5, 2], [1, 3, 1, 5, 1]], note: 'rank 5' },
  { kind: 'multiply', shapes: [[2, 3, 4, 5, 6], [2, 1, 4, 1, 6]], note: 'rank 5, alternating broadcast axes: 5 axes after coalescing' },
  { kind: 'maximum', shapes: [[2, 1, 4, 1, 6], [1, 3, 1, 5, 1]], note: 'rank 5, both operands broadcast, neither has the output shape' },
  { kind: 'add', shapes: [[2, 5, 7, 3], [2, 5, 7, 3]], act: makeActivation(ActivationKind.Relu), note: 'fused relu' },
  { kind: 'average', shapes: [[2, 5, 7, 3], [2, 1, 1, 3], [2, 5, 7, 3]], act: makeActivation(ActivationKind.Sigmoid), note: 'fused sigmoid after /3' },
];

describe('merge kernels vs CPU reference', () => {
  cases.forEach((c, i) => {
    const name = `${c.kind} of ${c.shapes.map((s) => `[${s.join(',')}]`).join(' ')}${c.note ? ` (${c.note})` : ''}`;
    it(name, async () => {
      const graph = singleOpGraph({ op: 'merge', attrs: { kind: c.kind, activation: c.act ?? LINEAR }, inputShapes: c.shapes });
      const xs = c.shapes.map((s, k) => randomTensor(s, 300 + 10 * i + k));
      const [gpu] = await runGraphOnGpu(graph, xs);
      const { outputs } = executeReference(graph, xs);
      expectTensorsClose(gpu, outputs[0], { atol: 1e-6, rtol: 1e-5 }, name);
    });
  });
});
