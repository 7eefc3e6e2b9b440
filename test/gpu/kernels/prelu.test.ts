/** PReLU (shaders/prelu.wgsl) vs its CPU reference: every shared_axes pattern, ranks 2 and 4, batch 2. */
import { describe, it } from 'vitest';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph, type OpCase } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

const EXACT = { atol: 0, rtol: 0 };

async function check(c: OpCase, seed: number, tol = F32, lo = -1, hi = 1): Promise<void> {
  const graph = singleOpGraph(c);
  const x = randomTensor(c.inputShapes[0], seed, lo, hi);
  const [gpu] = await runGraphOnGpu(graph, [x]);
  expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], tol, `${c.op} ${JSON.stringify(c.inputShapes[0])}`);
}

describe('prelu kernel vs CPU reference', () => {
  const pr = (alphaShape: number[], seed: number): OpCase => ({
    op: 'prelu',
    attrs: {},
    weights: [{ name: 'alpha', shape: alphaShape, data: randomArray(alphaShape.reduce((a, b) => a * b, 1), seed, -0.5, 0.8) }],
    inputShapes: [],
  });
  it('alpha per element [H, W, C] (no shared axes), batch 2, 7×9×5', () => check({ ...pr([7, 9, 5], 1600), inputShapes: [[2, 7, 9, 5]] }, 1601, EXACT));
  it('shared_axes [1, 2]: alpha [1, 1, C], C 7', () => check({ ...pr([1, 1, 7], 1602), inputShapes: [[2, 5, 3, 7]] }, 1603, EXACT));
  it('shared_axes [3]: alpha [H, W, 1], C 3', () => check({ ...pr([5, 6, 1], 1604), inputShapes: [[1, 5, 6, 3]] }, 1605, EXACT));
  it('shared_axes [1]: alpha [1, W, C] on odd 9×11×5', () => check({ ...pr([1, 11, 5], 1606), inputShapes: [[1, 9, 11, 5]] }, 1607, EXACT));
  it('rank 2 (after Dense)', () => check({ ...pr([13], 1608), inputShapes: [[2, 13]] }, 1609, EXACT));
});
