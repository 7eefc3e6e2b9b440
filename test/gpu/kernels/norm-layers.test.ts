/**
 * Normalization, LayerNormalization, PReLU and Permute kernels vs their CPU references, on odd
 * sizes, channels 3/5/7, batch 2, and ranks 2–5; plus the Keras import rules each one relies on.
 */
import { describe, expect, it } from 'vitest';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import { LINEAR, type GraphNode, type WeightTensor } from '../../../src/graph/ir.ts';
import type { LayerNormAttrs } from '../../../src/ops/layer-norm.ts';
import { normalization, type NormalizationAttrs } from '../../../src/ops/normalization.ts';
import { permute } from '../../../src/ops/permute.ts';
import { layerNorm } from '../../../src/ops/layer-norm.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph, type OpCase } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

const EXACT = { atol: 0, rtol: 0 };
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

describe('layer_norm kernel vs CPU reference', () => {
  const ln = (C: number, o: { center?: boolean; scale?: boolean; rms?: boolean; eps?: number }, seed: number): OpCase => {
    const weights: WeightTensor[] = [];
    if (o.scale !== false) weights.push({ name: 'gamma', shape: [C], data: randomArray(C, seed, 0.5, 1.5) });
    if (o.center !== false) weights.push({ name: 'beta', shape: [C], data: randomArray(C, seed + 1, -0.3, 0.3) });
    const attrs: LayerNormAttrs = { axis: -1, epsilon: o.eps ?? 1e-3, rmsScaling: o.rms ?? false };
    return { op: 'layer_norm', attrs: attrs as unknown as Record<string, unknown>, weights, inputShapes: [] };
  };
  it('C 5, batch 2, 7×9, center + scale', () => check({ ...ln(5, {}, 1500), inputShapes: [[2, 7, 9, 5]] }, 1501));
  it('C 7, no center, no scale, epsilon 1e-6', () => check({ ...ln(7, { center: false, scale: false, eps: 1e-6 }, 1502), inputShapes: [[1, 5, 3, 7]] }, 1503));
  it('C 3, rms_scaling', () => check({ ...ln(3, { rms: true }, 1504), inputShapes: [[2, 4, 5, 3]] }, 1505));
  // Rows of 256 values with an offset of 50: the two-pass variance keeps the f32 error at ~1e-6.
  it('C 256 with a large common offset (cancellation), rank 2', () => check({ ...ln(256, {}, 1506), inputShapes: [[3, 256]] }, 1507, F32, 49, 51));
  it('import: gamma/beta by flags, last axis only', () => {
    const g = { name: 'gamma', shape: [4], data: new Float32Array(4) };
    expect(layerNorm.fromKeras!(layer('LayerNormalization', { axis: [-1], epsilon: 1e-5, center: false }, [g]), ctx)).toMatchObject({ attrs: { axis: -1, epsilon: 1e-5 }, weights: [{ name: 'gamma' }] });
    expect(() => layerNorm.inferShape({ name: 'L', kerasClass: 'LayerNormalization', op: 'layer_norm', inputs: [], output: '', attrs: { axis: 2, epsilon: 1e-3, rmsScaling: false }, weights: [] }, [[1, 4, 4, 3]])).toThrow(/only the last axis/);
  });
});

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
