/**
 * Concatenate on the GPU vs the CPU reference: axes 1, 2, 3 and -1 of rank-4 tensors with axis
 * sizes 3, 5 and 7, two and three inputs, a rank-2 (vector) concatenation and the same tensor
 * given twice. A copy is exact: tolerance 0.
 */
import { describe, it } from 'vitest';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

/** [2, 4, 6, 5] with `size` on `axis`. */
const withAxis = (axis: number, size: number): number[] => {
  const s = [2, 4, 6, 5];
  s[axis < 0 ? axis + 4 : axis] = size;
  return s;
};

const cases = [
  ...[1, 2, 3, -1].map((axis) => ({ name: `axis ${axis}, sizes 3/5/7`, axis, shapes: [3, 5, 7].map((n) => withAxis(axis, n)) })),
  ...[1, 2, -1].map((axis) => ({ name: `axis ${axis}, sizes 5/3`, axis, shapes: [5, 3].map((n) => withAxis(axis, n)) })),
  { name: 'vectors (rank 2), axis -1', axis: -1, shapes: [[3, 7], [3, 1], [3, 5]] },
];

describe('concatenate kernel vs CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const graph = singleOpGraph({ op: 'concatenate', attrs: { axis: c.axis }, inputShapes: c.shapes });
      const xs = c.shapes.map((s, k) => randomTensor(s, 400 + 10 * i + k));
      const [gpu] = await runGraphOnGpu(graph, xs);
      const { outputs } = executeReference(graph, xs);
      expectTensorsClose(gpu, outputs[0], { atol: 0, rtol: 0 }, c.name);
    });
  });

  it('the same tensor twice', async () => {
    const graph = singleOpGraph({ op: 'concatenate', attrs: { axis: 2 }, inputShapes: [[2, 3, 5, 3]] });
    graph.nodes[0].inputs = ['in0', 'in0'];
    const x = randomTensor([2, 3, 5, 3], 499);
    const [gpu] = await runGraphOnGpu(graph, [x]);
    const { outputs } = executeReference(graph, [x]);
    expectTensorsClose(gpu, outputs[0], { atol: 0, rtol: 0 }, 'x ++ x');
  });
});
