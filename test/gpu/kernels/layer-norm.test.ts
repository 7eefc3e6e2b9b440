/**
 * LayerNormalization (shaders/layer_norm.wgsl) vs its CPU reference: odd sizes, channels 3/5/7,
 * batch 2, rms_scaling, a cancellation-prone offset, and the import rules it relies on.
 */
import { describe, expect, it } from 'vitest';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import type { WeightTensor } from '../../../src/graph/ir.ts';
import { layerNorm, type LayerNormAttrs } from '../../../src/ops/layer-norm.ts';
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
