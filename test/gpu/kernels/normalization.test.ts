/**
 * Keras Normalization (shaders/scale_shift.wgsl) vs its CPU reference: per channel, invert=True,
 * axis=None, and the import rules it relies on.
 */
import { describe, expect, it } from 'vitest';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import { LINEAR, type GraphNode, type WeightTensor } from '../../../src/graph/ir.ts';
import { normalization, type NormalizationAttrs } from '../../../src/ops/normalization.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph, type OpCase } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

const ctx = { meta: { name: '', kerasVersion: '3', format: '' }, kerasMajor: 3 as const };
const layer = (className: string, config: Record<string, unknown>, weights: WeightTensor[] = []): KerasLayer => ({ name: 'L', className, config, inbound: [], weights });

async function check(c: OpCase, seed: number, tol = F32, lo = -1, hi = 1): Promise<void> {
  const graph = singleOpGraph(c);
  const x = randomTensor(c.inputShapes[0], seed, lo, hi);
  const [gpu] = await runGraphOnGpu(graph, [x]);
  expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], tol, `${c.op} ${JSON.stringify(c.inputShapes[0])}`);
}

describe('normalization (scale_shift kernel) vs CPU reference', () => {
  const attrs = (C: number, invert = false, scalar = false): NormalizationAttrs => ({
    axis: scalar ? null : -1,
    mean: scalar ? [0.3] : [...randomArray(C, 1400 + C, -0.5, 0.5)],
    variance: scalar ? [2.5] : [...randomArray(C, 1450 + C, 0.2, 3)],
    invert,
    activation: LINEAR,
  });
  it('per channel, C 5, batch 2, 7×9', () => check({ op: 'normalization', attrs: attrs(5) as unknown as Record<string, unknown>, inputShapes: [[2, 7, 9, 5]] }, 1401, F32, 0, 3));
  it('invert=True, C 7', () => check({ op: 'normalization', attrs: attrs(7, true) as unknown as Record<string, unknown>, inputShapes: [[1, 5, 3, 7]] }, 1402));
  it('axis=None (scalar mean/variance), C 3, rank 2', () => check({ op: 'normalization', attrs: attrs(3, false, true) as unknown as Record<string, unknown>, inputShapes: [[2, 3]] }, 1403));
  it('imports from weights (adapted) or config, rejects other axes by name', () => {
    const w = [
      { name: '0', shape: [3], data: Float32Array.from([1, 2, 3]) },
      { name: '1', shape: [3], data: Float32Array.from([4, 9, 16]) },
      { name: '2', shape: [], data: Float32Array.from([10]) },
    ];
    expect(normalization.fromKeras!(layer('Normalization', { axis: [-1], mean: null, variance: null, invert: false }, w), ctx)).toMatchObject({ attrs: { mean: [1, 2, 3], variance: [4, 9, 16] } });
    expect(normalization.fromKeras!(layer('Normalization', { axis: [-1], mean: [0.5, 1], variance: [4, 1], invert: true }), ctx)).toMatchObject({ attrs: { mean: [0.5, 1], invert: true } });
    expect(() => normalization.fromKeras!(layer('Normalization', { axis: [1, 2] }), ctx)).toThrow(/"L".*Normalization.*axis/s);
    // EfficientNet saves axis=3 on its 4-D input: the last axis, accepted; axis 2 of 4-D is not.
    const at = (axis: number): GraphNode => ({ name: 'L', kerasClass: 'Normalization', op: 'normalization', inputs: [], output: '', attrs: { axis, mean: [0], variance: [1], invert: false, activation: LINEAR }, weights: [] });
    expect(normalization.inferShape(at(3), [[1, 4, 4, 3]])).toEqual([1, 4, 4, 3]);
    expect(() => normalization.inferShape(at(2), [[1, 4, 4, 3]])).toThrow(/"L".*axis 2/s);
  });
  it('divides by max(sqrt(variance), 1e-7) as Keras does (zero variance does not give inf)', () => {
    const g = singleOpGraph({ op: 'normalization', attrs: { axis: -1, mean: [1], variance: [0], invert: false, activation: LINEAR }, inputShapes: [[1, 1]] });
    expect(executeReference(g, [{ shape: [1, 1], data: Float32Array.from([1.5]) }]).outputs[0].data[0]).toBeCloseTo(0.5e7, -1);
  });
});
