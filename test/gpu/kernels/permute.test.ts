/** Permute (shaders/permute.wgsl) vs its CPU reference: ranks 3–5, and the import rule it relies on. */
import { describe, expect, it } from 'vitest';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import type { WeightTensor } from '../../../src/graph/ir.ts';
import { permute } from '../../../src/ops/permute.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph, type OpCase } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';

const EXACT = { atol: 0, rtol: 0 };
const ctx = { meta: { name: '', kerasVersion: '3', format: '' }, kerasMajor: 3 as const };
const layer = (className: string, config: Record<string, unknown>, weights: WeightTensor[] = []): KerasLayer => ({ name: 'L', className, config, inbound: [], weights });

async function check(c: OpCase, seed: number, tol = F32, lo = -1, hi = 1): Promise<void> {
  const graph = singleOpGraph(c);
  const x = randomTensor(c.inputShapes[0], seed, lo, hi);
  const [gpu] = await runGraphOnGpu(graph, [x]);
  expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], tol, `${c.op} ${JSON.stringify(c.inputShapes[0])}`);
}

describe('permute kernel vs CPU reference', () => {
  const cases: [number[], number[]][] = [
    [[2, 1, 3], [2, 7, 9, 5]],
    [[3, 1, 2], [1, 5, 6, 7]],
    [[1, 3, 2], [2, 3, 5, 7]],
    [[3, 2, 1], [1, 9, 4, 3]],
    [[2, 1], [2, 5, 13]],
    [[4, 1, 3, 2], [1, 3, 4, 5, 2]],
    [[1, 2, 3], [1, 3, 3, 5]],
  ];
  cases.forEach(([dims, shape], i) =>
    it(`dims (${dims.join(', ')}) on [${shape.join(', ')}]`, () => check({ op: 'permute', attrs: { dims }, inputShapes: [shape] }, 1700 + i, EXACT)),
  );
  it('reference: Permute((2, 1)) transposes each sample', () => {
    const g = singleOpGraph({ op: 'permute', attrs: { dims: [2, 1] }, inputShapes: [[1, 2, 3]] });
    const out = executeReference(g, [{ shape: [1, 2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]).outputs[0];
    expect(out.shape).toEqual([1, 3, 2]);
    expect([...out.data]).toEqual([1, 4, 2, 5, 3, 6]);
  });
  it('rejects dims that are not a permutation, naming the layer', () => {
    expect(() => permute.fromKeras!(layer('Permute', { dims: [1, 1, 3] }), ctx)).toThrow(/"L".*Permute/s);
  });
});
